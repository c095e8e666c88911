//! Zola's template functions (`get_url`, `get_page`, `get_section`, `get_taxonomy`,
//! `get_taxonomy_url`, `get_taxonomy_term`, `load_data`, `trans`) plus `qr_code`. Unlike Zola,
//! `trans` defaults to the language of the page being rendered.

use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tera::{Error, Function, Result, Tera};

use super::Shared;
use crate::content::{ItemRef, Site, Taxonomy, Term};
use crate::templates::values::Values;

pub fn register(tera: &mut Tera, lang: &str, shared: Arc<Shared>) {
    let l = lang.to_string();
    let s = shared.clone();
    tera.register_function("trans", move |a: &HashMap<String, Value>| trans(&s, &l, a));
    let s = shared.clone();
    tera.register_function("get_url", move |a: &HashMap<String, Value>| get_url(&s, a));
    let s = shared.clone();
    tera.register_function("get_page", move |a: &HashMap<String, Value>| {
        get_page(&s, a)
    });
    let s = shared.clone();
    tera.register_function("get_section", move |a: &HashMap<String, Value>| {
        get_section(&s, a)
    });
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_taxonomy", move |a: &HashMap<String, Value>| {
        get_taxonomy(&s, &l, a)
    });
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_taxonomy_url", move |a: &HashMap<String, Value>| {
        get_taxonomy_url(&s, &l, a)
    });
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_taxonomy_term", move |a: &HashMap<String, Value>| {
        get_taxonomy_term(&s, &l, a)
    });
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_az_index", move |a: &HashMap<String, Value>| {
        get_az_index(&s, &l, a)
    });
    let s = shared;
    tera.register_function("load_data", move |a: &HashMap<String, Value>| {
        load_data(&s, a)
    });
    tera.register_function("qr_code", QrCode);
}

fn arg_str<'a>(args: &'a HashMap<String, Value>, name: &str, f: &str) -> Result<&'a str> {
    match args.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Error::msg(format!(
            "`{f}`: argument `{name}` must be a string, got {other}"
        ))),
        None => Err(Error::msg(format!("`{f}` needs the argument `{name}`"))),
    }
}

fn opt_str<'a>(args: &'a HashMap<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name).and_then(Value::as_str)
}

fn opt_bool(args: &HashMap<String, Value>, name: &str, default: bool) -> bool {
    args.get(name).and_then(Value::as_bool).unwrap_or(default)
}

fn trans(shared: &Shared, lang: &str, args: &HashMap<String, Value>) -> Result<Value> {
    let key = arg_str(args, "key", "trans")?;
    let lang = opt_str(args, "lang").unwrap_or(lang);
    let config = &shared.site.config;
    let language = config
        .language(lang)
        .ok_or_else(|| Error::msg(format!("`trans`: language `{lang}` is not configured")))?;
    language
        .translations
        .get(key)
        .map(|s| Value::String(s.clone()))
        .ok_or_else(|| {
            let table = if lang == config.default_language {
                "[translations]".to_string()
            } else {
                format!("[languages.{lang}.translations]")
            };
            Error::msg(format!("`trans`: key `{key}` is missing for language `{lang}`; add it to {table} in config.toml"))
        })
}

/// The item at `path` (content-relative), in `lang` when given.
fn find_item(site: &Site, path: &str, lang: Option<&str>) -> Option<ItemRef> {
    let item = site.lookup(path)?;
    match lang {
        Some(l) => site.translation_in(item, l),
        None => Some(item),
    }
}

