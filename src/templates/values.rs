//! The site as template values with Zola's field names (`page.title`, `section.pages`, ...):
//! typed `Serialize` structs that borrow from the `Site` (as Zola's `ser.rs`), built when a
//! template asks for them. What takes work to find (backlinks) is computed once in `Values`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::config::{
    Config, ExcludePaginated, IndexFormat, Language, MarkdownConfig, Mode, TaxonomyConfig,
};
use crate::content::{
    FileInfo, Heading, ItemRef, Page, PageId, RenderedSite, Section, SectionId, Site, Term,
};

/// What every template value of a build shares: the rendered Markdown (kept beside the
/// `Site`) and who links to whom.
#[derive(Debug, Default)]
pub struct Values {
    rendered: RenderedSite,
    page_backlinks: Vec<Vec<Backlink>>,
    section_backlinks: Vec<Vec<Backlink>>,
}

/// How much of a page a value carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// With its rendered `content`.
    Full,
    /// Without `content` (`metadata_only`, and Markdown not rendered yet).
    Metadata,
}

impl Values {
    /// Values of `site` with its `rendered` Markdown ([`RenderedSite::empty`] while the
    /// Markdown itself renders).
    pub fn new(site: &Site, rendered: RenderedSite) -> Values {
        let mut page_backlinks = vec![Vec::new(); site.pages.len()];
        let mut section_backlinks = vec![Vec::new(); site.sections.len()];
        for (target, links) in backlinks(site, &rendered) {
            match target {
                ItemRef::Page(i) => page_backlinks[i] = links,
                ItemRef::Section(i) => section_backlinks[i] = links,
            }
        }
        Values {
            rendered,
            page_backlinks,
            section_backlinks,
        }
    }

    /// Every page's and section's rendered Markdown.
    pub fn rendered(&self) -> &RenderedSite {
        &self.rendered
    }

    fn backlinks_of(&self, item: ItemRef) -> &[Backlink] {
        let list = match item {
            ItemRef::Page(i) => self.page_backlinks.get(i),
            ItemRef::Section(i) => self.section_backlinks.get(i),
        };
        list.map_or(&[], Vec::as_slice)
    }

    /// A page as `get_page`, listings and pagers show it (no neighbours).
    pub fn page<'a>(&'a self, site: &'a Site, id: PageId, content: Content) -> PageValue<'a> {
        PageValue::new(site, self, id, content)
    }

    /// A page as its own template sees it: with `lower` and `higher` neighbours (as listings
    /// show pages: neighbour links need a title and a permalink, not content).
    pub fn page_with_neighbours<'a>(&'a self, site: &'a Site, id: PageId) -> PageValue<'a> {
        let p = &site.pages[id];
        let mut v = PageValue::new(site, self, id, Content::Full);
        v.lower = p.lower.map(|l| BriefPage::new(site, self, l));
        v.higher = p.higher.map(|h| BriefPage::new(site, self, h));
        v
    }

    /// A section with its sorted `pages` (empty for `metadata_only`).
    pub fn section<'a>(
        &'a self,
        site: &'a Site,
        id: SectionId,
        pages: Content,
    ) -> SectionValue<'a> {
        SectionValue::new(site, self, id, pages)
    }
}

/// A page that links here.
#[derive(Debug, Clone, Serialize)]
pub struct Backlink {
    permalink: String,
    title: Option<String>,
}

/// The fields a listing of pages needs (taxonomy terms, neighbours).
#[derive(Debug, Serialize)]
pub struct BriefPage<'a> {
    relative_path: &'a str,
    title: Option<&'a str>,
    description: Option<&'a str>,
    permalink: &'a str,
    path: &'a str,
    slug: &'a str,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    lang: &'a str,
    taxonomies: &'a BTreeMap<String, Vec<String>>,
    extra: &'a Value,
    summary: Option<&'a str>,
    word_count: usize,
    reading_time: usize,
    components: &'a [String],
    draft: bool,
    ancestors: Vec<&'a str>,
    authors: &'a [String],
}

