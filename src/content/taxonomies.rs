//! Taxonomies (Zola's `taxonomies` in config and `[taxonomies]` in front matter): which pages
//! carry which term, per language, with the URLs of list and term pages.

use std::collections::BTreeMap;

use super::sorting::natural_cmp;
use super::{Page, PageId};
use crate::config::{Config, TaxonomyConfig};
use crate::diagnostics::Diagnostic;
use crate::slugs::slugify;

/// One term of a taxonomy and the pages that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    pub pages: Vec<PageId>,
}

/// One taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: TaxonomyConfig,
    pub lang: String,
    pub path: String,
    pub permalink: String,
    pub terms: Vec<Term>,
}

/// Collect the taxonomies of every language; a page naming an unknown taxonomy is an error.
pub fn collect(config: &Config, pages: &[Page]) -> (Vec<Taxonomy>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for lang in &config.languages {
        for kind in &lang.taxonomies {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            let base = format!("{}{}/", config.lang_prefix(&lang.code), kind.slug);
            for (id, page) in pages.iter().enumerate() {
                if page.file.lang != lang.code || !page.meta.render {
                    continue;
                }
                for name in page.meta.taxonomies.get(&kind.name).into_iter().flatten() {
                    let slug = slugify(name, config.slugify.taxonomies);
                    if slug.is_empty() {
                        problems.push(empty_term(page, &kind.name, name));
                        continue;
                    }
                    let term = terms.entry(slug.clone()).or_insert_with(|| {
                        let path = format!("{base}{slug}/");
                        Term {
                            name: name.clone(),
                            permalink: config.permalink(&path),
                            path,
                            slug,
                            pages: Vec::new(),
                        }
                    });
                    term.pages.push(id);
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            terms.sort_by(|a, b| natural_cmp(&a.name, &b.name));
            for t in &mut terms {
                sort_term_pages(&mut t.pages, pages);
            }
            out.push(Taxonomy {
                kind: kind.clone(),
                lang: lang.code.clone(),
                permalink: config.permalink(&base),
                path: base,
                terms,
            });
        }
    }
    for page in pages {
        let Some(lang) = config.language(&page.file.lang) else {
            continue;
        };
        for name in page.meta.taxonomies.keys() {
            if !lang.taxonomies.iter().any(|t| &t.name == name) {
                let known: Vec<&str> = lang.taxonomies.iter().map(|t| t.name.as_str()).collect();
                problems.push(Diagnostic::error(
                    std::path::Path::new("content").join(&page.file.relative),
                    format!(
                        "taxonomy `{name}` is not configured for language `{}`; add {{ name = \"{name}\" }} to its `taxonomies` in config.toml{}",
                        lang.code,
                        if known.is_empty() { String::new() } else { format!(" (configured: {})", known.join(", ")) }
                    ),
                ).at(page.key_line(name), 1));
            }
        }
    }
    (out, problems)
}

/// A term without a URL segment would be written over the taxonomy's list page.
fn empty_term(page: &Page, taxonomy: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        std::path::Path::new("content").join(&page.file.relative),
        format!(
            "taxonomy `{taxonomy}` has the term \"{name}\", which makes an empty URL segment; remove it or give the term a name with letters or digits"
        ),
    )
    .at(page.key_line(taxonomy), 1)
}

/// Newest first, then undated pages by weight and title.
fn sort_term_pages(ids: &mut [PageId], pages: &[Page]) {
    ids.sort_by(|a, b| {
        let (pa, pb) = (&pages[*a], &pages[*b]);
        let da = pa.meta.date.as_ref().map(|d| d.datetime);
        let db = pb.meta.date.as_ref().map(|d| d.datetime);
        db.cmp(&da)
            .then_with(|| pa.meta.weight.cmp(&pb.meta.weight))
            .then_with(|| {
                natural_cmp(
                    pa.meta.title.as_deref().unwrap_or(""),
                    pb.meta.title.as_deref().unwrap_or(""),
                )
            })
            .then_with(|| pa.permalink.cmp(&pb.permalink))
    });
}
