//! Checking indicator data field by field; every problem names file, line and field.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::{
    Data, Directory, INDICATORS_FILE, Indicator, Layout, OBSERVATIONS_FILE, Observation, read_text,
};
use crate::config::locate::{Step, position};
use crate::config::strict::{Origin, from_toml};
use crate::content::{PageId, RenderedSite, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, line_col};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// The official text every `quote` must come from.
    source_text: String,
    #[serde(default = "default_path")]
    path: String,
    domains: Vec<String>,
    city: String,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    indicator: Vec<toml::Spanned<Indicator>>,
}

fn default_path() -> String {
    "indicators".into()
}

/// `data/indicators.toml` as read, before it is checked against the rendered plan.
pub struct Raw {
    text: String,
    file: File,
    pub layout: Layout,
}

impl Raw {
    /// Each target's id, name, domain and anchor, for templates.
    pub fn directory(&self) -> Directory {
        let entries = self
            .file
            .indicator
            .iter()
            .map(|s| {
                let i = s.get_ref();
                super::Target {
                    id: i.id.clone(),
                    domain: i.domain.clone(),
                    anchor: i.anchor.clone(),
                    name: i.name.clone(),
                }
            })
            .collect();
        Directory {
            layout: self.layout.clone(),
            entries,
        }
    }
}

/// Read and parse the file and check its top-level keys (the layout).
pub fn read_file(root: &Path) -> Result<Raw, Diagnostics> {
    let text = read_text(root, INDICATORS_FILE).map_err(|d| Diagnostics::from_iter([d]))?;
    let origin = Origin {
        file: Path::new(INDICATORS_FILE),
        first_line: 1,
    };
    let file: File = from_toml(&text, origin).map_err(|d| Diagnostics::from_iter([d]))?;
    let layout = Layout {
        path: file.path.clone(),
        domains: file.domains.clone(),
        city: file.city.clone(),
        references: file.references.clone(),
    };
    let problems = check_layout(&text, &layout);
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Raw { text, file, layout })
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The top-level keys: slugs, each named once, the city not among its references.
fn check_layout(text: &str, layout: &Layout) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let mut err = |key: &str, message: String| {
        let (l, c) = position(text, &[Step::Key(key)]).unwrap_or((1, 1));
        problems
            .push(Diagnostic::error(INDICATORS_FILE, format!("field `{key}`: {message}")).at(l, c));
    };
    if !layout.path.split('/').all(is_slug) {
        err(
            "path",
            format!(
                "`{}` is not a path of lower-case ASCII words, digits and hyphens separated by `/` (e.g. \"indicators\")",
                layout.path
            ),
        );
    }
    if layout.domains.is_empty() {
        err("domains", "list the plan's domains, in its order".into());
    }
    let mut seen = HashSet::new();
    for d in &layout.domains {
        if !is_slug(d) || !seen.insert(d.as_str()) {
            err(
                "domains",
                format!(
                    "`{d}` must be a lower-case slug (it becomes a page's URL) and appear once"
                ),
            );
        }
    }
    let mut areas = HashSet::new();
    for (i, a) in layout.areas().enumerate() {
        if !is_slug(a) || !areas.insert(a) {
            let key = if i == 0 { "city" } else { "references" };
            err(
                key,
                format!(
                    "`{a}` must be a lower-case slug and name one area once (the city is not one of its references)"
                ),
            );
        }
    }
    problems
}

pub fn load(raw: Raw, site: &Site, rendered: &RenderedSite) -> Result<Data, Diagnostics> {
    let mut problems = Diagnostics::default();
    let Raw { text, file, layout } = raw;
    let source = match read_text(site.root.as_path(), &file.source_text) {
        Ok(s) => s,
        Err(_) => {
            let (l, c) = line_col(&text, text.find("source_text").unwrap_or(0));
            problems.push(
                Diagnostic::error(INDICATORS_FILE, format!("field `source_text`: cannot read `{}`; point it at the plan's official text", file.source_text))
                    .at(l, c),
            );
            String::new()
        }
    };
    let anchors = plan_anchors(rendered);
    let mut seen = HashSet::new();
    let mut indicators = Vec::new();
    for spanned in file.indicator {
        let span = spanned.span();
        let ind = spanned.into_inner();
        let ctx = Entry { text: &text, span };
        let plan = Plan {
            site,
            rendered,
            source: &source,
            anchors: &anchors,
            layout: &layout,
        };
        check_indicator(&ind, &ctx, &plan, &mut seen, &mut problems);
        indicators.push(ind);
    }
    let by_id: HashMap<&str, &Indicator> = indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    let translations: Vec<String> = site
        .config
        .translation_langs()
        .iter()
        .map(|l| l.code.clone())
        .collect();
    let observations = load_observations(
        site.root.as_path(),
        &translations,
        &by_id,
        &layout,
        &mut problems,
    );
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Data {
        layout,
        plan_pages: plan_pages(site, rendered),
        indicators,
        observations,
    })
}

