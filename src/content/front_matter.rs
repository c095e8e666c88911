//! Splitting a content file into front matter and body, and parsing the front matter of pages
//! and sections (TOML between `+++`, YAML between `---`) with Zola's keys.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde_json::Value;

use crate::config::AnchorLinks;
use crate::config::strict::{Origin, from_toml, from_yaml};
use crate::diagnostics::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A content file cut in two; line numbers are 1-based positions in the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub front_matter: &'a str,
    pub front_matter_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Cut `text` into front matter and body. Never panics; errors say what delimiter is missing.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.len() - text.trim_start().len();
    let lead_lines = text[..start].matches('\n').count();
    let rest = &text[start..];
    let (format, delim) = if rest.starts_with("+++") {
        (Format::Toml, "+++")
    } else if rest.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Err(Diagnostic::error(
            file,
            "no front matter found; start the file with a line `+++`, then `title = \"...\"`, then a closing `+++`",
        )
        .at(lead_lines + 1, 1));
    };
    let after_open = &rest[delim.len()..];
    let Some(first_nl) = after_open.find('\n') else {
        return Err(unclosed(file, delim, lead_lines + 1));
    };
    if !after_open[..first_nl].trim().is_empty() {
        return Err(Diagnostic::error(
            file,
            format!("the opening `{delim}` must be alone on its line"),
        )
        .at(lead_lines + 1, 1));
    }
    let fm_start = start + delim.len() + first_nl + 1;
    let fm_and_rest = &text[fm_start..];
    let close =
        find_closing(fm_and_rest, delim).ok_or_else(|| unclosed(file, delim, lead_lines + 1))?;
    let front_matter = &fm_and_rest[..close];
    let after_close = &fm_and_rest[close + delim.len()..];
    let body = match after_close.find('\n') {
        Some(i) => &after_close[i + 1..],
        None => "",
    };
    let front_matter_line = lead_lines + 2;
    let body_line = front_matter_line + front_matter.matches('\n').count() + 1;
    Ok(Split {
        format,
        front_matter,
        front_matter_line,
        body,
        body_line,
    })
}

fn unclosed(file: &Path, delim: &str, line: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        format!(
            "front matter opened with `{delim}` is never closed; add a line `{delim}` after it"
        ),
    )
    .at(line, 1)
}

/// Byte offset of a line consisting of `delim` (trailing spaces allowed).
fn find_closing(text: &str, delim: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == delim {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// A date as written in front matter: a TOML date/datetime or a string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

/// A parsed front-matter date: the string templates see and a sortable value.
#[derive(Debug, Clone, PartialEq)]
pub struct Date {
    pub text: String,
    pub datetime: NaiveDateTime,
}

fn parse_date(raw: &RawDate) -> Option<Date> {
    let text = match raw {
        RawDate::Toml(d) => d.to_string(),
        RawDate::Text(s) => s.trim().to_string(),
    };
    let datetime = if let Ok(d) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        d.and_hms_opt(0, 0, 0)?
    } else if let Ok(d) = chrono::DateTime::parse_from_rfc3339(&text) {
        d.naive_utc()
    } else {
        NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S"))
            .ok()?
    };
    Some(Date { text, datetime })
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: Option<String>,
    description: Option<String>,
    date: Option<RawDate>,
    updated: Option<RawDate>,
    weight: Option<i64>,
    #[serde(default)]
    draft: bool,
    #[serde(default = "yes")]
    render: bool,
    slug: Option<String>,
    path: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    template: Option<String>,
    #[serde(default = "yes")]
    in_search_index: bool,
    #[serde(default)]
    taxonomies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    extra: Option<serde_json::Value>,
}

fn yes() -> bool {
    true
}

/// Front matter of a page, checked.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub render: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    pub authors: Vec<String>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub in_search_index: bool,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub extra: Value,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Date,
    UpdateDate,
    Title,
    TitleBytes,
    Weight,
    Slug,
    #[default]
    None,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSection {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    sort_by: SortBy,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    draft: bool,
    template: Option<String>,
    page_template: Option<String>,
    paginate_by: Option<usize>,
    #[serde(default = "default_paginate_path")]
    paginate_path: String,
    #[serde(default)]
    paginate_reversed: bool,
    insert_anchor_links: Option<AnchorLinks>,
    #[serde(default = "yes")]
    render: bool,
    redirect_to: Option<String>,
    #[serde(default = "yes")]
    in_search_index: bool,
    #[serde(default)]
    transparent: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    generate_feeds: bool,
    #[serde(default)]
    extra: Option<serde_json::Value>,
}

fn default_paginate_path() -> String {
    "page".into()
}

/// Front matter of a section, checked.
#[derive(Debug, Clone, Default)]
pub struct SectionMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: SortBy,
    pub weight: i64,
    pub draft: bool,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: String,
    pub paginate_reversed: bool,
    pub insert_anchor_links: Option<AnchorLinks>,
    pub render: bool,
    pub redirect_to: Option<String>,
    pub in_search_index: bool,
    pub transparent: bool,
    pub aliases: Vec<String>,
    pub generate_feeds: bool,
    pub extra: Value,
}

fn parse_raw<T: serde::de::DeserializeOwned>(split: &Split, file: &Path) -> Result<T, Diagnostic> {
    let origin = Origin {
        file,
        first_line: split.front_matter_line,
    };
    match split.format {
        Format::Toml => from_toml(split.front_matter, origin),
        Format::Yaml if split.front_matter.trim().is_empty() => from_toml("", origin),
        Format::Yaml => from_yaml(split.front_matter, origin),
    }
}