impl<'a> BriefPage<'a> {
    pub fn new(site: &'a Site, values: &'a Values, id: PageId) -> Self {
        let p: &'a Page = &site.pages[id];
        let date = p.meta.date.as_ref();
        BriefPage {
            relative_path: &p.file.relative,
            title: p.meta.title.as_deref(),
            description: p.meta.description.as_deref(),
            permalink: &p.permalink,
            path: &p.path,
            slug: &p.slug,
            date: date.map(|d| d.text.as_str()),
            updated: p.meta.updated.as_ref().map(|d| d.text.as_str()),
            year: date.map(|d| chrono::Datelike::year(&d.datetime)),
            month: date.map(|d| chrono::Datelike::month(&d.datetime)),
            day: date.map(|d| chrono::Datelike::day(&d.datetime)),
            lang: &p.file.lang,
            taxonomies: &p.meta.taxonomies,
            extra: &p.meta.extra,
            summary: values.rendered.page(id).summary.as_deref(),
            word_count: p.reading.word_count,
            reading_time: p.reading.reading_time,
            components: &p.components,
            draft: p.meta.draft,
            ancestors: relative_paths(site, &p.ancestors),
            authors: &p.meta.authors,
        }
    }
}

/// Zola's `page`.
#[derive(Debug, Serialize)]
pub struct PageValue<'a> {
    #[serde(flatten)]
    brief: BriefPage<'a>,
    colocated_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    toc: &'a [Heading],
    assets: Vec<String>,
    lower: Option<BriefPage<'a>>,
    higher: Option<BriefPage<'a>>,
    translations: Vec<Translation<'a>>,
    alternates: Vec<Alternate<'a>>,
    backlinks: &'a [Backlink],
}

impl<'a> PageValue<'a> {
    fn new(site: &'a Site, values: &'a Values, id: PageId, content: Content) -> Self {
        let p = &site.pages[id];
        let rendered = values.rendered.page(id);
        let item = ItemRef::Page(id);
        PageValue {
            brief: BriefPage::new(site, values, id),
            colocated_path: colocated(&p.file),
            content: (content == Content::Full).then_some(rendered.content.as_str()),
            toc: &rendered.toc,
            assets: assets(&p.path, &p.assets, &p.file.colocated_dir),
            lower: None,
            higher: None,
            translations: translations(site, item),
            alternates: alternates(site, item),
            backlinks: values.backlinks_of(item),
        }
    }
}

/// Zola's `section`.
#[derive(Debug, Serialize)]
pub struct SectionValue<'a> {
    relative_path: &'a str,
    colocated_path: Option<String>,
    content: &'a str,
    permalink: &'a str,
    draft: bool,
    ancestors: Vec<&'a str>,
    title: Option<&'a str>,
    description: Option<&'a str>,
    extra: &'a Value,
    path: &'a str,
    components: &'a [String],
    toc: &'a [Heading],
    word_count: usize,
    reading_time: usize,
    lang: &'a str,
    assets: Vec<String>,
    pages: Vec<PageValue<'a>>,
    subsections: Vec<&'a str>,
    translations: Vec<Translation<'a>>,
    alternates: Vec<Alternate<'a>>,
    backlinks: &'a [Backlink],
    generate_feeds: bool,
    transparent: bool,
    paginate_by: Option<usize>,
    paginate_reversed: bool,
}

impl<'a> SectionValue<'a> {
    fn new(site: &'a Site, values: &'a Values, id: SectionId, pages: Content) -> Self {
        let s: &'a Section = &site.sections[id];
        let rendered = values.rendered.section(id);
        let item = ItemRef::Section(id);
        let pages = match pages {
            Content::Full => s
                .pages
                .iter()
                .map(|p| PageValue::new(site, values, *p, Content::Full))
                .collect(),
            Content::Metadata => Vec::new(),
        };
        SectionValue {
            relative_path: &s.file.relative,
            colocated_path: colocated(&s.file),
            content: &rendered.content,
            permalink: &s.permalink,
            draft: s.meta.draft,
            ancestors: relative_paths(site, &s.ancestors),
            title: s.meta.title.as_deref(),
            description: s.meta.description.as_deref(),
            extra: &s.meta.extra,
            path: &s.path,
            components: &s.components,
            toc: &rendered.toc,
            word_count: s.reading.word_count,
            reading_time: s.reading.reading_time,
            lang: &s.file.lang,
            assets: assets(&s.path, &s.assets, &s.file.colocated_dir),
            pages,
            subsections: relative_paths(site, &s.subsections),
            translations: translations(site, item),
            alternates: alternates(site, item),
            backlinks: values.backlinks_of(item),
            generate_feeds: s.meta.generate_feeds,
            transparent: s.meta.transparent,
            paginate_by: s.meta.paginate_by,
            paginate_reversed: s.meta.paginate_reversed,
        }
    }
}

/// How a taxonomy term's pages are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermPages {
    /// Without pages (`include_pages = false`).
    None,
    /// As listings show them: term and taxonomy pages.
    Brief,
    /// Whole, with content, as the template functions give them.
    Full,
}

