//! Zola's template functions (`get_url`, `get_page`, `get_section`, `get_taxonomy`,
//! `get_taxonomy_url`, `get_taxonomy_term`, `load_data`, `trans`) plus `qr_code` and
//! `page_section`. Unlike Zola, `trans` defaults to the language of the page being rendered.
//! This module registers them and holds the argument helpers; the functions live by what they
//! read: `files` (URLs, hashes, images), `lookup` (pages, sections, taxonomies), `data`
//! (`load_data`) and `az` (`get_az_index`).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tera::{Error, Function, Result, Tera};

use super::Shared;
use crate::content::{ItemRef, Site};

mod az;
mod data;
mod files;
mod lookup;

use az::get_az_index;
use data::load_data;
pub use data::parse_data;
pub(crate) use files::content_hash;
use files::{get_hash, get_image_metadata, get_url, resize_image};
use lookup::{
    get_page, get_section, get_taxonomy, get_taxonomy_term, get_taxonomy_url, page_section,
};

/// A template function that reads the site.
type Plain = fn(&Shared, &HashMap<String, Value>) -> Result<Value>;
/// A template function that also takes the language of the page being rendered.
type PerLanguage = fn(&Shared, &str, &HashMap<String, Value>) -> Result<Value>;

/// Register every function for templates rendered in `lang`. `get_url` and `get_taxonomy_url`
/// print unescaped, as in Zola.
pub fn register(tera: &mut Tera, lang: &str, shared: Arc<Shared>) {
    let plain: [(&str, Plain); 8] = [
        ("get_page", get_page),
        ("get_section", get_section),
        ("page_section", page_section),
        ("load_data", load_data),
        ("get_hash", get_hash),
        ("get_image_metadata", get_image_metadata),
        ("resize_image", resize_image),
        ("get_url", get_url),
    ];
    for (name, f) in plain {
        let s = shared.clone();
        let call = move |a: &HashMap<String, Value>| f(&s, a);
        match name {
            "get_url" => tera.register_function(name, Safe(call)),
            _ => tera.register_function(name, call),
        }
    }
    let per_language: [(&str, PerLanguage); 6] = [
        ("trans", trans),
        ("get_taxonomy", get_taxonomy),
        ("get_taxonomy_term", get_taxonomy_term),
        ("get_az_index", get_az_index),
        (
            "get_indicators",
            crate::templates::indicators::get_indicators,
        ),
        ("get_taxonomy_url", get_taxonomy_url),
    ];
    for (name, f) in per_language {
        let (s, l) = (shared.clone(), lang.to_string());
        let call = move |a: &HashMap<String, Value>| f(&s, &l, a);
        match name {
            "get_taxonomy_url" => tera.register_function(name, Safe(call)),
            _ => tera.register_function(name, call),
        }
    }
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

fn to_value(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
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