fn get_url(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_url")?;
    let lang = opt_str(args, "lang");
    let site = &shared.site;
    if let Some(target) = path.strip_prefix("@/") {
        let (file, anchor) = target
            .split_once('#')
            .map_or((target, None), |(f, a)| (f, Some(a)));
        let item = find_item(site, file, lang).ok_or_else(|| {
            Error::msg(format!(
                "`get_url`: no content file `{file}`{}",
                lang.map(|l| format!(" in language `{l}`"))
                    .unwrap_or_default()
            ))
        })?;
        let mut url = site.permalink_of(item).to_string();
        if let Some(a) = anchor {
            url = format!("{url}#{a}");
        }
        return Ok(Value::String(url));
    }
    let config = &site.config;
    let prefix = lang.map_or_else(String::new, |l| config.lang_prefix(l));
    let mut url = config.permalink(&format!("{}{}", prefix, path.trim_start_matches('/')));
    if opt_bool(args, "trailing_slash", false) {
        if !url.ends_with('/') {
            url.push('/');
        }
    } else if url.ends_with('/') && !path.is_empty() && !path.ends_with('/') {
        url.pop();
    }
    if opt_bool(args, "cachebust", false) {
        let h = cached_hash(shared, path).ok_or_else(|| {
            Error::msg(format!(
                "`get_url`: cannot cachebust `{path}`: no such file in static/"
            ))
        })?;
        url = format!("{url}?h={h}");
    }
    Ok(Value::String(url))
}

fn cached_hash(shared: &Shared, path: &str) -> Option<String> {
    if let Some(h) = shared.hash_cache.lock().ok()?.get(path) {
        return h.clone();
    }
    let h = static_hash(&shared.site.root, shared.site.config.theme.as_deref(), path);
    if let Ok(mut cache) = shared.hash_cache.lock() {
        cache.insert(path.to_string(), h.clone());
    }
    h
}

/// Hash of a static file (site first, then theme), for cache-busting URLs.
fn static_hash(root: &Path, theme: Option<&str>, path: &str) -> Option<String> {
    let rel = path.trim_start_matches('/');
    let mut candidates = vec![root.join("static").join(rel)];
    if let Some(t) = theme {
        candidates.push(root.join("themes").join(t).join("static").join(rel));
    }
    let bytes = candidates.iter().find_map(|p| std::fs::read(p).ok())?;
    let d = Sha256::digest(&bytes);
    Some(d[..10].iter().map(|b| format!("{b:02x}")).collect())
}

/// `get_page(path, lang?, metadata_only?)`: like `get_section`, sprout also takes
/// `metadata_only = true` to leave out the page's content, for lookups of titles and anchors.
fn get_page(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_page")?;
    let full = !opt_bool(args, "metadata_only", false);
    match find_item(&shared.site, path, opt_str(args, "lang")) {
        Some(ItemRef::Page(i)) => Ok(shared.values.page(&shared.site, i, full)),
        _ => Err(Error::msg(format!(
            "`get_page`: no page `{path}` under content/"
        ))),
    }
}

fn get_section(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_section")?;
    let metadata_only = opt_bool(args, "metadata_only", false);
    match find_item(&shared.site, path, opt_str(args, "lang")) {
        Some(ItemRef::Section(i)) => {
            Ok(shared
                .values
                .section_with_pages(&shared.site, i, !metadata_only))
        }
        _ => Err(Error::msg(format!(
            "`get_section`: no section `{path}` under content/"
        ))),
    }
}

fn find_taxonomy<'a>(
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

/// A taxonomy term as templates see it; `full` gives its pages whole (as the template
/// functions do), otherwise as listings show them (the term and taxonomy pages).
pub fn term_value(
    values: &Values,
    site: &Site,
    term: &Term,
    with_pages: bool,
    full: bool,
) -> Value {
    let pages: Vec<Value> = if with_pages {
        term.pages
            .iter()
            .map(|p| {
                if full {
                    values.page(site, *p, true)
                } else {
                    values.briefs[*p].clone()
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "name": term.name,
        "slug": term.slug,
        "path": term.path,
        "permalink": term.permalink,
        "pages": pages,
        "page_count": term.pages.len(),
    })
}

pub fn taxonomy_value(values: &Values, site: &Site, t: &Taxonomy) -> Value {
    let items: Vec<Value> = t
        .terms
        .iter()
        .map(|term| term_value(values, site, term, true, true))
        .collect();
    json!({"kind": t.kind, "lang": t.lang, "permalink": t.permalink, "path": t.path, "items": items})
}

fn get_taxonomy(shared: &Shared, lang: &str, args: &HashMap<String, Value>) -> Result<Value> {
    Ok(
        find_taxonomy(shared, lang, args, "get_taxonomy")?.map_or(Value::Null, |t| {
            taxonomy_value(&shared.values, &shared.site, t)
        }),
    )
}

fn find_term<'a>(t: &'a Taxonomy, name: &str, shared: &Shared) -> Option<&'a Term> {
    let slug = crate::slugs::slugify(name, shared.site.config.slugify.taxonomies);
    t.terms.iter().find(|x| x.name == name || x.slug == slug)
}