/// A value that is either a listing's brief page or a whole page.
#[derive(Debug, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // Brief is the usual case, one per listed page; boxing it would allocate for each.
pub enum ListedPage<'a> {
    Brief(BriefPage<'a>),
    Full(Box<PageValue<'a>>),
}

/// Zola's taxonomy term.
#[derive(Debug, Serialize)]
pub struct TermValue<'a> {
    name: &'a str,
    slug: &'a str,
    path: &'a str,
    permalink: &'a str,
    pages: Vec<ListedPage<'a>>,
    page_count: usize,
}

impl<'a> TermValue<'a> {
    pub fn new(site: &'a Site, values: &'a Values, term: &'a Term, pages: TermPages) -> Self {
        let listed = |p: &PageId| match pages {
            TermPages::Full => ListedPage::Full(Box::new(values.page(site, *p, Content::Full))),
            _ => ListedPage::Brief(BriefPage::new(site, values, *p)),
        };
        TermValue {
            name: &term.name,
            slug: &term.slug,
            path: &term.path,
            permalink: &term.permalink,
            pages: match pages {
                TermPages::None => Vec::new(),
                _ => term.pages.iter().map(listed).collect(),
            },
            page_count: term.pages.len(),
        }
    }
}

/// One language version in Zola's `translations`.
#[derive(Debug, Serialize)]
pub struct Translation<'a> {
    lang: &'a str,
    permalink: &'a str,
    title: Option<&'a str>,
    path: &'a str,
}

/// Zola's `translations`: every language version, the item itself included.
fn translations(site: &Site, item: ItemRef) -> Vec<Translation<'_>> {
    site.translations_of(item)
        .into_iter()
        .map(|t| Translation {
            lang: &site.file(t).lang,
            permalink: site.permalink_of(t),
            title: site.title_of(t),
            path: &site.file(t).relative,
        })
        .collect()
}

/// One entry of `alternates` (beyond Zola): the page in one configured language.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate<'a> {
    pub lang: Cow<'a, str>,
    pub language_tag: Cow<'a, str>,
    pub permalink: Cow<'a, str>,
    pub title: Option<Cow<'a, str>>,
    /// False when the language has no translation and the link goes to the nearest
    /// translated ancestor (or its home page).
    pub exact: bool,
}

/// One entry per configured language, pointing at the translation or, when there is none, at
/// the nearest translated ancestor (`exact = false`).
pub fn alternates(site: &Site, item: ItemRef) -> Vec<Alternate<'_>> {
    site.config
        .languages
        .iter()
        .map(|lang| {
            let (target, exact) = match site.translation_in(item, &lang.code) {
                Some(t) => (Some(t), true),
                None => (nearest_translated_ancestor(site, item, &lang.code), false),
            };
            let permalink = target.map_or_else(
                || Cow::Owned(site.config.permalink(&site.config.lang_prefix(&lang.code))),
                |t| Cow::Borrowed(site.permalink_of(t)),
            );
            Alternate {
                lang: Cow::Borrowed(&lang.code),
                language_tag: Cow::Borrowed(&lang.language_tag),
                permalink,
                title: target.and_then(|t| site.title_of(t)).map(Cow::Borrowed),
                exact,
            }
        })
        .collect()
}

fn nearest_translated_ancestor(site: &Site, item: ItemRef, lang: &str) -> Option<ItemRef> {
    let ancestors = match item {
        ItemRef::Page(i) => &site.pages[i].ancestors,
        ItemRef::Section(i) => &site.sections[i].ancestors,
    };
    ancestors
        .iter()
        .rev()
        .find_map(|s| site.translation_in(ItemRef::Section(*s), lang))
}

/// Zola's language-aware `config`, with sprout's additions (`language_tag`, `mode`,
/// `relative`).
#[derive(Debug, Serialize)]
pub struct ConfigValue<'a> {
    base_url: &'a str,
    mode: Mode,
    title: Option<&'a str>,
    description: Option<&'a str>,
    default_language: &'a str,
    language_tag: &'a str,
    /// As in Zola, the other languages, not the current one.
    languages: BTreeMap<&'a str, &'a Language>,
    generate_feeds: bool,
    /// Zola's older name for `generate_feeds`, which themes still read.
    generate_feed: bool,
    search: SearchValue,
    exclude_paginated_pages_in_sitemap: ExcludePaginated,
    feed_filenames: &'a [String],
    feed_limit: Option<usize>,
    taxonomies: &'a [TaxonomyConfig],
    author: Option<&'a str>,
    build_search_index: bool,
    generate_sitemap: bool,
    generate_robots_txt: bool,
    minify_html: bool,
    extra: &'a Value,
    markdown: &'a MarkdownConfig,
    theme: Option<&'a str>,
    relative: bool,
}

