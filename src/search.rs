//! The per-language search index, built at build time into `pagefind/` with Pagefind's Rust
//! library (extended build: Chinese word segmentation) from the rendered pages in memory.

use std::collections::HashSet;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Body, Output, file_for};

/// Pagefind files the site does not use (we ship our own small search script).
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Output files that belong in the index: rendered content of languages that want search.
fn eligible(site: &Site, output: &Output) -> HashSet<String> {
    let wants = |lang: &str| {
        site.config
            .language(lang)
            .is_some_and(|l| l.build_search_index)
    };
    let mut set = HashSet::new();
    for p in &site.pages {
        let section_ok = p
            .ancestors
            .last()
            .is_none_or(|s| site.sections[*s].meta.in_search_index);
        if p.meta.render && p.meta.in_search_index && section_ok && wants(&p.file.lang) {
            set.insert(file_for(&p.path));
        }
    }
    for s in &site.sections {
        if s.meta.render
            && s.meta.in_search_index
            && s.meta.redirect_to.is_none()
            && wants(&s.file.lang)
        {
            set.insert(file_for(&s.path));
        }
    }
    // Generated pages (indicators, taxonomies) are searchable when their language is.
    for (file, _) in output.html() {
        let lang = file
            .split('/')
            .next()
            .filter(|c| site.config.language(c).is_some() && *c != site.config.default_language);
        let lang = lang.unwrap_or(&site.config.default_language);
        if wants(lang) && !set.contains(file) && is_generated(site, file) {
            set.insert(file.to_string());
        }
    }
    set
}

fn is_generated(site: &Site, file: &str) -> bool {
    let is_content = site.pages.iter().any(|p| file_for(&p.path) == file)
        || site.sections.iter().any(|s| file_for(&s.path) == file);
    !is_content && !file.ends_with("404.html") && !file.contains("/page/")
}

/// Index the eligible pages and add Pagefind's files under `pagefind/`.
pub fn index(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    if !site.config.languages.iter().any(|l| l.build_search_index) {
        return Ok(());
    }
    let files = eligible(site, output);
    let base_path = site.config.base_path();
    let pages: Vec<(String, String)> = output
        .html()
        .filter(|(f, _)| files.contains(*f))
        .map(|(f, html)| {
            (
                format!("{base_path}{}", f.trim_end_matches("index.html")),
                html.to_string(),
            )
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the indexer ({e})")))?;
    let produced = runtime.block_on(run(pages))?;
    for (name, bytes) in produced {
        if UNUSED.contains(&name.as_str()) {
            continue;
        }
        output.insert(format!("pagefind/{name}"), Body::Bytes(bytes));
    }
    Ok(())
}

async fn run(pages: Vec<(String, String)>) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
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

fn fail(message: String) -> Diagnostics {
    Diagnostics::from_iter([Diagnostic::error("pagefind", message)])
}
