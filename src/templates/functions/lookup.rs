//! The template functions that look up content: `get_page`, `get_section`, `page_section`,
//! `get_taxonomy`, `get_taxonomy_url` and `get_taxonomy_term`.

use std::collections::HashMap;

use serde_json::Value;
use tera::{Error, Result};

use super::{arg_str, find_item, opt_bool, opt_str, to_value};
use crate::content::{ItemRef, Site, Taxonomy, Term};
use crate::templates::Shared;
use crate::templates::values::{Content, TermPages, TermValue, Values};

/// `get_page(path, lang?, metadata_only?)`: like `get_section`, sprout also takes
/// `metadata_only = true` to leave out the page's content, for lookups of titles and anchors.
pub(super) fn get_page(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_page")?;
    let content = match opt_bool(args, "metadata_only", false) {
        true => Content::Metadata,
        false => Content::Full,
    };
    match find_item(&shared.site, path, opt_str(args, "lang")) {
        Some(ItemRef::Page(i)) => Ok(to_value(shared.values().page(&shared.site, i, content))),
        _ => Err(Error::msg(format!(
            "`get_page`: no page `{path}` under content/"
        ))),
    }
}

/// `page_section(path, id)`, beyond Zola: the rendered content under heading `id` of the
/// page at `path` (its `relative_path`), ids removed; an empty string when there is none.
pub(super) fn page_section(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "page_section")?;
    let id = arg_str(args, "id", "page_section")?;
    match shared.site.lookup(path) {
        Some(ItemRef::Page(i)) => {
            let values = shared.values();
            let html = &values.rendered().page(i).content;
            Ok(Value::String(
                crate::templates::fragment::section_by_id(html, id).unwrap_or_default(),
            ))
        }
        _ => Err(Error::msg(format!(
            "`page_section`: no page `{path}` under content/"
        ))),
    }
}

pub(super) fn get_section(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_section")?;
    let pages = match opt_bool(args, "metadata_only", false) {
        true => Content::Metadata,
        false => Content::Full,
    };
    match find_item(&shared.site, path, opt_str(args, "lang")) {
        Some(ItemRef::Section(i)) => Ok(to_value(shared.values().section(&shared.site, i, pages))),
        _ => Err(Error::msg(format!(
            "`get_section`: no section `{path}` under content/"
        ))),
    }
}

pub(super) fn find_taxonomy<'a>(
    shared: &'a Shared,
    lang: &str,
    args: &HashMap<String, Value>,
    f: &str,
) -> Result<Option<&'a Taxonomy>> {
    let kind = arg_str(args, "kind", f)?;
    let lang = opt_str(args, "lang").unwrap_or(lang);
    let found = shared
        .site
        .taxonomies
        .iter()
        .find(|t| t.kind.name == kind && t.lang == lang);
    if found.is_none() && opt_bool(args, "required", true) {
        return Err(Error::msg(format!(
            "`{f}`: taxonomy `{kind}` is not configured for language `{lang}`"
        )));
    }
    Ok(found)
}

/// Zola's `get_taxonomy` value.
#[derive(serde::Serialize)]
pub(super) struct TaxonomyValue<'a> {
    kind: &'a crate::config::TaxonomyConfig,
    lang: &'a str,
    permalink: &'a str,
    path: &'a str,
    items: Vec<TermValue<'a>>,
}

pub(super) fn taxonomy_value(values: &Values, site: &Site, t: &Taxonomy) -> Value {
    to_value(TaxonomyValue {
        kind: &t.kind,
        lang: &t.lang,
        permalink: &t.permalink,
        path: &t.path,
        items: t
            .terms
            .iter()
            .map(|term| TermValue::new(site, values, term, TermPages::Full))
            .collect(),
    })
}

pub(super) fn get_taxonomy(
    shared: &Shared,
    lang: &str,
    args: &HashMap<String, Value>,
) -> Result<Value> {
    Ok(
        find_taxonomy(shared, lang, args, "get_taxonomy")?.map_or(Value::Null, |t| {
            taxonomy_value(&shared.values(), &shared.site, t)
        }),
    )
}

pub(super) fn find_term<'a>(t: &'a Taxonomy, name: &str, shared: &Shared) -> Option<&'a Term> {
    let slug = crate::slugs::slugify(name, shared.site.config.slugify.taxonomies);
    t.terms.iter().find(|x| x.name == name || x.slug == slug)
}

pub(super) fn get_taxonomy_url(
    shared: &Shared,
    lang: &str,
    args: &HashMap<String, Value>,
) -> Result<Value> {
    let name = arg_str(args, "name", "get_taxonomy_url")?;
    let Some(t) = find_taxonomy(shared, lang, args, "get_taxonomy_url")? else {
        return Ok(Value::Null);
    };
    match find_term(t, name, shared) {
        Some(term) => Ok(Value::String(term.permalink.clone())),
        None if !opt_bool(args, "required", true) => Ok(Value::Null),
        None => Err(Error::msg(format!(
            "`get_taxonomy_url`: no term `{name}` in taxonomy `{}`",
            t.kind.name
        ))),
    }
}

pub(super) fn get_taxonomy_term(
    shared: &Shared,
    lang: &str,
    args: &HashMap<String, Value>,
) -> Result<Value> {
    let name = arg_str(args, "term", "get_taxonomy_term")?;
    let Some(t) = find_taxonomy(shared, lang, args, "get_taxonomy_term")? else {
        return Ok(Value::Null);
    };
    match find_term(t, name, shared) {
        Some(term) => {
            let pages = match opt_bool(args, "include_pages", true) {
                true => TermPages::Full,
                false => TermPages::None,
            };
            Ok(to_value(TermValue::new(
                &shared.site,
                &shared.values(),
                term,
                pages,
            )))
        }
        None if !opt_bool(args, "required", true) => Ok(Value::Null),
        None => Err(Error::msg(format!(
            "`get_taxonomy_term`: no term `{name}` in taxonomy `{}`",
            t.kind.name
        ))),
    }
}
