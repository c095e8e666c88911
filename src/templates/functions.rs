//! Zola's template functions (`get_url`, `get_page`, `get_section`, `get_taxonomy`,
//! `get_taxonomy_url`, `get_taxonomy_term`, `load_data`, `trans`) plus `qr_code` and
//! `page_section`. Unlike Zola, `trans` defaults to the language of the page being rendered.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tera::{Error, Function, Result, Tera};

use super::Shared;
use crate::content::{ItemRef, Site, Taxonomy, Term};
use crate::templates::values::{Content, TermPages, TermValue, Values};

pub fn register(tera: &mut Tera, lang: &str, shared: Arc<Shared>) {
    let l = lang.to_string();
    let s = shared.clone();
    tera.register_function("trans", move |a: &HashMap<String, Value>| trans(&s, &l, a));
    let s = shared.clone();
    tera.register_function(
        "get_url",
        Safe(move |a: &HashMap<String, Value>| get_url(&s, a)),
    );
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
    tera.register_function(
        "get_taxonomy_url",
        Safe(move |a: &HashMap<String, Value>| get_taxonomy_url(&s, &l, a)),
    );
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_taxonomy_term", move |a: &HashMap<String, Value>| {
        get_taxonomy_term(&s, &l, a)
    });
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_az_index", move |a: &HashMap<String, Value>| {
        get_az_index(&s, &l, a)
    });
    let (s, l) = (shared.clone(), lang.to_string());
    tera.register_function("get_indicators", move |a: &HashMap<String, Value>| {
        super::indicators::get_indicators(&s, &l, a)
    });
    let s = shared.clone();
    tera.register_function("page_section", move |a: &HashMap<String, Value>| {
        page_section(&s, a)
    });
    let s = shared.clone();
    tera.register_function("load_data", move |a: &HashMap<String, Value>| {
        load_data(&s, a)
    });
    let shared_for_hash = shared;
    tera.register_function("qr_code", QrCode);
    let s = shared_for_hash.clone();
    tera.register_function("get_hash", move |a: &HashMap<String, Value>| {
        get_hash(&s, a)
    });
    let s = shared_for_hash.clone();
    tera.register_function("get_image_metadata", move |a: &HashMap<String, Value>| {
        get_image_metadata(&s, a)
    });
    let s = shared_for_hash;
    tera.register_function("resize_image", move |a: &HashMap<String, Value>| {
        resize_image(&s, a)
    });
}

/// `resize_image(path, width?, height?, op = "fill", format = "auto", quality?, speed?)`, as
/// Zola (see `resize`): the image is found where `get_image_metadata` looks, and made after
/// rendering.
fn resize_image(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "resize_image")?;
    let width = opt_uint(args, "width", "resize_image")?;
    let height = opt_uint(args, "height", "resize_image")?;
    let op = opt_str(args, "op").unwrap_or("fill");
    let format = opt_str(args, "format").unwrap_or("auto");
    let quality = opt_uint(args, "quality", "resize_image")?;
    let speed = opt_uint(args, "speed", "resize_image")?;
    let small = |v: Option<u32>, name: &str| -> Result<Option<u8>> {
        v.map(|n| {
            u8::try_from(n)
                .map_err(|_| Error::msg(format!("`resize_image`: `{name}` must be a number")))
        })
        .transpose()
    };
    let (quality, speed) = (small(quality, "quality")?, small(speed, "speed")?);
    let op = super::resize::ResizeOperation::from_args(op, width, height)
        .map_err(|e| Error::msg(format!("`resize_image`: {e}")))?;
    let Some(file) = site_file(shared, path) else {
        return Err(Error::msg(format!(
            "`resize_image`: Cannot find file: {path}"
        )));
    };
    let unified = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    let base = shared
        .site
        .config
        .permalink(&format!("{}/", super::resize::RESIZED_SUBDIR));
    shared
        .images
        .enqueue(
            op,
            &unified,
            &file,
            &super::resize::Wanted {
                format,
                quality,
                speed,
            },
            &base,
        )
        .map_err(|e| Error::msg(format!("`resize_image`: {e}")))
}

/// An optional non-negative integer argument.
fn opt_uint(args: &HashMap<String, Value>, name: &str, f: &str) -> Result<Option<u32>> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| {
                Error::msg(format!(
                    "`{f}`: `{name}` must be a non-negative integer, got {v}"
                ))
            }),
    }
}

