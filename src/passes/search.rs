//! The per-language search index, built at build time into `pagefind/` with Pagefind's Rust
//! library (extended build: Chinese word segmentation) from what the page pass picked of each
//! rendered page (`Picker`: its language, URL and `<main>` part).
//! Each language is indexed on its own thread (Pagefind indexes one page at a time), and the
//! languages' entry files are merged into one `pagefind-entry.json`.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use serde_json::Value;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Body, Output, file_for};

/// Pagefind files the site does not use (it ships its own small search script).
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "pagefind-worker.js",
];

const ENTRY: &str = "pagefind-entry.json";

/// Pagefind's files for one language: (file name, bytes).
type IndexFiles = Vec<(String, Vec<u8>)>;

/// Output files of content pages that may be indexed, and of all content pages with the
/// content file each comes from.
fn content_files(site: &Site) -> (HashSet<String>, HashMap<String, String>) {
    let wants = |lang: &str| {
        site.config
            .language(lang)
            .is_some_and(|l| l.build_search_index)
    };
    let mut indexed = HashSet::new();
    let mut all = HashMap::new();
    for p in site.pages.iter().filter(|p| p.meta.render) {
        let file = file_for(&p.path);
        let section_ok = p
            .ancestors
            .last()
            .is_none_or(|s| site.sections[*s].meta.in_search_index);
        if p.meta.in_search_index && section_ok && wants(&p.file.lang) {
            indexed.insert(file.clone());
        }
        all.insert(file, format!("content/{}", p.file.relative));
    }
    for s in site.sections.iter().filter(|s| s.meta.render) {
        let file = file_for(&s.path);
        if s.meta.in_search_index && s.meta.redirect_to.is_none() && wants(&s.file.lang) {
            indexed.insert(file.clone());
        }
        all.insert(file, format!("content/{}", s.file.relative));
    }
    (indexed, all)
}

/// Which rendered pages go into the index, and what of each: made once per build, asked by
/// the page pass for each page as it is rendered, so the page need not be kept for the index.
pub struct Picker {
    /// Output files of content pages that may be indexed.
    indexed: HashSet<String>,
    /// Output files of all content pages, with the content file each comes from.
    content: HashMap<String, String>,
    /// Languages with a search index.
    wanted: HashSet<String>,
    /// Languages other than the default, whose pages live under `/{code}/`.
    prefixed: Vec<String>,
    default_language: String,
    base_path: String,
    max_text: usize,
}

/// What the index reads of one page, and a warning when its text was cut at
/// `[limits] max_search_bytes`.
pub struct Picked {
    language: String,
    url: String,
    part: String,
    warning: Option<Diagnostic>,
}

impl Picker {
    /// `None` when no language has a search index.
    pub fn new(site: &Site) -> Option<Picker> {
        let config = &site.config;
        let wanted: HashSet<String> = config
            .languages
            .iter()
            .filter(|l| l.build_search_index)
            .map(|l| l.code.clone())
            .collect();
        if wanted.is_empty() {
            return None;
        }
        let (indexed, content) = content_files(site);
        Some(Picker {
            indexed,
            content,
            wanted,
            prefixed: config
                .translation_langs()
                .iter()
                .map(|l| l.code.clone())
                .collect(),
            default_language: config.default_language.clone(),
            base_path: config.base_path(),
            max_text: config.limits.max_search_bytes,
        })
    }

    /// The language of an output file, from its first path component.
    fn language_of(&self, file: &str) -> &str {
        let first = file.split('/').next().unwrap_or("");
        self.prefixed
            .iter()
            .find(|code| *code == first)
            .unwrap_or(&self.default_language)
    }

