//! Zola's search output, for themes written for Zola's search: `search_index.<lang>.js`
//! (`window.searchIndex = {...}`) or `.json`, an elasticlunr index built with `elasticlunr-rs`
//! (or a Fuse.js list), plus `elasticlunr.min.js`, as `[search] index_format` asks.
//! The fields, the items (each searchable section, then its pages) and the body text
//! (tags stripped with `ammonia`, `<pre>`/`<script>`/`<style>` left out) follow Zola 0.22.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

use elasticlunr::lang::Language;
use elasticlunr::{IndexBuilder, TokenizerFn, lang};
use serde::Serialize;

use crate::config::{IndexFormat, SearchConfig};
use crate::content::{RenderedSite, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;

/// elasticlunr.js 0.9.6 (MIT), the copy Zola ships.
const ELASTICLUNR_JS: &str = include_str!("elasticlunr.min.js");

/// One searchable section or page.
struct Item<'a> {
    url: &'a str,
    title: Option<&'a str>,
    description: Option<&'a str>,
    date: Option<String>,
    path: &'a str,
    content: &'a str,
}

/// Write the index of every language that asks for one (the default language whenever
/// `build_search_index` is on, as in Zola).
pub fn index(site: &Site, rendered: &RenderedSite, output: &mut Output) -> Result<(), Diagnostics> {
    let config = &site.config;
    let default = config.default_lang();
    if !default.build_search_index {
        return Ok(());
    }
    let format = default.search.index_format;
    let mut problems = Diagnostics::default();
    for language in config
        .languages
        .iter()
        .filter(|l| l.code == default.code || l.build_search_index)
    {
        let items = items(site, rendered, &language.code);
        let built = match format {
            IndexFormat::ElasticlunrJavascript | IndexFormat::ElasticlunrJson => {
                elasticlunr_index(&language.code, &language.search, &items)
            }
            IndexFormat::FuseJavascript | IndexFormat::FuseJson => {
                Ok(fuse_index(&language.search, &items))
            }
        };
        match built {
            Ok(json) => output.insert_text(
                file_name(format, &language.code),
                wrap(format, json),
                "[search] (Zola's index)",
            ),
            Err(message) => problems.push(Diagnostic::error(&config.file, message)),
        }
    }
    if matches!(
        format,
        IndexFormat::ElasticlunrJavascript | IndexFormat::ElasticlunrJson
    ) {
        output.insert_text(
            "elasticlunr.min.js",
            ELASTICLUNR_JS.to_string(),
            "[search] (Zola's index)",
        );
    }
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok(())
    }
}

fn file_name(format: IndexFormat, lang: &str) -> String {
    let ext = match format {
        IndexFormat::ElasticlunrJavascript | IndexFormat::FuseJavascript => "js",
        IndexFormat::ElasticlunrJson | IndexFormat::FuseJson => "json",
    };
    format!("search_index.{lang}.{ext}")
}

fn wrap(format: IndexFormat, json: String) -> String {
    match format {
        IndexFormat::ElasticlunrJavascript | IndexFormat::FuseJavascript => {
            format!("window.searchIndex = {json}")
        }
        IndexFormat::ElasticlunrJson | IndexFormat::FuseJson => json,
    }
}

/// Each section of `lang` in the index (unless it redirects), then its pages, as Zola lists them.
fn items<'a>(site: &'a Site, rendered: &'a RenderedSite, lang: &str) -> Vec<Item<'a>> {
    let mut out = Vec::new();
    let sections = site.sections.iter().zip(&rendered.sections);
    for (section, section_html) in sections.filter(|(s, _)| s.file.lang == lang) {
        if !section.meta.in_search_index {
            continue;
        }
        if section.meta.redirect_to.is_none() {
            out.push(Item {
                url: &section.permalink,
                title: section.meta.title.as_deref(),
                description: section.meta.description.as_deref(),
                date: None,
                path: &section.path,
                content: &section_html.content,
            });
        }
        for &pid in &section.pages {
            let page = &site.pages[pid];
            if page.meta.in_search_index {
                out.push(Item {
                    url: &page.permalink,
                    title: page.meta.title.as_deref(),
                    description: page.meta.description.as_deref(),
                    date: page
                        .meta
                        .date
                        .as_ref()
                        .map(|d| d.datetime.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                    path: &page.path,
                    content: &rendered.page(pid).content,
                });
            }
        }
    }
    out
}

fn elasticlunr_index(code: &str, search: &SearchConfig, items: &[Item]) -> Result<String, String> {
    let language = || {
        lang::from_code(code).ok_or_else(|| {
            format!("Zola's search index does not support language `{code}` (as in Zola); set `[search] engine = \"pagefind\"` or turn off build_search_index for it")
        })
    };
    let words: Rc<Box<dyn Language>> = Rc::new(language()?);
    let field_words = |words: &Rc<Box<dyn Language>>| -> TokenizerFn {
        let words = words.clone();
        Box::new(move |text| capped(words.tokenize(text)))
    };
    let mut builder = IndexBuilder::with_language(language()?);
    if search.include_title {
        builder = builder.add_field_with_tokenizer("title", field_words(&words));
    }
    if search.include_description {
        builder = builder.add_field_with_tokenizer("description", field_words(&words));
    }
    if search.include_date {
        builder = builder.add_field_with_tokenizer("date", field_words(&words));
    }
    if search.include_path {
        builder = builder.add_field_with_tokenizer("path", Box::new(|p| capped(path_tokenizer(p))));
    }
    if search.include_content {
        builder = builder.add_field_with_tokenizer("body", field_words(&words));
    }
    let mut index = builder.build();
    for item in items {
        index.add_doc(item.url, row(search, item));
    }
    Ok(index.to_json())
}

/// Longest word put in the index. elasticlunr keeps words in a tree one level per character
/// and writes it out recursively, so a 3,000-character "word" (a run of `_` or a pasted hash)
/// would overflow the stack; no reader searches for a word this long.
const MAX_WORD_CHARS: usize = 100;

fn capped(words: Vec<String>) -> Vec<String> {
    words
        .into_iter()
        .filter(|w| w.chars().count() <= MAX_WORD_CHARS)
        .collect()
}

fn path_tokenizer(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().to_lowercase())
        .collect()
}

