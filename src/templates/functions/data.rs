//! `load_data`: every format and source Zola reads (toml, json, csv, yaml, xml, bibtex,
//! plain; a `path` or a `url`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};
use tera::{Error, Result};

use super::files::site_file;
use super::{opt_bool, opt_str};
use crate::templates::Shared;

pub(super) fn load_data(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let required = opt_bool(args, "required", true);
    let (url, path) = (opt_str(args, "url"), opt_str(args, "path"));
    let source = match url.or(path) {
        Some(s) => s,
        None => {
            return Err(Error::msg(
                "`load_data` needs a `path` (a file in the site) or a `url`",
            ));
        }
    };
    // As in Zola: the `format` argument, else the file's extension, else plain text.
    let format = opt_str(args, "format")
        .map(str::to_string)
        .unwrap_or_else(|| {
            let ext = Path::new(path.unwrap_or(""))
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if FORMATS.contains(&ext.as_str()) {
                ext
            } else {
                "plain".into()
            }
        });
    // A file or URL is read and parsed once per build, however many pages ask for it.
    let key = (PathBuf::from(source), format.clone());
    if let Some(v) = shared
        .data_cache
        .lock()
        .map_err(|_| Error::msg("load_data cache poisoned"))?
        .get(&key)
    {
        return Ok(v.clone());
    }
    let text = match url {
        Some(url) => fetch_url(shared, url, required)?,
        None => read_data_file(shared, source, required)?,
    };
    let Some(text) = text else {
        return Ok(Value::Null);
    };
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
pub(super) fn read_data_file(
    shared: &Shared,
    path: &str,
    required: bool,
) -> Result<Option<String>> {
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
pub(super) fn fetch_url(shared: &Shared, url: &str, required: bool) -> Result<Option<String>> {
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

pub(super) fn parse_csv(text: &str) -> std::result::Result<Value, String> {
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
pub(super) fn parse_bibtex(text: &str) -> std::result::Result<Value, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_data_has_headers_and_records() {
        let v = parse_data("a,b\n1,\"x, y\"\n", "csv").unwrap();
        assert_eq!(v["headers"], json!(["a", "b"]));
        assert_eq!(v["records"][0][1], "x, y");
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
    fn unsupported_format_is_explained() {
        assert!(parse_data("", "ini").unwrap_err().contains("not supported"));
    }
}