fn get_taxonomy_url(shared: &Shared, lang: &str, args: &HashMap<String, Value>) -> Result<Value> {
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

fn get_taxonomy_term(shared: &Shared, lang: &str, args: &HashMap<String, Value>) -> Result<Value> {
    let name = arg_str(args, "term", "get_taxonomy_term")?;
    let Some(t) = find_taxonomy(shared, lang, args, "get_taxonomy_term")? else {
        return Ok(Value::Null);
    };
    match find_term(t, name, shared) {
        Some(term) => Ok(term_value(
            &shared.values,
            &shared.site,
            term,
            opt_bool(args, "include_pages", true),
            true,
        )),
        None if !opt_bool(args, "required", true) => Ok(Value::Null),
        None => Err(Error::msg(format!(
            "`get_taxonomy_term`: no term `{name}` in taxonomy `{}`",
            t.kind.name
        ))),
    }
}

fn load_data(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    if args.contains_key("url") {
        return Err(Error::msg(
            "`load_data`: remote `url` is not supported; copy the file into the site and use `path`",
        ));
    }
    let path = arg_str(args, "path", "load_data")?;
    let required = opt_bool(args, "required", true);
    let root = &shared.site.root;
    let full = match path.strip_prefix("@/") {
        Some(rest) => shared.site.content_dir.join(rest),
        None => root.join(path.trim_start_matches('/')),
    };
    if Path::new(path)
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(Error::msg(format!(
            "`load_data`: `{path}` leaves the site folder; use a path inside it"
        )));
    }
    let format = opt_str(args, "format")
        .map(str::to_string)
        .or_else(|| full.extension().map(|e| e.to_string_lossy().to_lowercase()))
        .unwrap_or_else(|| "plain".into());
    let key = (full.clone(), format.clone());
    if let Some(v) = shared
        .data_cache
        .lock()
        .map_err(|_| Error::msg("load_data cache poisoned"))?
        .get(&key)
    {
        return Ok(v.clone());
    }
    let text = match std::fs::read_to_string(&full) {
        Ok(t) => t,
        Err(_) if !required => return Ok(Value::Null),
        Err(e) => {
            return Err(Error::msg(format!(
                "`load_data`: cannot read `{path}` ({e})"
            )));
        }
    };
    let value = parse_data(&text, &format)
        .map_err(|m| Error::msg(format!("`load_data`: `{path}`: {m}")))?;
    if let Ok(mut cache) = shared.data_cache.lock() {
        cache.insert(key, value.clone());
    }
    Ok(value)
}

pub fn parse_data(text: &str, format: &str) -> std::result::Result<Value, String> {
    match format {
        "toml" => toml::from_str::<toml::Value>(text)
            .map(crate::config::toml_to_json)
            .map_err(|e| e.to_string()),
        "json" => serde_json::from_str(text).map_err(|e| e.to_string()),
        "yaml" | "yml" => yaml_serde::from_str(text).map_err(|e| e.to_string()),
        "csv" => {
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let headers: Vec<String> = reader
                .headers()
                .map_err(|e| e.to_string())?
                .iter()
                .map(str::to_string)
                .collect();
            let mut records = Vec::new();
            for r in reader.records() {
                let r = r.map_err(|e| e.to_string())?;
                records.push(r.iter().map(str::to_string).collect::<Vec<_>>());
            }
            Ok(json!({"headers": headers, "records": records}))
        }
        "plain" | "txt" | "md" | "html" => Ok(Value::String(text.to_string())),
        other => Err(format!(
            "format `{other}` is not supported (toml, json, yaml, csv, plain)"
        )),
    }
}