    /// What the index reads of the page at output file `file`, or `None` when it is not indexed.
    pub fn pick(&self, file: &str, html: &str) -> Option<Picked> {
        let language = self.language_of(file);
        // Generated pages (indicators, taxonomies) are searchable when their language is; their
        // templates decide with `data-pagefind-body` which of them Pagefind keeps.
        let generated = !self.content.contains_key(file)
            && !file.ends_with("404.html")
            && !file.contains("/page/");
        let wanted = self.indexed.contains(file) || (generated && self.wanted.contains(language));
        if !wanted {
            return None;
        }
        let url = format!("{}{}", self.base_path, file.trim_end_matches("index.html"));
        let (part, cut) = searchable_part(html, self.max_text);
        let warning = cut.then(|| {
            let source = self.content.get(file).cloned();
            Diagnostic::warning(
                source.unwrap_or_else(|| format!("public/{file}")),
                format!(
                    "only the first {} bytes of this page's text are in the search index; split the page, or {}",
                    self.max_text,
                    crate::config::limits::raise("max_search_bytes", self.max_text)
                ),
            )
        });
        Some(Picked {
            language: language.to_string(),
            url,
            part,
            warning,
        })
    }
}

/// What Pagefind needs of a page: the `<html>` tag (its language) and the `<main>` element
/// (the `data-pagefind-body`); the head, header, navigation and footer are left out, which keeps
/// the indexer's memory down on large sites. A page without a `<main>` is indexed whole.
/// Text past `max_text` bytes is left out too, and the second value says so: Pagefind's time
/// grows with the square of a page's length (it scans a word's earlier positions for each
/// Chinese word pair), so a 20 MB page would take minutes.
fn searchable_part(html: &str, max_text: usize) -> (String, bool) {
    use lol_html::{RewriteStrSettings, element, rewrite_str, text};
    let found_main = Cell::new(false);
    let text_bytes = Cell::new(0usize);
    let cut = Cell::new(false);
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("head", |el| {
            el.remove();
            Ok(())
        }))
        .append_element_content_handler(element!("body > *", |el| {
            if el.tag_name() == "main" {
                found_main.set(true);
            } else {
                el.remove();
            }
            Ok(())
        }))
        .append_element_content_handler(text!("body", |t| {
            let seen = text_bytes.get() + t.as_str().len();
            text_bytes.set(seen);
            if seen > max_text {
                cut.set(true);
                t.remove();
            }
            Ok(())
        }));
    match rewrite_str(html, settings) {
        Ok(part) if found_main.get() => (part, cut.get()),
        _ => (html.to_string(), false),
    }
}

/// What the indexer reads, per language: each page's URL and searchable HTML, in the order of
/// their output files, so the index is the same whatever order the pages were rendered in.
/// `serve` runs it in the background after the reload.
pub struct Pending {
    languages: Vec<Vec<(String, String)>>,
    /// Pages whose text was cut at `[limits] max_search_bytes`.
    pub warnings: Vec<Diagnostic>,
}

impl Pending {
    /// The index of the pages the page pass picked (output file, what it picked), or `None`
    /// when no language has a search index.
    pub fn new(site: &Site, mut picked: Vec<(String, Picked)>) -> Option<Pending> {
        if !site.config.languages.iter().any(|l| l.build_search_index) {
            return None;
        }
        picked.sort_by(|a, b| a.0.cmp(&b.0));
        let mut by_lang: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut warnings = Vec::new();
        for (_, p) in picked {
            warnings.extend(p.warning);
            by_lang.entry(p.language).or_default().push((p.url, p.part));
        }
        Some(Pending {
            languages: by_lang.into_values().collect(),
            warnings,
        })
    }

    /// Build the index (each language on its own thread): the files to add under `pagefind/`.
    pub fn run(self) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
        let results: Vec<Result<IndexFiles, Diagnostics>> =
            self.languages.into_par_iter().map(index_language).collect();
        let mut files = Vec::new();
        let mut entries = Vec::new();
        for list in results {
            for (name, bytes) in list? {
                if name == ENTRY {
                    entries.push(bytes);
                } else if !UNUSED.contains(&name.as_str()) {
                    files.push((format!("pagefind/{name}"), bytes));
                }
            }
        }
        let entry = merge_entries(&entries).map_err(fail)?;
        files.push((format!("pagefind/{ENTRY}"), entry));
        Ok(files)
    }

    /// Build the index and add its files to `output`.
    pub fn add_to(self, output: &mut Output) -> Result<(), Diagnostics> {
        for (path, bytes) in self.run()? {
            output.insert(path, Body::Bytes(bytes), "pagefind");
        }
        Ok(())
    }
}

