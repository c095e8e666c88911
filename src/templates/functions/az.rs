//! `get_az_index`: the site's pages in A–Z order (Chinese by pinyin), each also under its
//! key word.

use std::collections::HashMap;

use serde_json::{Value, json};
use tera::Result;

use super::opt_str;
use crate::templates::Shared;

/// Beyond Zola: every searchable page and section of a language in A–Z order, grouped by first
/// letter; Chinese titles sort by their pinyin transliteration.
pub(super) fn get_az_index(
    shared: &Shared,
    lang: &str,
    args: &HashMap<String, Value>,
) -> Result<Value> {
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
pub(super) fn az_prefixes(extra: &Value) -> Vec<String> {
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
pub(super) fn az_keys(title: &str, extra: &Value, prefixes: &[String]) -> Vec<String> {
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

pub(super) fn capitalise(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chinese_titles_sort_by_pinyin() {
        assert!(sort_key("儿童安全") < sort_key("预防溺水"));
        assert!(sort_key("Bullying") < sort_key("drowning"));
        assert!(sort_key("(1) Children and health").starts_with("children"));
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
}
