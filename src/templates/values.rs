//! The site as template values with Zola's field names (`page.title`, `section.pages`, ...),
//! serialized once and shared by the template functions and the renderer.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::content::{ItemRef, Page, Section, Site};

/// Pre-serialized pages and sections. Page values leave out `content` (it stays in the `Site`
/// once) and sections leave out `pages`; both are added when a template needs them,
/// so a build does not hold or clone every page's HTML several times.
#[derive(Debug, Default)]
pub struct Values {
    pub pages: Vec<Value>,
    pub sections: Vec<Value>,
    /// Pages as taxonomy listings show them: no content, table of contents, translations or
    /// backlinks. A term can list thousands of pages; copying full values made taxonomy pages
    /// most of a large build.
    pub briefs: Vec<Value>,
}

impl Values {
    pub fn new(site: &Site) -> Values {
        let backlinks = backlinks(site);
        let empty = Vec::new();
        let pages: Vec<Value> = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                page_value(
                    site,
                    i,
                    p,
                    backlinks.get(&ItemRef::Page(i)).unwrap_or(&empty),
                )
            })
            .collect();
        let sections = site
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| {
                section_value(
                    site,
                    i,
                    s,
                    backlinks.get(&ItemRef::Section(i)).unwrap_or(&empty),
                )
            })
            .collect();
        let briefs = pages.iter().map(brief).collect();
        Values {
            pages,
            sections,
            briefs,
        }
    }

    /// A page; `full` adds its `content`.
    pub fn page(&self, site: &Site, id: usize, full: bool) -> Value {
        let mut v = self.pages[id].clone();
        if let (true, Value::Object(m)) = (full, &mut v) {
            m.insert(
                "content".into(),
                Value::String(site.pages[id].rendered.content.clone()),
            );
        }
        v
    }

    /// A page as its own template sees it: with `lower` and `higher` neighbours (as listings
    /// show pages: neighbour links need a title and a permalink, not content).
    pub fn page_with_neighbours(&self, site: &Site, id: usize) -> Value {
        let mut v = self.page(site, id, true);
        let p = &site.pages[id];
        if let Value::Object(m) = &mut v {
            m.insert(
                "lower".into(),
                p.lower.map_or(Value::Null, |l| self.briefs[l].clone()),
            );
            m.insert(
                "higher".into(),
                p.higher.map_or(Value::Null, |h| self.briefs[h].clone()),
            );
        }
        v
    }

    /// A section with its sorted `pages` (or none, for `metadata_only`).
    pub fn section_with_pages(&self, site: &Site, id: usize, with_pages: bool) -> Value {
        let mut v = self.sections[id].clone();
        if let Value::Object(m) = &mut v {
            let pages: Vec<Value> = if with_pages {
                site.sections[id]
                    .pages
                    .iter()
                    .map(|p| self.page(site, *p, true))
                    .collect()
            } else {
                Vec::new()
            };
            m.insert("pages".into(), Value::Array(pages));
        }
        v
    }
}