/// Turn the date a user wrote into a `Date`, or say where the bad one is.
fn check_date(
    raw: &Option<RawDate>,
    key: &str,
    split: &Split,
    file: &Path,
) -> Result<Option<Date>, Diagnostic> {
    let Some(raw) = raw else { return Ok(None) };
    parse_date(raw).map(Some).ok_or_else(|| {
        let line = key_line(split, key);
        Diagnostic::error(
            file,
            format!("`{key}` is not a date; write it as 2024-05-31 or 2024-05-31T09:00:00Z"),
        )
        .at(line, 1)
    })
}

/// Line of `key` in the front matter, for errors found after parsing.
pub fn key_line(split: &Split, key: &str) -> usize {
    line_of_key(split.front_matter, split.front_matter_line, key)
}

/// Line of the first `key = ...` (or `key: ...`) in `front_matter`, which starts at
/// `first_line`; `first_line` when the key is not there.
pub fn line_of_key(front_matter: &str, first_line: usize, key: &str) -> usize {
    front_matter
        .lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(key) && l[key.len()..].trim_start().starts_with(['=', ':'])
        })
        .map_or(first_line, |i| first_line + i)
}

fn extra_value(raw: Option<serde_json::Value>) -> Value {
    match raw {
        Some(Value::Object(mut m)) => {
            for v in m.values_mut() {
                normalise_toml_dates(v);
            }
            Value::Object(m)
        }
        Some(Value::Null) | None => Value::Object(Default::default()),
        Some(other) => other,
    }
}

/// TOML dates inside `extra` arrive as `{"$__toml_private_datetime": "..."}`; make them strings.
fn normalise_toml_dates(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.len() == 1
                && let Some(Value::String(s)) = m.get("$__toml_private_datetime")
            {
                *v = Value::String(s.clone());
                return;
            }
            m.values_mut().for_each(normalise_toml_dates);
        }
        Value::Array(a) => a.iter_mut().for_each(normalise_toml_dates),
        _ => {}
    }
}

pub fn parse_page(split: &Split, file: &Path) -> Result<PageMeta, Diagnostic> {
    let raw: RawPage = parse_raw(split, file)?;
    Ok(PageMeta {
        date: check_date(&raw.date, "date", split, file)?,
        updated: check_date(&raw.updated, "updated", split, file)?,
        title: raw.title,
        description: raw.description,
        weight: raw.weight,
        draft: raw.draft,
        render: raw.render,
        slug: raw.slug,
        path: raw.path,
        authors: raw.authors,
        aliases: raw.aliases,
        template: raw.template,
        in_search_index: raw.in_search_index,
        taxonomies: raw.taxonomies,
        extra: extra_value(raw.extra),
    })
}

pub fn parse_section(split: &Split, file: &Path) -> Result<SectionMeta, Diagnostic> {
    let raw: RawSection = parse_raw(split, file)?;
    Ok(SectionMeta {
        title: raw.title,
        description: raw.description,
        sort_by: raw.sort_by,
        weight: raw.weight,
        draft: raw.draft,
        template: raw.template,
        page_template: raw.page_template,
        paginate_by: raw.paginate_by.filter(|n| *n > 0),
        paginate_path: raw.paginate_path,
        paginate_reversed: raw.paginate_reversed,
        insert_anchor_links: raw.insert_anchor_links,
        render: raw.render,
        redirect_to: raw.redirect_to,
        in_search_index: raw.in_search_index,
        transparent: raw.transparent,
        aliases: raw.aliases,
        generate_feeds: raw.generate_feeds,
        extra: extra_value(raw.extra),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/a.md")
    }

    #[test]
    fn splits_toml_with_line_numbers() {
        let s = split("+++\ntitle = \"A\"\n+++\nbody\n", p()).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.front_matter_line, 2);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn splits_yaml_and_crlf() {
        let s = split("---\r\ntitle: A\r\n---\r\nbody", p()).unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.body, "body");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        assert!(
            split("no front matter", p())
                .unwrap_err()
                .message
                .contains("no front matter")
        );
        assert!(
            split("+++\ntitle = 1\n", p())
                .unwrap_err()
                .message
                .contains("never closed")
        );
    }

    #[test]
    fn page_dates_parse_from_toml_and_strings() {
        let s = split(
            "+++\ndate = 2022-06-06\nupdated = \"2023-01-02T03:04:05Z\"\n+++\n",
            p(),
        )
        .unwrap();
        let m = parse_page(&s, p()).unwrap();
        assert_eq!(m.date.unwrap().text, "2022-06-06");
        assert_eq!(
            m.updated.unwrap().datetime.to_string(),
            "2023-01-02 03:04:05"
        );
    }

    #[test]
    fn bad_date_names_its_line() {
        let s = split("+++\ntitle = \"x\"\ndate = \"yesterday\"\n+++\n", p()).unwrap();
        let e = parse_page(&s, p()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("not a date"));
    }

    #[test]
    fn extra_dates_become_strings() {
        let s = split("+++\n[extra]\nreviewed = 2024-01-01\n+++\n", p()).unwrap();
        let m = parse_page(&s, p()).unwrap();
        assert_eq!(m.extra["reviewed"], "2024-01-01");
    }

    #[test]
    fn section_keys_parse() {
        let s = split(
            "+++\nsort_by = \"weight\"\npaginate_by = 5\ntransparent = true\n+++\n",
            p(),
        )
        .unwrap();
        let m = parse_section(&s, p()).unwrap();
        assert_eq!(m.sort_by, SortBy::Weight);
        assert_eq!(m.paginate_by, Some(5));
        assert!(m.transparent);
    }
}