/// `get_image_metadata(path, allow_missing = false)`, as Zola (see `images`).
fn get_image_metadata(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_image_metadata")?;
    let found = site_file(shared, path);
    let Some(file) = found else {
        if opt_bool(args, "allow_missing", false) {
            return Ok(Value::Null);
        }
        return Err(Error::msg(format!(
            "`get_image_metadata`: cannot find `{path}` in the site folder, static/, content/ or the theme's static/"
        )));
    };
    super::images::metadata(&file)
        .map_err(|e| Error::msg(format!("`get_image_metadata`: `{path}`: {e}")))
}

/// `get_hash(path | literal, sha_type = 384, base64 = true)`, as Zola: a file found where
/// `get_url` looks, or a string; SHA-256/384/512 as base64 (for `integrity=`) or hex.
fn get_hash(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let bytes = match (opt_str(args, "path"), opt_str(args, "literal")) {
        (Some(_), Some(_)) => {
            return Err(Error::msg(
                "`get_hash`: give either `path` or `literal`, not both",
            ));
        }
        (None, None) => return Err(Error::msg("`get_hash` needs a `path` or a `literal`")),
        (None, Some(literal)) => literal.as_bytes().to_vec(),
        (Some(path), None) => {
            let file = site_file(shared, path)
                .ok_or_else(|| Error::msg(format!("`get_hash`: cannot find file `{path}`")))?;
            std::fs::read(&file)
                .map_err(|e| Error::msg(format!("`get_hash`: cannot read `{path}` ({e})")))?
        }
    };
    let digest: Vec<u8> = match args.get("sha_type").and_then(Value::as_u64).unwrap_or(384) {
        256 => Sha256::digest(&bytes).to_vec(),
        384 => sha2::Sha384::digest(&bytes).to_vec(),
        512 => sha2::Sha512::digest(&bytes).to_vec(),
        _ => return Err(Error::msg("`get_hash`: `sha_type` must be 256, 384 or 512")),
    };
    if opt_bool(args, "base64", true) {
        use base64::Engine;
        Ok(Value::String(
            base64::engine::general_purpose::STANDARD.encode(digest),
        ))
    } else {
        Ok(Value::String(
            digest.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    }
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
    let rel = path.trim_start_matches('/');
    // Zola adds the language's prefix unless the path already starts with it.
    let prefix = match lang {
        Some(l)
            if l != config.default_language && rel != l && !rel.starts_with(&format!("{l}/")) =>
        {
            format!("{l}/")
        }
        _ => String::new(),
    };
    let joined = format!("{prefix}{rel}");
    let mut url = config.permalink(&joined);
    // Zola's permalinks end in a slash (except feeds and fragments), which `get_url` removes
    // unless `trailing_slash = true`.
    if !opt_bool(args, "trailing_slash", false) {
        url = url.strip_suffix('/').map_or(url.clone(), str::to_string);
    } else if !url.ends_with('/')
        && !url.contains('#')
        && !config
            .languages
            .iter()
            .any(|l| l.feed_filenames.iter().any(|f| url.ends_with(f.as_str())))
    {
        url.push('/');
    }
    if opt_bool(args, "cachebust", false) {
        let h = cached_hash(shared, &joined).ok_or_else(|| {
            Error::msg(format!(
                "`get_url`: cannot cachebust `{path}`: no such file in the site folder, static/, content/ or the theme's static/"
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
    let config = &shared.site.config;
    let root = &shared.site.root;
    let h = file_hash(shared, path).or_else(|| {
        let css = crate::output::sass::compiled(root, config, path.trim_start_matches('/'))?;
        Some(content_hash(css.as_bytes()))
    });
    if let Ok(mut cache) = shared.hash_cache.lock() {
        cache.insert(path.to_string(), h.clone());
    }
    h
}

/// Hash of a file for cache-busting URLs (see `find_site_file`).
fn file_hash(shared: &Shared, path: &str) -> Option<String> {
    let file = find_site_file(shared, path.trim_start_matches('/'))?;
    let bytes = std::fs::read(file).ok()?;
    Some(content_hash(&bytes))
}

/// The cache-busting hash of a file's bytes: SHA-256, first 10 bytes in hex.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d[..10].iter().map(|b| format!("{b:02x}")).collect()
}

/// A file a template names (`@/` for `content/`), found as `find_site_file` finds it.
fn site_file(shared: &Shared, path: &str) -> Option<PathBuf> {
    let rel = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    find_site_file(shared, &rel)
}

/// A file named relative to the site, found where Zola looks: the site folder itself, then
/// `static/`, `content/`, the output folder and the theme's `static/`. Zola copies colocated
/// files into the output before it renders the page or section that owns them, so a template
/// finds them there (`ca/archive/card.jpg`); sprout looks them up where this build writes
/// them rather than in a previous build's output. (A previous build's output on disk, last:
/// it may be stale, so the theme's file, which this build writes, comes before it.)
fn find_site_file(shared: &Shared, rel: &str) -> Option<PathBuf> {
    if rel.split('/').any(|c| c == "..") {
        return None;
    }
    let root = &shared.site.root;
    let config = &shared.site.config;
    let on_disk = [
        root.join(rel),
        root.join("static").join(rel),
        root.join("content").join(rel),
    ];
    if let Some(p) = on_disk.into_iter().find(|p| p.is_file()) {
        return Some(p);
    }
    let colocated = shared.colocated.get_or_init(|| {
        shared
            .site
            .colocated_outputs()
            .into_iter()
            .map(|(k, f)| (k, f.to_path_buf()))
            .collect()
    });
    if let Some(f) = colocated.get(rel.trim_end_matches('/')) {
        return Some(f.clone());
    }
    let mut rest = Vec::new();
    if let Some(t) = config.theme.as_deref() {
        rest.push(root.join("themes").join(t).join("static").join(rel));
    }
    rest.push(root.join(&config.output_dir).join(rel));
    rest.into_iter().find(|p| p.is_file())
}

/// `get_page(path, lang?, metadata_only?)`: like `get_section`, sprout also takes
/// `metadata_only = true` to leave out the page's content, for lookups of titles and anchors.
fn get_page(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_page")?;
    let content = match opt_bool(args, "metadata_only", false) {
        true => Content::Metadata,
        false => Content::Full,
    };
    match find_item(&shared.site, path, opt_str(args, "lang")) {
        Some(ItemRef::Page(i)) => Ok(to_value(shared.values.page(&shared.site, i, content))),
        _ => Err(Error::msg(format!(
            "`get_page`: no page `{path}` under content/"
        ))),
    }
}

/// `page_section(path, id)`, beyond Zola: the rendered content under heading `id` of the
/// page at `path` (its `relative_path`), ids removed; an empty string when there is none.
fn page_section(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "page_section")?;
    let id = arg_str(args, "id", "page_section")?;
    match shared.site.lookup(path) {
        Some(ItemRef::Page(i)) => {
            let html = &shared.values.rendered().page(i).content;
            Ok(Value::String(
                super::fragment::section_by_id(html, id).unwrap_or_default(),
            ))
        }
        _ => Err(Error::msg(format!(
            "`page_section`: no page `{path}` under content/"
        ))),
    }
}

fn get_section(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_section")?;
    let pages = match opt_bool(args, "metadata_only", false) {
        true => Content::Metadata,
        false => Content::Full,
    };
    match find_item(&shared.site, path, opt_str(args, "lang")) {
        Some(ItemRef::Section(i)) => Ok(to_value(shared.values.section(&shared.site, i, pages))),
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

fn to_value(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Zola's `get_taxonomy` value.
#[derive(serde::Serialize)]
struct TaxonomyValue<'a> {
    kind: &'a crate::config::TaxonomyConfig,
    lang: &'a str,
    permalink: &'a str,
    path: &'a str,
    items: Vec<TermValue<'a>>,
}

fn taxonomy_value(values: &Values, site: &Site, t: &Taxonomy) -> Value {
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
        Some(term) => {
            let pages = match opt_bool(args, "include_pages", true) {
                true => TermPages::Full,
                false => TermPages::None,
            };
            Ok(to_value(TermValue::new(
                &shared.site,
                &shared.values,
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

fn load_data(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let required = opt_bool(args, "required", true);
    let (source, text) = match (opt_str(args, "url"), opt_str(args, "path")) {
        (Some(url), _) => (url.to_string(), fetch_url(shared, url, required)?),
        (None, Some(path)) => (path.to_string(), read_data_file(shared, path, required)?),
        (None, None) => {
            return Err(Error::msg(
                "`load_data` needs a `path` (a file in the site) or a `url`",
            ));
        }
    };
    let Some(text) = text else {
        return Ok(Value::Null);
    };
    // As in Zola: the `format` argument, else the file's extension, else plain text.
    let format = opt_str(args, "format")
        .map(str::to_string)
        .unwrap_or_else(|| {
            let ext = Path::new(opt_str(args, "path").unwrap_or(""))
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if FORMATS.contains(&ext.as_str()) {
                ext
            } else {
                "plain".into()
            }
        });
    let key = (PathBuf::from(&source), format.clone());
    if let Some(v) = shared
        .data_cache
        .lock()
        .map_err(|_| Error::msg("load_data cache poisoned"))?
        .get(&key)
    {
        return Ok(v.clone());
    }
    let value = parse_data(&text, &format)
        .map_err(|m| Error::msg(format!("`load_data`: `{source}`: {m}")))?;
    if let Ok(mut cache) = shared.data_cache.lock() {
        cache.insert(key, value.clone());
    }
    Ok(value)
}

const FORMATS: &[&str] = &[
    "toml", "json", "csv", "yaml", "yml", "xml", "bibtex", "plain",
];

/// A data file, found where Zola looks (`@/` is `content/`): the site folder, `static/`,
/// `content/`, the theme's `static/`, the output folder. `None` when it is missing and not
/// `required`.
fn read_data_file(shared: &Shared, path: &str, required: bool) -> Result<Option<String>> {
    if Path::new(path)
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(Error::msg(format!(
            "`load_data`: `{path}` leaves the site folder; use a path inside it"
        )));
    }
    let found = site_file(shared, path);
    match found.map(std::fs::read_to_string) {
        Some(Ok(t)) => Ok(Some(t)),
        None if !required => Ok(None),
        Some(Err(_)) if !required => Ok(None),
        None => Err(Error::msg(format!(
            "`load_data`: cannot find `{path}` in the site folder, static/, content/ or the theme's static/"
        ))),
        Some(Err(e)) => Err(Error::msg(format!(
            "`load_data`: cannot read `{path}` ({e})"
        ))),
    }
}

/// `load_data(url=...)`: fetched once per build (cached with the parsed value).
fn fetch_url(shared: &Shared, url: &str, required: bool) -> Result<Option<String>> {
    if let Ok(cache) = shared.data_cache.lock()
        && let Some(Value::String(t)) = cache.get(&(PathBuf::from(url), "!raw".to_string()))
    {
        return Ok(Some(t.clone()));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    let fetched = agent
        .get(url)
        .call()
        .map_err(|e| e.to_string())
        .and_then(|mut r| r.body_mut().read_to_string().map_err(|e| e.to_string()));
    match fetched {
        Ok(text) => {
            if let Ok(mut cache) = shared.data_cache.lock() {
                cache.insert(
                    (PathBuf::from(url), "!raw".to_string()),
                    Value::String(text.clone()),
                );
            }
            Ok(Some(text))
        }
        Err(_) if !required => Ok(None),
        Err(e) => Err(Error::msg(format!(
            "`load_data`: cannot fetch {url} ({e}); check the address, or pass required=false"
        ))),
    }
}

pub fn parse_data(text: &str, format: &str) -> std::result::Result<Value, String> {
    match format {
        "toml" => toml::from_str::<toml::Value>(text)
            .map(crate::config::toml_to_json)
            .map_err(|e| e.to_string()),
        "json" => serde_json::from_str(text).map_err(|e| e.to_string()),
        "yaml" | "yml" => yaml_serde::from_str(text).map_err(|e| e.to_string()),
        "csv" => parse_csv(text),
        "xml" => roxmltree_to_serde::xml_string_to_json(text.to_string(), &Default::default())
            .map_err(|e| format!("{e:?}")),
        "bibtex" => parse_bibtex(text),
        "plain" => Ok(Value::String(text.to_string())),
        other => Err(format!(
            "format `{other}` is not supported ({})",
            FORMATS.join(", ")
        )),
    }
}

fn parse_csv(text: &str) -> std::result::Result<Value, String> {
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

/// BibTeX as Zola gives it: preambles, comments, variables and bibliographies (entry type,
/// citation key, tags with lower-case names).
fn parse_bibtex(text: &str) -> std::result::Result<Value, String> {
    let bib = nom_bibtex::Bibtex::parse(text).map_err(|e| format!("{e:?}"))?;
    let bibliographies: Vec<Value> = bib
        .bibliographies()
        .iter()
        .map(|b| {
            let tags: serde_json::Map<String, Value> = b
                .tags()
                .iter()
                .map(|(k, v)| (k.to_lowercase(), Value::String(v.to_string())))
                .collect();
            json!({"entry_type": b.entry_type(), "citation_key": b.citation_key(), "tags": tags})
        })
        .collect();
    let variables: serde_json::Map<String, Value> = bib
        .variables()
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    Ok(json!({
        "preambles": bib.preambles(),
        "comments": bib.comments(),
        "variables": variables,
        "bibliographies": bibliographies,
    }))
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
    let prefixes = az_prefixes(&site.config.extra);
    for p in site
        .pages
        .iter()
        .filter(|p| p.file.lang == lang && p.meta.render && p.meta.in_search_index)
    {
        if let Some(t) = &p.meta.title {
            let section = section_name(&p.ancestors);
            for key in az_keys(t, &p.meta.extra, &prefixes) {
                entries.push((sort_key(&key), key, p.permalink.clone(), section.clone()));
            }
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
    for (key, label, permalink, section) in entries {
        let letter = key
            .chars()
            .find(char::is_ascii_alphabetic)
            .map_or("#".to_string(), |c| c.to_ascii_uppercase().to_string());
        let item = json!({"title": label, "permalink": permalink, "section": section});
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

/// Title prefixes that are not the key word (`[extra] az_strip_prefixes`, e.g. "预防").
fn az_prefixes(extra: &Value) -> Vec<String> {
    extra
        .get("az_strip_prefixes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The labels a page is filed under: its title, and also its key word, so 预防溺水 is found
/// under N (溺水) as well as Y. The key word is the page's `[extra] az_key` (a string or a
/// list), else the title without a configured prefix; the label reads "溺水（预防溺水）".
fn az_keys(title: &str, extra: &Value, prefixes: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = match extra.get("az_key") {
        Some(Value::String(k)) => vec![k.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => prefixes
            .iter()
            .find_map(|p| title.strip_prefix(p.as_str()))
            .filter(|rest| !rest.trim().is_empty())
            .map(|rest| vec![capitalise(rest.trim())])
            .unwrap_or_default(),
    };
    keys.retain(|k| !k.is_empty() && k != title);
    let (open, close) = if title.is_ascii() {
        (" (", ")")
    } else {
        ("（", "）")
    };
    let mut out = vec![title.to_string()];
    out.extend(keys.into_iter().map(|k| format!("{k}{open}{title}{close}")));
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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

/// A function whose output Tera prints unescaped, as Zola marks `get_url` and
/// `get_taxonomy_url`.
struct Safe<F>(F);

impl<F> Function for Safe<F>
where
    F: Fn(&HashMap<String, Value>) -> Result<Value> + Send + Sync,
{
    fn call(&self, args: &HashMap<String, Value>) -> Result<Value> {
        (self.0)(args)
    }

    fn is_safe(&self) -> bool {
        true
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
    fn xml_and_bibtex_are_read_as_zola_reads_them() {
        let v = parse_data("<root><a>x</a><a>y</a></root>", "xml").unwrap();
        assert_eq!(v["root"]["a"], json!(["x", "y"]));
        let v = parse_data(
            "@article{key1,\n  Title = {A title},\n  year = 2020\n}\n",
            "bibtex",
        )
        .unwrap();
        let b = &v["bibliographies"][0];
        assert_eq!(b["entry_type"], "article");
        assert_eq!(b["citation_key"], "key1");
        assert_eq!(b["tags"]["title"], "A title");
    }

    #[test]
    fn a_page_is_also_filed_under_its_key_word() {
        let prefixes = vec!["预防".to_string()];
        let keys = az_keys("预防溺水", &json!({}), &prefixes);
        assert_eq!(keys, ["预防溺水", "溺水（预防溺水）"]);
        assert!(sort_key(&keys[1]).starts_with('n'));
        let own = az_keys(
            "Staying safe online",
            &json!({"az_key": ["Internet"]}),
            &prefixes,
        );
        assert_eq!(
            own,
            ["Staying safe online", "Internet (Staying safe online)"]
        );
        assert_eq!(az_keys("儿童安全", &json!({}), &prefixes), ["儿童安全"]);
        let en = az_keys(
            "Preventing drowning",
            &json!({}),
            &["Preventing ".to_string()],
        );
        assert_eq!(
            en,
            ["Preventing drowning", "Drowning (Preventing drowning)"]
        );
    }

    #[test]
    fn unsupported_format_is_explained() {
        assert!(parse_data("", "ini").unwrap_err().contains("not supported"));
    }
}