/// Beyond Zola: every searchable page and section of a language in A–Z order, grouped by first
/// letter; Chinese titles sort by their pinyin transliteration.
fn get_az_index(shared: &Shared, lang: &str, args: &HashMap<String, Value>) -> Result<Value> {
    let lang = opt_str(args, "lang").unwrap_or(lang);
    let site = &shared.site;
    let section_name = |ancestors: &[usize]| {
        ancestors
            .last()
            .filter(|s| !site.sections[**s].is_index())
            .and_then(|s| {
                let m = &site.sections[*s].meta;
                m.extra
                    .get("short_title")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or(m.title.clone())
            })
    };
    let mut entries: Vec<(String, String, String, Option<String>)> = Vec::new();
    for p in site
        .pages
        .iter()
        .filter(|p| p.file.lang == lang && p.meta.render && p.meta.in_search_index)
    {
        if let Some(t) = &p.meta.title {
            entries.push((
                sort_key(t),
                t.clone(),
                p.permalink.clone(),
                section_name(&p.ancestors),
            ));
        }
    }
    for s in site
        .sections
        .iter()
        .filter(|s| s.file.lang == lang && s.meta.render && !s.is_index())
    {
        if let Some(t) = &s.meta.title {
            entries.push((sort_key(t), t.clone(), s.permalink.clone(), None));
        }
    }
    entries.sort();
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for (key, title, permalink, section) in entries {
        let letter = key
            .chars()
            .find(char::is_ascii_alphabetic)
            .map_or("#".to_string(), |c| c.to_ascii_uppercase().to_string());
        let item = json!({"title": title, "permalink": permalink, "section": section});
        match groups.last_mut() {
            Some((l, items)) if *l == letter => items.push(item),
            _ => groups.push((letter, vec![item])),
        }
    }
    Ok(Value::Array(
        groups
            .into_iter()
            .map(|(l, pages)| json!({"letter": l, "pages": pages}))
            .collect(),
    ))
}

/// Latin transliteration for sorting (儿童 → "er tong"); marks, and numbers before the first
/// letter ("(1) Children…", "2030年…"), are dropped so a title sorts under its first letter.
pub fn sort_key(title: &str) -> String {
    let latin: String = deunicode::deunicode(title)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let start = latin
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(latin.len());
    let key = latin[start..].trim();
    if key.is_empty() {
        latin.trim().to_string()
    } else {
        key.to_string()
    }
}

/// `qr_code(url=..., label=...)`: inline SVG, safe to print unescaped.
struct QrCode;

impl Function for QrCode {
    fn call(&self, args: &HashMap<String, Value>) -> Result<Value> {
        let url = arg_str(args, "url", "qr_code")?;
        let label = opt_str(args, "label").unwrap_or(url);
        crate::templates::qr::svg(url, label)
            .map(Value::String)
            .map_err(Error::msg)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_data_has_headers_and_records() {
        let v = parse_data("a,b\n1,\"x, y\"\n", "csv").unwrap();
        assert_eq!(v["headers"], json!(["a", "b"]));
        assert_eq!(v["records"][0][1], "x, y");
    }

    #[test]
    fn chinese_titles_sort_by_pinyin() {
        assert!(sort_key("儿童安全") < sort_key("预防溺水"));
        assert!(sort_key("Bullying") < sort_key("drowning"));
        assert!(sort_key("(1) Children and health").starts_with("children"));
    }

    #[test]
    fn unsupported_format_is_explained() {
        assert!(parse_data("", "xml").unwrap_err().contains("not supported"));
    }
}
