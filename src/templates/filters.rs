//! Zola's template filters that Tera lacks: `markdown` (with `@/` links resolved) and
//! `num_format`.

use std::collections::HashMap;
use std::sync::Arc;

use num_format::{Locale, ToFormattedString};
use serde_json::Value;
use tera::{Error, Result, Tera};

use super::Shared;
use crate::config::AnchorLinks;
use crate::markdown::{self, Settings};

pub fn register(tera: &mut Tera, shared: Arc<Shared>) {
    tera.register_filter("markdown", move |v: &Value, a: &HashMap<String, Value>| {
        markdown_filter(&shared, v, a)
    });
    tera.register_filter("num_format", num_format);
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

fn num_format(value: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let locale_name = args.get("locale").and_then(Value::as_str).unwrap_or("en");
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
        let v = num_format(&Value::from(1234567), &HashMap::new()).unwrap();
        assert_eq!(v, "1,234,567");
    }
}