/// The values of the fields `elasticlunr_index` declared, in the same order.
fn row(search: &SearchConfig, item: &Item) -> Vec<String> {
    let mut row = Vec::new();
    if search.include_title {
        row.push(item.title.unwrap_or_default().to_string());
    }
    if search.include_description {
        row.push(item.description.unwrap_or_default().to_string());
    }
    if search.include_date
        && let Some(d) = &item.date
    {
        row.push(d.clone());
    }
    if search.include_path {
        row.push(item.path.to_string());
    }
    if search.include_content {
        row.push(clean_body(search.truncate_content_length, item.content));
    }
    row
}

fn fuse_index(search: &SearchConfig, items: &[Item]) -> String {
    #[derive(Serialize)]
    struct FuseItem<'a> {
        url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<&'a str>,
    }
    let list: Vec<FuseItem> = items
        .iter()
        .map(|i| FuseItem {
            url: i.url,
            title: search.include_title.then(|| i.title.unwrap_or_default()),
            description: search
                .include_description
                .then(|| i.description.unwrap_or_default()),
            body: search
                .include_content
                .then(|| clean_body(search.truncate_content_length, i.content)),
            path: search.include_path.then_some(i.path),
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// The text of rendered HTML as Zola indexes it: no tags, no `<pre>`, `<script>` or `<style>`
/// content, runs of spaces joined, blank lines dropped, cut to `truncate` characters.
fn clean_body(truncate: Option<usize>, html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::new();
        b.tags(HashSet::new())
            .tag_attributes(HashMap::new())
            .generic_attributes(HashSet::new())
            .link_rel(None)
            .allowed_classes(HashMap::new())
            .clean_content_tags(HashSet::from(["script", "style", "pre"]));
        b
    });
    let mut clean = cleaner
        .clean(html)
        .to_string()
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(n) = truncate {
        let cut = clean.char_indices().nth(n).map_or(clean.len(), |(i, _)| i);
        clean.truncate(cut);
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_is_cleaned_as_zola_cleans_it() {
        assert_eq!(
            clean_body(
                None,
                "<p>hello <b>big</b></p>\n<pre><code>x</code></pre>\n\n<p>  world  </p>"
            ),
            "hello big\nworld"
        );
        assert_eq!(clean_body(Some(2), "hello"), "he");
    }

    #[test]
    fn a_very_long_word_is_left_out_instead_of_overflowing_the_stack() {
        let content = format!("<p>Red {}deep apples</p>", "_".repeat(5_000));
        // A rayon worker's stack: the size the build runs on.
        let json = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let items = [Item {
                    url: "https://x.org/a/",
                    title: Some("Apples"),
                    description: None,
                    date: None,
                    path: "/a/",
                    content: &content,
                }];
                elasticlunr_index("en", &SearchConfig::default(), &items).unwrap()
            })
            .unwrap()
            .join()
            .unwrap();
        // The words are a tree one level per character: "apples" is in it, the long word is not.
        fn depth(v: &serde_json::Value) -> usize {
            match v {
                serde_json::Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let words = &json["index"]["body"]["root"];
        assert!(words["a"]["p"]["p"]["l"].is_object(), "{words}");
        assert!(depth(words) < MAX_WORD_CHARS + 5, "{}", depth(words));
    }

    #[test]
    fn index_has_zolas_shape() {
        let search = SearchConfig::default();
        let items = [Item {
            url: "https://x.org/a/",
            title: Some("Apples"),
            description: None,
            date: None,
            path: "/a/",
            content: "<p>Red apples</p>",
        }];
        let json: serde_json::Value =
            serde_json::from_str(&elasticlunr_index("en", &search, &items).unwrap()).unwrap();
        assert_eq!(json["fields"], serde_json::json!(["title", "body"]));
        assert_eq!(json["ref"], "id");
        assert_eq!(
            json["documentStore"]["docs"]["https://x.org/a/"]["body"],
            "Red apples"
        );
        assert!(elasticlunr_index("zh", &search, &items).is_err());
    }
}
