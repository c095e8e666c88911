//! Zola's template filters that Tera lacks: `markdown` (with `@/` links resolved),
//! `num_format`, `base64_encode`, `base64_decode` and `regex_replace`; and Tera's `matching`
//! test, with each pattern compiled once.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use regex::Regex;

use num_format::{Locale, ToFormattedString};
use serde_json::Value;
use tera::{Error, Result, Tera};

use super::Shared;
use crate::config::AnchorLinks;
use crate::markdown::{self, Settings};

pub fn register(tera: &mut Tera, shared: Arc<Shared>) {
    // Zola's default locale for `num_format` is the site's default language.
    let default_locale = shared.site.config.default_language.clone();
    tera.register_filter("markdown", move |v: &Value, a: &HashMap<String, Value>| {
        markdown_filter(&shared, v, a)
    });
    tera.register_filter(
        "num_format",
        move |v: &Value, a: &HashMap<String, Value>| num_format(v, a, &default_locale),
    );
    tera.register_filter("base64_encode", base64_encode);
    tera.register_filter("base64_decode", base64_decode);
    tera.register_filter("regex_replace", regex_replace);
    // Tera's own `matching` test compiles its pattern on every call; this one, the same test,
    // compiles each pattern once.
    tera.register_tester("matching", matching);
}

/// `pattern` compiled, once per process for each pattern (a `Regex` clone shares it).
fn compiled(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Default::default);
    let mut cache = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(re) = cache.get(pattern) {
        return Ok(re.clone());
    }
    let re = Regex::new(pattern)?;
    cache.insert(pattern.to_string(), re.clone());
    Ok(re)
}

/// Tera's `is matching(pattern)`, with its messages.
fn matching(value: Option<&Value>, params: &[Value]) -> Result<bool> {
    let value = match value {
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err(Error::msg(
                "Tester `matching` was called on a variable that isn't a string",
            ));
        }
        None => {
            return Err(Error::msg(
                "Tester `matching` was called on an undefined variable",
            ));
        }
    };
    let pattern = match params {
        [Value::String(p)] => p,
        [_] => {
            return Err(Error::msg(
                "Tester `matching` called with a non-string argument",
            ));
        }
        _ => {
            return Err(Error::msg(format!(
                "Tester `matching` was called with {} parameters, but takes only 1",
                params.len()
            )));
        }
    };
    let re = compiled(pattern).map_err(|e| {
        Error::msg(format!(
            "Tester `matching`: Invalid regular expression: {e}"
        ))
    })?;
    Ok(re.is_match(value))
}

fn string_arg<'a>(filter: &str, v: Option<&'a Value>, name: &str) -> Result<&'a str> {
    v.and_then(Value::as_str)
        .ok_or_else(|| Error::msg(format!("`{filter}`: `{name}` must be a string")))
}

fn base64_encode(value: &Value, _: &HashMap<String, Value>) -> Result<Value> {
    let s = string_arg("base64_encode", Some(value), "the value")?;
    Ok(Value::String(STANDARD.encode(s.as_bytes())))
}

fn base64_decode(value: &Value, _: &HashMap<String, Value>) -> Result<Value> {
    let s = string_arg("base64_decode", Some(value), "the value")?;
    let bytes = STANDARD
        .decode(s.as_bytes())
        .map_err(|e| Error::msg(format!("`base64_decode`: failed to decode: {e}")))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|e| Error::msg(format!("`base64_decode`: invalid utf-8: {e}")))
}

/// `regex_replace(pattern, rep)`: every match replaced (`$1` for groups); patterns compiled
/// once per process.
fn regex_replace(value: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let text = string_arg("regex_replace", Some(value), "the value")?;
    let pattern = string_arg("regex_replace", args.get("pattern"), "pattern")?;
    let rep = string_arg("regex_replace", args.get("rep"), "rep")?;
    let re = compiled(pattern)
        .map_err(|e| Error::msg(format!("`regex_replace`: failed to compile regex: {e}")))?;
    Ok(Value::String(re.replace_all(text, rep).into_owned()))
}