/// `config.search` as templates see it.
#[derive(Debug, Serialize)]
struct SearchValue {
    index_format: IndexFormat,
}

impl<'a> ConfigValue<'a> {
    /// `config` as templates of language `lang` see it (title and description in that
    /// language; an unknown language gets the default's).
    pub fn new(config: &'a Config, lang: &str) -> Self {
        let language = config.language(lang).unwrap_or(config.default_lang());
        ConfigValue {
            base_url: &config.base_url,
            mode: config.mode,
            title: language.title.as_deref(),
            description: language.description.as_deref(),
            default_language: &config.default_language,
            language_tag: &language.language_tag,
            languages: config
                .languages
                .iter()
                .filter(|l| l.code != language.code)
                .map(|l| (l.code.as_str(), l))
                .collect(),
            generate_feeds: language.generate_feeds,
            generate_feed: language.generate_feeds,
            // As Zola (`Config::serialize`): `config.search` is the top-level `[search]` in
            // every language, whatever a `[languages.x]` table sets.
            search: SearchValue {
                index_format: config.default_lang().search.index_format,
            },
            exclude_paginated_pages_in_sitemap: config.exclude_paginated_pages_in_sitemap,
            feed_filenames: &language.feed_filenames,
            feed_limit: config.feed_limit,
            taxonomies: &language.taxonomies,
            author: config.author.as_deref(),
            build_search_index: language.build_search_index,
            generate_sitemap: config.generate_sitemap,
            generate_robots_txt: config.generate_robots_txt,
            minify_html: config.minify_html,
            extra: &config.extra,
            markdown: &config.markdown,
            theme: config.theme.as_deref(),
            relative: config.relative,
        }
    }

    /// As a JSON value, to build once per language and share.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Who links to whom, from the `@/` links found while rendering Markdown; each list sorted by
/// permalink.
fn backlinks(site: &Site, rendered: &RenderedSite) -> HashMap<ItemRef, Vec<Backlink>> {
    let mut map: HashMap<ItemRef, Vec<Backlink>> = HashMap::new();
    let pages = site.pages.iter().zip(&rendered.pages);
    let sections = site.sections.iter().zip(&rendered.sections);
    let sources = pages
        .map(|(p, r)| (r, &p.permalink, &p.meta.title))
        .chain(sections.map(|(s, r)| (r, &s.permalink, &s.meta.title)));
    for (rendered, permalink, title) in sources {
        let mut seen = HashSet::new();
        for link in &rendered.links {
            if let Some(target) = site.lookup(link)
                && seen.insert(target)
            {
                map.entry(target).or_default().push(Backlink {
                    permalink: permalink.clone(),
                    title: title.clone(),
                });
            }
        }
    }
    for list in map.values_mut() {
        list.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    }
    map
}

fn relative_paths<'a>(site: &'a Site, ids: &[SectionId]) -> Vec<&'a str> {
    ids.iter()
        .map(|s| site.sections[*s].file.relative.as_str())
        .collect()
}

fn assets(
    path: &str,
    list: &[std::path::PathBuf],
    dir: &Option<std::path::PathBuf>,
) -> Vec<String> {
    let Some(dir) = dir else { return Vec::new() };
    list.iter()
        .filter_map(|a| a.strip_prefix(dir).ok())
        .map(|rel| format!("{path}{}", rel.to_string_lossy().replace('\\', "/")))
        .collect()
}

fn colocated(file: &FileInfo) -> Option<String> {
    file.colocated_dir.as_ref().map(|_| {
        let rel = file.relative.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{rel}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_value_has_the_keys_templates_read() {
        let config = Config::parse(
            "base_url = \"https://x.org\"\ntitle = \"T\"\ngenerate_sitemap = false\nminify_html = true\nfeed_limit = 5\n",
            std::path::Path::new("config.toml"),
        )
        .unwrap();
        let v = ConfigValue::new(&config, "en").to_value();
        assert_eq!(v["generate_sitemap"], false);
        assert_eq!(v["minify_html"], true);
        assert_eq!(v["feed_limit"], 5);
        assert_eq!(v["title"], "T");
        assert_eq!(v["base_url"], "https://x.org");
    }
}