fn index_language(pages: Vec<(String, String)>) -> Result<IndexFiles, Diagnostics> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the indexer ({e})")))?;
    runtime.block_on(run(pages))
}

async fn run(pages: Vec<(String, String)>) -> Result<IndexFiles, Diagnostics> {
    let options = PagefindServiceConfig::builder()
        .keep_index_url(false)
        .build();
    let mut index = PagefindIndex::new(Some(options))
        .map_err(|e| fail(format!("cannot create the search index ({e})")))?;
    for (url, html) in pages {
        index
            .add_html_file(None, Some(url.clone()), html)
            .await
            .map_err(|e| fail(format!("cannot index {url} ({e})")))?;
    }
    let files = index
        .get_files()
        .await
        .map_err(|e| fail(format!("cannot write the search index ({e})")))?;
    Ok(files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .collect())
}

/// One `pagefind-entry.json` listing every language's index.
fn merge_entries(entries: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut merged: Option<Value> = None;
    for bytes in entries {
        let v: Value =
            serde_json::from_slice(bytes).map_err(|e| format!("unreadable {ENTRY} ({e})"))?;
        match &mut merged {
            None => merged = Some(v),
            Some(m) => {
                if let (Some(Value::Object(into)), Some(Value::Object(from))) =
                    (m.get_mut("languages"), v.get("languages"))
                {
                    into.extend(from.clone());
                }
            }
        }
    }
    let merged = merged.ok_or("no search index was built")?;
    serde_json::to_vec(&merged).map_err(|e| e.to_string())
}

fn fail(message: String) -> Diagnostics {
    Diagnostics::from_iter([Diagnostic::error("pagefind", message)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_each_language_are_merged() {
        let zh = br#"{"version":"1.6.0","languages":{"zh-hans":{"hash":"a","wasm":null,"page_count":2}},"include_characters":["_"]}"#;
        let en = br#"{"version":"1.6.0","languages":{"en":{"hash":"b","wasm":"en","page_count":3}},"include_characters":["_"]}"#;
        let merged: Value =
            serde_json::from_slice(&merge_entries(&[zh.to_vec(), en.to_vec()]).unwrap()).unwrap();
        assert_eq!(merged["languages"]["zh-hans"]["hash"], "a");
        assert_eq!(merged["languages"]["en"]["page_count"], 3);
        assert_eq!(merged["version"], "1.6.0");
    }

    #[test]
    fn the_searchable_part_is_the_html_tag_and_main() {
        let page = r#"<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title></head><body><header><mainframe>menu</mainframe></header><!-- <main>not this</main> --><main data-pagefind-body><p>正文</p></main><footer>f</footer></body></html>"#;
        let (part, cut) = searchable_part(page, 1_000);
        assert!(!cut);
        assert!(part.contains(r#"<html lang="zh-Hans">"#), "{part}");
        assert!(
            part.contains("<main data-pagefind-body><p>正文</p></main>"),
            "{part}"
        );
        for gone in ["menu", "<title>", "<footer>", "<header>"] {
            assert!(!part.contains(gone), "{gone} in {part}");
        }
        let no_main = "<html><body><div>all of it</div></body></html>";
        assert_eq!(searchable_part(no_main, 1_000).0, no_main);
    }

    #[test]
    fn text_past_the_limit_is_left_out_and_reported() {
        let words = "<p>词语 words</p>".repeat(100);
        let page = format!(
            "<html lang=\"zh\"><body><main><h1>T</h1><div>{words}</div></main></body></html>"
        );
        let (part, cut) = searchable_part(&page, 100);
        assert!(cut);
        let text: String = part
            .split('<')
            .filter_map(|s| s.split_once('>').map(|x| x.1))
            .collect();
        assert!(
            text.len() <= 100 && text.starts_with("T词语 words"),
            "{text}"
        );
        assert!(
            part.ends_with("</main></body></html>"),
            "the tags stay: {part}"
        );
        assert!(!searchable_part(&page, 100_000).1);
    }
}