/// The fields a listing of pages needs.
fn brief(page: &Value) -> Value {
    const KEEP: &[&str] = &[
        "title",
        "description",
        "permalink",
        "path",
        "slug",
        "date",
        "updated",
        "year",
        "month",
        "day",
        "lang",
        "taxonomies",
        "extra",
        "summary",
        "word_count",
        "reading_time",
        "relative_path",
        "components",
        "draft",
        "ancestors",
        "authors",
    ];
    match page {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| KEEP.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Who links to whom, from the `@/` links found while rendering Markdown.
fn backlinks(site: &Site) -> HashMap<ItemRef, Vec<Value>> {
    let mut map: HashMap<ItemRef, Vec<(String, Value)>> = HashMap::new();
    let sources = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (ItemRef::Page(i), &p.rendered, &p.permalink, &p.meta.title))
        .chain(site.sections.iter().enumerate().map(|(i, s)| {
            (
                ItemRef::Section(i),
                &s.rendered,
                &s.permalink,
                &s.meta.title,
            )
        }));
    for (_, rendered, permalink, title) in sources {
        let mut seen = std::collections::HashSet::new();
        for link in &rendered.links {
            if let Some(target) = site.lookup(link)
                && seen.insert(target)
            {
                map.entry(target).or_default().push((
                    permalink.clone(),
                    json!({"permalink": permalink, "title": title}),
                ));
            }
        }
    }
    map.into_iter()
        .map(|(k, mut v)| {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            (k, v.into_iter().map(|(_, v)| v).collect())
        })
        .collect()
}

fn relative_paths(site: &Site, ids: &[usize]) -> Vec<String> {
    ids.iter()
        .map(|s| site.sections[*s].file.relative.clone())
        .collect()
}

/// Zola's `translations`: every language version, the item itself included.
fn translations(site: &Site, item: ItemRef) -> Value {
    let list: Vec<Value> = site
        .translations_of(item)
        .into_iter()
        .map(|t| {
            json!({
                "lang": site.file(t).lang,
                "permalink": site.permalink_of(t),
                "title": site.title_of(t),
                "path": site.file(t).relative,
            })
        })
        .collect();
    Value::Array(list)
}

/// Beyond Zola: one entry per configured language, pointing at the translation or, when
/// there is none, at the nearest translated ancestor (`exact = false`).
pub fn alternates(site: &Site, item: ItemRef) -> Value {
    let list: Vec<Value> = site
        .config
        .languages
        .iter()
        .map(|lang| {
            let (target, exact) = match site.translation_in(item, &lang.code) {
                Some(t) => (Some(t), true),
                None => (nearest_translated_ancestor(site, item, &lang.code), false),
            };
            let permalink = target.map_or_else(
                || site.config.permalink(&site.config.lang_prefix(&lang.code)),
                |t| site.permalink_of(t).to_string(),
            );
            json!({
                "lang": lang.code,
                "language_tag": lang.language_tag,
                "permalink": permalink,
                "title": target.and_then(|t| site.title_of(t)),
                "exact": exact,
            })
        })
        .collect();
    Value::Array(list)
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

fn page_value(site: &Site, id: usize, p: &Page, backlinks: &[Value]) -> Value {
    let item = ItemRef::Page(id);
    let date = p.meta.date.as_ref();
    let mut m = Map::new();
    m.insert("relative_path".into(), json!(p.file.relative));
    m.insert("colocated_path".into(), json!(colocated(&p.file)));
    m.insert("permalink".into(), json!(p.permalink));
    m.insert("slug".into(), json!(p.slug));
    m.insert(
        "ancestors".into(),
        json!(relative_paths(site, &p.ancestors)),
    );
    m.insert("title".into(), json!(p.meta.title));
    m.insert("description".into(), json!(p.meta.description));
    m.insert(
        "updated".into(),
        json!(p.meta.updated.as_ref().map(|d| &d.text)),
    );
    m.insert("date".into(), json!(date.map(|d| &d.text)));
    m.insert(
        "year".into(),
        json!(date.map(|d| chrono::Datelike::year(&d.datetime))),
    );
    m.insert(
        "month".into(),
        json!(date.map(|d| chrono::Datelike::month(&d.datetime))),
    );
    m.insert(
        "day".into(),
        json!(date.map(|d| chrono::Datelike::day(&d.datetime))),
    );
    m.insert("taxonomies".into(), json!(p.meta.taxonomies));
    m.insert("authors".into(), json!(p.meta.authors));
    m.insert("extra".into(), p.meta.extra.clone());
    m.insert("path".into(), json!(p.path));
    m.insert("components".into(), json!(p.components));
    m.insert("summary".into(), json!(p.rendered.summary));
    m.insert("toc".into(), json!(p.rendered.toc));
    m.insert("word_count".into(), json!(p.reading.word_count));
    m.insert("reading_time".into(), json!(p.reading.reading_time));
    m.insert(
        "assets".into(),
        json!(assets(&p.path, &p.assets, &p.file.colocated_dir)),
    );
    m.insert("draft".into(), json!(p.meta.draft));
    m.insert("lang".into(), json!(p.file.lang));
    m.insert("lower".into(), Value::Null);
    m.insert("higher".into(), Value::Null);
    m.insert("translations".into(), translations(site, item));
    m.insert("alternates".into(), alternates(site, item));
    m.insert("backlinks".into(), json!(backlinks));
    Value::Object(m)
}

fn section_value(site: &Site, id: usize, s: &Section, backlinks: &[Value]) -> Value {
    let item = ItemRef::Section(id);
    let mut m = Map::new();
    m.insert("relative_path".into(), json!(s.file.relative));
    m.insert("colocated_path".into(), json!(colocated(&s.file)));
    m.insert("content".into(), json!(s.rendered.content));
    m.insert("permalink".into(), json!(s.permalink));
    m.insert("draft".into(), json!(s.meta.draft));
    m.insert(
        "ancestors".into(),
        json!(relative_paths(site, &s.ancestors)),
    );
    m.insert("title".into(), json!(s.meta.title));
    m.insert("description".into(), json!(s.meta.description));
    m.insert("extra".into(), s.meta.extra.clone());
    m.insert("path".into(), json!(s.path));
    m.insert("components".into(), json!(s.components));
    m.insert("toc".into(), json!(s.rendered.toc));
    m.insert("word_count".into(), json!(s.reading.word_count));
    m.insert("reading_time".into(), json!(s.reading.reading_time));
    m.insert("lang".into(), json!(s.file.lang));
    m.insert(
        "assets".into(),
        json!(assets(&s.path, &s.assets, &s.file.colocated_dir)),
    );
    m.insert("pages".into(), Value::Array(Vec::new()));
    m.insert(
        "subsections".into(),
        json!(relative_paths(site, &s.subsections)),
    );
    m.insert("translations".into(), translations(site, item));
    m.insert("alternates".into(), alternates(site, item));
    m.insert("backlinks".into(), json!(backlinks));
    m.insert("generate_feeds".into(), json!(s.meta.generate_feeds));
    m.insert("transparent".into(), json!(s.meta.transparent));
    m.insert("paginate_by".into(), json!(s.meta.paginate_by));
    m.insert("paginate_reversed".into(), json!(s.meta.paginate_reversed));
    Value::Object(m)
}

fn colocated(file: &crate::content::FileInfo) -> Option<String> {
    file.colocated_dir.as_ref().map(|_| {
        let rel = file.relative.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{rel}/")
    })
}