/// What an indicator is checked against.
struct Plan<'a> {
    site: &'a Site,
    rendered: &'a RenderedSite,
    /// The official text.
    source: &'a str,
    anchors: &'a HashSet<String>,
    layout: &'a Layout,
}

/// Every anchor id on the plan pages (any language), from the rendered Markdown.
fn plan_anchors(rendered: &RenderedSite) -> HashSet<String> {
    rendered
        .pages
        .iter()
        .flat_map(|r| r.ids().iter().cloned())
        .collect()
}

/// Where each anchor lives: the first default-language page that has it.
fn plan_pages(site: &Site, rendered: &RenderedSite) -> HashMap<String, PageId> {
    let mut map = HashMap::new();
    for (i, (p, r)) in site.pages.iter().zip(&rendered.pages).enumerate() {
        if p.file.lang == site.config.default_language {
            for id in r.ids() {
                map.entry(id.clone()).or_insert(i);
            }
        }
    }
    map
}

/// One `[[indicator]]` table in the file, for locating its fields.
struct Entry<'a> {
    text: &'a str,
    span: Range<usize>,
}

impl Entry<'_> {
    fn error(&self, id: &str, field: &str, message: String) -> Diagnostic {
        // The span may cover only the `[[indicator]]` header: the entry runs to the next one.
        let start = self.span.start.min(self.text.len());
        let end = self.text[start..]
            .find("\n[[")
            .map_or(self.text.len(), |i| start + i + 1)
            .max(self.span.end.min(self.text.len()));
        let entry = &self.text[start..end];
        let key = field.split('.').next().unwrap_or(field);
        let offset = entry
            .match_indices(key)
            .find(|(i, _)| *i == 0 || entry[..*i].ends_with('\n'))
            .map_or(0, |(i, _)| i);
        let (line, col) = line_col(self.text, start + offset);
        let who = if id.is_empty() {
            String::new()
        } else {
            format!(" of indicator `{id}`")
        };
        Diagnostic::error(INDICATORS_FILE, format!("field `{field}`{who}: {message}")).at(line, col)
    }
}

fn check_indicator(
    ind: &Indicator,
    e: &Entry,
    plan: &Plan,
    seen: &mut HashSet<String>,
    problems: &mut Diagnostics,
) {
    let Plan {
        site,
        rendered,
        source,
        anchors,
        layout,
    } = *plan;
    let id = ind.id.as_str();
    if !is_slug(id) {
        problems.push(e.error(
            id,
            "id",
            "use lower-case ASCII letters, digits and hyphens (it becomes the page's URL)".into(),
        ));
    } else if layout.domains.iter().any(|d| d == id) {
        problems.push(e.error(
            id,
            "id",
            "clashes with the domain page of the same name; choose another id".into(),
        ));
    } else if !seen.insert(id.to_string()) {
        problems.push(e.error(
            id,
            "id",
            "is used twice; every indicator needs its own id".into(),
        ));
    }
    if !layout.domains.contains(&ind.domain) {
        problems.push(e.error(
            id,
            "domain",
            format!(
                "`{}` is not a domain; use one of {} (the file's `domains`)",
                ind.domain,
                layout.domains.join(", ")
            ),
        ));
    }
    for lang in &site.config.languages {
        if ind.name.get(&lang.code).is_none_or(|n| n.trim().is_empty()) {
            problems.push(e.error(
                id,
                &format!("name.{}", lang.code),
                format!("the name in `{}` is missing; add it to `name`", lang.code),
            ));
        }
    }
    if !(0.0..=ind.unit.max()).contains(&ind.target) || !ind.target.is_finite() {
        problems.push(e.error(
            id,
            "target",
            format!(
                "{} is out of range for this unit (0 to {})",
                ind.target,
                ind.unit.max()
            ),
        ));
    }
    for (field, year) in [
        ("target_year", Some(ind.target_year)),
        ("baseline_year", ind.baseline_year),
    ] {
        if let Some(y) = year.filter(|y| !(2000..=2100).contains(y)) {
            problems.push(e.error(id, field, format!("{y} is outside 2000–2100")));
        }
    }
    if ind.direction == super::Direction::ReduceBy && ind.baseline_year.is_none() {
        problems.push(e.error(
            id,
            "baseline_year",
            "a `reduce_by` target needs the year it is measured from".into(),
        ));
    }
    if ind.quote.trim().is_empty() || !source.contains(&ind.quote) {
        problems.push(e.error(
            id,
            "quote",
            "this text does not occur in the plan's official text; copy the words exactly".into(),
        ));
    } else if !numbers_in(&ind.quote)
        .iter()
        .any(|n| (n - ind.target).abs() < 1e-9)
    {
        problems.push(e.error(
            id,
            "target",
            format!(
                "{} does not occur in the quote; the target must be a number the plan states",
                ind.target
            ),
        ));
    }
    check_translated_quotes(ind, e, site, rendered, problems);
    if !anchors.contains(&ind.anchor) {
        problems.push(e.error(
            id,
            "anchor",
            format!(
                "`{}` is not an anchor on the plan pages (e.g. health-goal-3)",
                ind.anchor
            ),
        ));
    }
}