fn markdown_filter(shared: &Shared, value: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| Error::msg("`markdown` filter: the value must be a string"))?;
    let inline = args.get("inline").and_then(Value::as_bool).unwrap_or(false);
    let site = &shared.site;
    let resolve = |p: &str| site.lookup(p).map(|i| site.permalink_of(i).to_string());
    let settings = Settings {
        markdown: &site.config.markdown,
        anchors: site.config.slugify.anchors,
        insert_anchor_links: AnchorLinks::None,
        permalink: "",
        resolve: &resolve,
        max_nesting: site.config.limits.max_nesting,
    };
    let out = markdown::render(text, &settings, None).map_err(|errs| {
        Error::msg(format!(
            "`markdown` filter: {}",
            errs.into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let mut html = out.html;
    if inline {
        html = html
            .trim()
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>"))
            .map_or(html.clone(), str::to_string);
    }
    Ok(Value::String(html))
}

fn num_format(value: &Value, args: &HashMap<String, Value>, default: &str) -> Result<Value> {
    let locale_name = args
        .get("locale")
        .and_then(Value::as_str)
        .unwrap_or(default);
    let locale = Locale::from_name(locale_name)
        .map_err(|_| Error::msg(format!("`num_format`: unknown locale `{locale_name}`")))?;
    match value {
        Value::Number(n) if n.is_i64() => Ok(Value::String(
            n.as_i64().unwrap_or_default().to_formatted_string(&locale),
        )),
        Value::Number(n) if n.is_u64() => Ok(Value::String(
            n.as_u64().unwrap_or_default().to_formatted_string(&locale),
        )),
        _ => Err(Error::msg(
            "`num_format` filter: the value must be an integer",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_format_groups_digits() {
        let v = num_format(&Value::from(1234567), &HashMap::new(), "en").unwrap();
        assert_eq!(v, "1,234,567");
        let de = HashMap::from([("locale".to_string(), Value::from("de"))]);
        assert_eq!(
            num_format(&Value::from(1234567), &de, "en").unwrap(),
            "1.234.567"
        );
    }

    #[test]
    fn base64_round_trips_and_regex_replaces() {
        let none = HashMap::new();
        let enc = base64_encode(&Value::from("héllo"), &none).unwrap();
        assert_eq!(enc, "aMOpbGxv");
        assert_eq!(base64_decode(&enc, &none).unwrap(), "héllo");
        let args = HashMap::from([
            ("pattern".to_string(), Value::from(r"(\w+)@(\w+)")),
            ("rep".to_string(), Value::from("$2 at $1")),
        ]);
        let v = regex_replace(&Value::from("me@home, you@work"), &args).unwrap();
        assert_eq!(v, "home at me, work at you");
    }

    #[test]
    fn matching_tests_as_teras_own_with_its_errors() {
        let mut tera = Tera::default();
        tera.register_tester("matching", matching);
        let render = |t: &str, v: Value| {
            let mut ctx = tera::Context::new();
            ctx.insert("v", &v);
            let mut one = tera.clone();
            one.add_raw_template("t", t)?;
            one.render("t", &ctx)
        };
        let t = r#"{% if v is matching("^[0-9]+$") %}yes{% else %}no{% endif %}"#;
        assert_eq!(render(t, Value::from("12")).unwrap(), "yes");
        assert_eq!(render(t, Value::from("1a")).unwrap(), "no");
        // The second call finds the compiled pattern: same answer.
        assert_eq!(render(t, Value::from("34")).unwrap(), "yes");
        let bad = r#"{% if v is matching("(") %}yes{% endif %}"#;
        let err = format!("{:?}", render(bad, Value::from("x")).unwrap_err());
        assert!(err.contains("Invalid regular expression"), "{err}");
        let not_string = format!("{:?}", render(t, Value::from(3)).unwrap_err());
        assert!(not_string.contains("isn't a string"), "{not_string}");
    }
}
