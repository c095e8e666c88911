//! `get_indicators`: the plan's numeric targets for templates, from the indicator data (not
//! from re-reading `data/indicators.toml`), with each target's page URL.

use std::collections::HashMap;

use serde_json::{Value, json};
use tera::{Error, Result};

use super::Shared;

/// `get_indicators(anchor?, domain?, lang?)`: `{ url, items: [{ id, name, domain, anchor, url }] }`
/// where `url` is the dashboard in `lang` (the page's language by default) and `items` the
/// targets stated at plan `anchor` and/or in `domain` (all of them without either).
pub fn get_indicators(shared: &Shared, lang: &str, args: &HashMap<String, Value>) -> Result<Value> {
    let text = |key: &str| -> Result<Option<&str>> {
        match args.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(Error::msg(format!(
                "`get_indicators`: `{key}` must be a string"
            ))),
        }
    };
    let (anchor, domain) = (text("anchor")?, text("domain")?);
    let lang = text("lang")?.unwrap_or(lang);
    let config = &shared.site.config;
    if config.language(lang).is_none() {
        return Err(Error::msg(format!(
            "`get_indicators`: `{lang}` is not a language of this site"
        )));
    }
    let dir = &shared.indicators;
    let url = |rest: &str| config.permalink(&dir.layout.page_path(config, lang, rest));
    let items: Vec<Value> = dir
        .entries
        .iter()
        .filter(|e| anchor.is_none_or(|a| e.anchor == a))
        .filter(|e| domain.is_none_or(|d| e.domain == d))
        .map(|e| {
            json!({
                "id": e.id, "name": e.name.get(lang), "domain": e.domain, "anchor": e.anchor,
                "url": url(&format!("{}/", e.id)),
            })
        })
        .collect();
    let dashboard = if dir.layout.path.is_empty() {
        Value::Null
    } else {
        Value::String(url(""))
    };
    Ok(json!({ "url": dashboard, "items": items }))
}