/// `quotes`: every translation of the plan has the quote, copied from its page that holds the
/// anchor, and stating the target.
fn check_translated_quotes(
    ind: &Indicator,
    e: &Entry,
    site: &Site,
    rendered: &RenderedSite,
    problems: &mut Diagnostics,
) {
    let id = ind.id.as_str();
    for lang in site.config.translation_langs() {
        let field = format!("quotes.{}", lang.code);
        let Some(quote) = ind.quotes.get(&lang.code).filter(|q| !q.trim().is_empty()) else {
            problems.push(e.error(
                id,
                &field,
                format!("the plan's words in `{}` are missing; copy them from that language's plan page", lang.code),
            ));
            continue;
        };
        let pages: Vec<_> = site
            .pages
            .iter()
            .zip(&rendered.pages)
            .filter(|(p, r)| p.file.lang == lang.code && r.ids().contains(&ind.anchor))
            .map(|(p, _)| p)
            .collect();
        if !pages.is_empty() && !pages.iter().any(|p| p.body.text().contains(quote.as_str())) {
            let file = format!("content/{}", pages[0].file.relative);
            problems.push(e.error(
                id,
                &field,
                format!(
                    "this text does not occur in {file}, where `{}` is; copy the words exactly",
                    ind.anchor
                ),
            ));
        } else if !numbers_in(quote)
            .iter()
            .any(|n| (n - ind.target).abs() < 1e-9)
        {
            problems.push(e.error(
                id,
                &field,
                format!(
                    "{} does not occur in this text; quote the words that state the target",
                    ind.target
                ),
            ));
        }
    }
    for code in ind.quotes.keys() {
        if site
            .config
            .translation_langs()
            .iter()
            .all(|l| &l.code != code)
        {
            problems.push(e.error(
                id,
                &format!("quotes.{code}"),
                format!("`{code}` is not a translation language of the site (see `languages` in config.toml)"),
            ));
        }
    }
}

/// Numbers in a quote: digits (3.0, 1.12, 93), the numerals 一 to 十, and the English words one
/// to ten.
pub fn numbers_in(text: &str) -> Vec<f64> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\d+(?:\.\d+)?").expect("static regex"));
    let mut v: Vec<f64> = re
        .find_iter(text)
        .filter_map(|m| m.as_str().parse().ok())
        .collect();
    for (i, c) in "一二三四五六七八九十".chars().enumerate() {
        if text.contains(c) {
            v.push((i + 1) as f64);
        }
    }
    const WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    for word in text
        .split(|c: char| !c.is_ascii_alphabetic())
        .map(str::to_ascii_lowercase)
    {
        if let Some(i) = WORDS.iter().position(|w| *w == word) {
            v.push((i + 1) as f64);
        }
    }
    v
}

const HEADER: [&str; 6] = ["indicator", "year", "area", "value", "source", "note"];

