//! The content model: pages, sections, translations and taxonomies of one site, loaded from
//! `content/` into an immutable `Site` that rendering only reads.

pub mod file;
pub mod front_matter;
mod generated;
mod library;
mod load;
pub mod sorting;
mod source_text;
pub mod taxonomies;
pub mod translations;
mod words;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;

use crate::config::Config;
pub use file::FileInfo;
pub use front_matter::{PageMeta, SectionMeta, SortBy};
pub use generated::{Version, VirtualPage, virtual_alternates};
pub use load::{LoadOptions, load_site};
pub use source_text::SourceText;
pub use taxonomies::{Taxonomy, Term};

pub type PageId = usize;
pub type SectionId = usize;

/// A page or a section, by index into `Site::pages` / `Site::sections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemRef {
    Page(PageId),
    Section(SectionId),
}

/// One heading of a table of contents, with Zola's field names.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub permalink: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// What the Markdown of one page or section became.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub content: String,
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    /// Content files this one links to with `@/` (relative paths), for backlinks.
    pub links: Vec<String>,
    /// Every `id` in `content`, read from it the first time it is asked for (most pages are
    /// never the target of an `@/page.md#anchor` link).
    ids: OnceLock<Vec<String>>,
}

impl Rendered {
    pub fn new(
        content: String,
        summary: Option<String>,
        toc: Vec<Heading>,
        links: Vec<String>,
    ) -> Self {
        Rendered {
            content,
            summary,
            toc,
            links,
            ids: OnceLock::new(),
        }
    }

    /// Every `id` the Markdown produced (headings, footnotes, shortcode output), decoded.
    pub fn ids(&self) -> &[String] {
        self.ids.get_or_init(|| ids_in(&self.content))
    }
}

/// Every `id` in a fragment of HTML, decoded. Only the handler's findings are wanted: the
/// rewritten fragment goes nowhere. HTML lol_html cannot read gives what was read before the
/// error; the page scan reports such a page.
fn ids_in(html: &str) -> Vec<String> {
    use lol_html::{HtmlRewriter, Settings, element};
    if !html.contains("id=") {
        return Vec::new();
    }
    let ids = std::cell::RefCell::new(Vec::new());
    let settings = Settings::new().append_element_content_handler(element!("[id]", |el| {
        if let Some(id) = el.get_attribute("id") {
            ids.borrow_mut()
                .push(html_escape::decode_html_entities(&id).into_owned());
        }
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let _ = rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end());
    ids.into_inner()
}

/// The rendered Markdown of every page and section, kept beside the [`Site`] (which stays as
/// loaded) and indexed like its pages and sections.
#[derive(Debug, Clone, Default)]
pub struct RenderedSite {
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
}

impl RenderedSite {
    /// Nothing rendered yet: an empty `Rendered` for each page and section of `site`.
    pub fn empty(site: &Site) -> RenderedSite {
        RenderedSite {
            pages: vec![Rendered::default(); site.pages.len()],
            sections: vec![Rendered::default(); site.sections.len()],
        }
    }

    pub fn get(&self, item: ItemRef) -> &Rendered {
        match item {
            ItemRef::Page(i) => &self.pages[i],
            ItemRef::Section(i) => &self.sections[i],
        }
    }

    pub fn page(&self, id: PageId) -> &Rendered {
        &self.pages[id]
    }

    pub fn section(&self, id: SectionId) -> &Rendered {
        &self.sections[id]
    }
}

/// Word count and reading time that treat each CJK character as a word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    pub word_count: usize,
    pub reading_time: usize,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub file: FileInfo,
    pub meta: PageMeta,
    /// The front matter as written and its first line, to locate errors found later.
    pub front_matter: String,
    pub front_matter_line: usize,
    pub body: SourceText,
    pub body_line: usize,
    pub slug: String,
    /// Site path with leading and trailing `/`: `/en/plan/health/`.
    pub path: String,
    pub permalink: String,
    pub components: Vec<String>,
    /// Ancestor sections, the index first and the direct parent last.
    pub ancestors: Vec<SectionId>,
    pub assets: Vec<PathBuf>,
    pub lower: Option<PageId>,
    pub higher: Option<PageId>,
    pub reading: Reading,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub file: FileInfo,
    pub meta: SectionMeta,
    pub front_matter: String,
    pub front_matter_line: usize,
    pub body: SourceText,
    pub body_line: usize,
    pub path: String,
    pub permalink: String,
    pub components: Vec<String>,
    pub ancestors: Vec<SectionId>,
    pub assets: Vec<PathBuf>,
    /// Pages listed by this section, sorted by its `sort_by`.
    pub pages: Vec<PageId>,
    /// Pages that lack the sort key; still rendered, not listed.
    pub ignored_pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    pub reading: Reading,
}

impl Page {
    /// Line of a front-matter key, for errors about it.
    pub fn key_line(&self, key: &str) -> usize {
        front_matter::line_of_key(&self.front_matter, self.front_matter_line, key)
    }
}

impl Section {
    pub fn key_line(&self, key: &str) -> usize {
        front_matter::line_of_key(&self.front_matter, self.front_matter_line, key)
    }

    pub fn is_index(&self) -> bool {
        self.file.components.is_empty()
    }
}

/// The whole loaded site.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// `plan/health.en.md` → the item.
    pub by_relative: HashMap<String, ItemRef>,
    /// Translation key (`FileInfo::canonical`) → every language version.
    pub translations: HashMap<String, Vec<ItemRef>>,
    pub taxonomies: Vec<Taxonomy>,
}