fn load_observations(
    root: &Path,
    translations: &[String],
    by_id: &HashMap<&str, &Indicator>,
    layout: &Layout,
    problems: &mut Diagnostics,
) -> Vec<Observation> {
    if !root.join(OBSERVATIONS_FILE).exists() {
        return Vec::new();
    }
    let text = match read_text(root, OBSERVATIONS_FILE) {
        Ok(t) => t,
        Err(d) => {
            problems.push(d);
            return Vec::new();
        }
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let wanted: Vec<String> = HEADER
        .iter()
        .map(|h| h.to_string())
        .chain(translations.iter().map(|code| format!("source_{code}")))
        .collect();
    match reader.headers() {
        Ok(h) if h.iter().eq(wanted.iter()) => {}
        _ => {
            problems.push(
                Diagnostic::error(
                    OBSERVATIONS_FILE,
                    format!(
                        "the first line must be `{}` (a `source_<language>` column gives the source in each translation)",
                        wanted.join(",")
                    ),
                )
                .at(1, 1),
            );
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    let mut keys = HashSet::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(
                    Diagnostic::error(
                        OBSERVATIONS_FILE,
                        format!(
                            "this row is not valid CSV ({e}); quote fields that contain commas"
                        ),
                    )
                    .at(line, 0),
                );
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let field = |name: &str| {
            wanted
                .iter()
                .position(|h| h == name)
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let err = |f: &str, m: String| {
            Diagnostic::error(OBSERVATIONS_FILE, format!("field `{f}`: {m}")).at(line, 0)
        };
        let id = field("indicator");
        let Some(ind) = by_id.get(id.as_str()) else {
            problems.push(err(
                "indicator",
                format!("`{id}` is not an id in {INDICATORS_FILE}"),
            ));
            continue;
        };
        let year = match field("year").parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            Ok(y) => {
                problems.push(err("year", format!("{y} is outside 2000–2100")));
                continue;
            }
            Err(_) => {
                problems.push(err(
                    "year",
                    format!("`{}` is not a year; write it as 2023", field("year")),
                ));
                continue;
            }
        };
        let area = field("area");
        if !layout.areas().any(|a| a == area) {
            let areas: Vec<&str> = layout.areas().collect();
            problems.push(err(
                "area",
                format!(
                    "`{area}` is not an area; use one of {} (`city` and `references` in {INDICATORS_FILE})",
                    areas.join(", ")
                ),
            ));
        }
        let value = match field("value").parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && v <= ind.unit.max() => v,
            Ok(v) => {
                problems.push(err(
                    "value",
                    format!(
                        "{v} is out of range for {} (0 to {})",
                        ind.id,
                        ind.unit.max()
                    ),
                ));
                continue;
            }
            Err(_) => {
                problems.push(err(
                    "value",
                    format!(
                        "`{}` is not a number; write digits only, without % or ‰",
                        field("value")
                    ),
                ));
                continue;
            }
        };
        let mut sources = BTreeMap::new();
        for column in std::iter::once("source".to_string())
            .chain(translations.iter().map(|code| format!("source_{code}")))
        {
            let text = field(&column);
            if text.is_empty() {
                problems.push(err(
                    &column,
                    "every figure needs its source (publisher and document), in each language"
                        .into(),
                ));
            } else if let Some(code) = column.strip_prefix("source_") {
                sources.insert(code.to_string(), text);
            }
        }
        if !keys.insert((id.clone(), year, area.clone())) {
            problems.push(err(
                "indicator",
                format!("{id} already has a {area} figure for {year}; keep one row"),
            ));
        }
        out.push(Observation {
            indicator: id,
            year,
            area,
            value,
            source: field("source"),
            sources,
            note: field("note"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_quotes() {
        assert_eq!(numbers_in("降至3.0‰、5.0‰和6.0‰以下"), vec![3.0, 5.0, 6.0]);
        assert!(numbers_in("至少配备一名").contains(&1.0));
        assert!(!numbers_in("达到93%以上").contains(&3.0));
        assert!(numbers_in("at least one full-time child social worker").contains(&1.0));
        assert!(!numbers_in("someone, anyone").contains(&1.0));
    }

    fn layout(path: &str, domains: &[&str], city: &str, references: &[&str]) -> Layout {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Layout {
            path: path.into(),
            domains: owned(domains),
            city: city.into(),
            references: owned(references),
        }
    }

    /// (line, message) of each problem.
    fn problems(text: &str, layout: &Layout) -> Vec<(usize, String)> {
        check_layout(text, layout)
            .items()
            .iter()
            .map(|d| (d.line, d.message.clone()))
            .collect()
    }

    #[test]
    fn the_layout_keys_are_slugs_each_named_once_at_their_line() {
        let text = "source_text = \"x\"\npath = \"Targets 2030\"\ndomains = [\"health\", \"health\"]\ncity = \"bayannur\"\nreferences = [\"national\", \"bayannur\"]\n";
        let found = problems(
            text,
            &layout(
                "Targets 2030",
                &["health", "health"],
                "bayannur",
                &["national", "bayannur"],
            ),
        );
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 3, 5], "{found:?}");
        assert!(found[0].1.starts_with("field `path`"), "{found:?}");
        assert!(found[2].1.contains("the city is not one of its references"));
        assert!(
            problems(
                text,
                &layout("a/b-2", &["health"], "bayannur", &["national"])
            )
            .is_empty()
        );
        let none = problems("domains = []\n", &layout("indicators", &[], "c", &[]));
        assert_eq!(none.len(), 1);
        assert!(none[0].1.contains("list the plan's domains"));
    }
}