impl Site {
    /// Free every page's and section's Markdown once it has been rendered and checked: the
    /// rest of the build reads the rendered HTML (see `SourceText`).
    pub fn release_bodies(&self) {
        self.pages.iter().for_each(|p| p.body.release());
        self.sections.iter().for_each(|s| s.body.release());
    }

    /// Each colocated file and where it is written: beside the page (when rendered) or
    /// section that owns it (`blog/post/pic.png`, no leading slash).
    pub fn colocated_outputs(&self) -> Vec<(String, &Path)> {
        let owners = self
            .pages
            .iter()
            .filter(|p| p.meta.render)
            .map(|p| (&p.path, &p.assets, &p.file.colocated_dir))
            .chain(
                self.sections
                    .iter()
                    .map(|s| (&s.path, &s.assets, &s.file.colocated_dir)),
            );
        let mut out = Vec::new();
        for (path, assets, dir) in owners {
            let Some(dir) = dir else { continue };
            for a in assets {
                if let Ok(rel) = a.strip_prefix(dir) {
                    let key = format!(
                        "{}{}",
                        path.trim_start_matches('/'),
                        rel.to_string_lossy().replace('\\', "/")
                    );
                    out.push((key, a.as_path()));
                }
            }
        }
        out
    }

    pub fn file(&self, item: ItemRef) -> &FileInfo {
        match item {
            ItemRef::Page(i) => &self.pages[i].file,
            ItemRef::Section(i) => &self.sections[i].file,
        }
    }

    pub fn path_of(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Page(i) => &self.pages[i].path,
            ItemRef::Section(i) => &self.sections[i].path,
        }
    }

    pub fn permalink_of(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Page(i) => &self.pages[i].permalink,
            ItemRef::Section(i) => &self.sections[i].permalink,
        }
    }

    pub fn title_of(&self, item: ItemRef) -> Option<&str> {
        match item {
            ItemRef::Page(i) => self.pages[i].meta.title.as_deref(),
            ItemRef::Section(i) => self.sections[i].meta.title.as_deref(),
        }
    }

    /// The language versions of `item`, itself included, default language first.
    pub fn translations_of(&self, item: ItemRef) -> Vec<ItemRef> {
        let mut v = self
            .translations
            .get(&self.file(item).canonical)
            .cloned()
            .unwrap_or_else(|| vec![item]);
        let order = |r: &ItemRef| {
            let lang = &self.file(*r).lang;
            self.config
                .languages
                .iter()
                .position(|l| &l.code == lang)
                .unwrap_or(usize::MAX)
        };
        v.sort_by_key(order);
        v
    }

    /// The version of `item` in `lang`, if one exists.
    pub fn translation_in(&self, item: ItemRef, lang: &str) -> Option<ItemRef> {
        self.translations_of(item)
            .into_iter()
            .find(|r| self.file(*r).lang == lang)
    }

    /// The index section of `lang`.
    pub fn index_section(&self, lang: &str) -> Option<SectionId> {
        self.sections
            .iter()
            .position(|s| s.is_index() && s.file.lang == lang)
    }

    /// Look up `plan/health.md` (optionally with a leading `@/` or `/`).
    pub fn lookup(&self, relative: &str) -> Option<ItemRef> {
        let key = relative.trim_start_matches("@/").trim_start_matches('/');
        self.by_relative.get(key).copied()
    }
}

/// Count words as Zola does (Unicode word boundaries, UAX #29, outside ``` code fences) and
/// the reading time at 200 words a minute, as Zola; a Chinese or Japanese character is a word
/// of its own and reads at 400 a minute, so Chinese pages get a realistic time.
pub fn reading(text: &str) -> Reading {
    let (mut characters, mut words) = (0usize, 0usize);
    // Code fences toggle between prose and code: every second piece is code.
    for prose in text.split("```").step_by(2) {
        let (c, w) = words::count(prose);
        characters += c;
        words += w;
    }
    let minutes = (characters as f64 / 400.0 + words as f64 / 200.0).ceil() as usize;
    Reading {
        word_count: characters + words,
        reading_time: minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_counts_cjk_characters() {
        let zh = "儿".repeat(800);
        let r = reading(&zh);
        assert_eq!(r.word_count, 800);
        assert_eq!(r.reading_time, 2);
        let en = "word ".repeat(400);
        assert_eq!(reading(&en).reading_time, 2);
        assert_eq!(reading("").reading_time, 0);
    }

    #[test]
    fn words_are_counted_as_zola_counts_them() {
        // Zola 0.22's get_reading_analytics: UAX #29 words, code fences skipped.
        assert_eq!(reading("Don't count 3.14 as two; e.g. this.").word_count, 7);
        assert_eq!(reading("one ```rust\nlet x = 1;\n``` two").word_count, 2);
        // Arabic with its vowel marks is one word per word, not one per letter run.
        assert_eq!(reading("كَتَبَ الوَلَدُ الدَّرْسَ").word_count, 3);
        let en = "word ".repeat(201);
        assert_eq!(reading(&en).reading_time, 2);
    }
}
