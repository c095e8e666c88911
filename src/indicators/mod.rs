//! The plan's numeric targets as data: `data/indicators.toml` (one entry per target) and
//! `data/observations.csv` (yearly figures), loaded and checked so that bad data never
//! publishes. `chart` draws a series, `status` judges progress, `pages` makes the site's pages.

pub mod chart;
mod pages;
pub mod status;
mod validate;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::content::{RenderedSite, Site};
use crate::diagnostics::Diagnostics;
pub use pages::{downloads, pages};
pub use validate::{Raw, read_file};

pub const INDICATORS_FILE: &str = "data/indicators.toml";
pub const OBSERVATIONS_FILE: &str = "data/observations.csv";

/// Unit of a target; decides the allowed range of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    PerMille,
    #[serde(rename = "per_1000_children")]
    Per1000Children,
    HoursPerDay,
    Count,
}

impl Unit {
    /// Symbol printed after a number (`%`, `‰`) or empty.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::PerMille => "‰",
            _ => "",
        }
    }

    /// The largest value that makes sense (a rate above 100% is a typo).
    pub fn max(self) -> f64 {
        match self {
            Unit::Percent => 100.0,
            Unit::PerMille => 1000.0,
            Unit::HoursPerDay => 24.0,
            Unit::Per1000Children => 1000.0,
            Unit::Count => f64::MAX,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AtLeast,
    AtMost,
    ReduceBy,
}

/// Where the indicator pages go and what the data may name: the top-level keys of
/// `data/indicators.toml`, so that nothing about one plan or one city is in the generator.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Layout {
    /// Path of the dashboard under each language's prefix (`indicators` → `/en/indicators/`).
    pub path: String,
    /// The plan's domains, in its order; each has a page and a `domain-<key>` text.
    pub domains: Vec<String>,
    /// The area the plan is for: its figures are judged against the targets.
    pub city: String,
    /// Other areas whose published figures are shown beside the city's, for reference.
    pub references: Vec<String>,
}

impl Layout {
    /// Every area an observation may describe: the city first, then the references.
    pub fn areas(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.city.as_str()).chain(self.references.iter().map(String::as_str))
    }

    /// The site path of a page under the dashboard (`rest` is `""`, `"health/"`, …) in `lang`.
    pub fn page_path(&self, config: &crate::config::Config, lang: &str, rest: &str) -> String {
        format!("{}{}/{rest}", config.lang_prefix(lang), self.path)
    }
}

/// What templates may ask about the indicators while the plan's Markdown renders (before the
/// data is checked against the rendered plan): each target's id, name, domain and plan anchor.
/// A build only publishes after the whole data has been checked.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub layout: Layout,
    pub entries: Vec<Target>,
}

/// One target as `get_indicators` lists it.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    pub domain: String,
    pub anchor: String,
    pub name: BTreeMap<String, String>,
}

/// One numeric target of the plan.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub domain: String,
    pub unit: Unit,
    pub direction: Direction,
    pub target: f64,
    pub target_year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_year: Option<i32>,
    /// The plan's own words stating the target, from the official text.
    pub quote: String,
    /// The same words in each translation of the plan, by language code, copied from that
    /// language's plan page.
    #[serde(default)]
    pub quotes: BTreeMap<String, String>,
    pub anchor: String,
    /// Name per language code.
    pub name: BTreeMap<String, String>,
}

/// One published figure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Observation {
    pub indicator: String,
    pub year: i32,
    pub area: String,
    pub value: f64,
    /// The source in the official language.
    pub source: String,
    /// The source in each translation, by language code (`source_en` in the file).
    pub sources: BTreeMap<String, String>,
    pub note: String,
}

/// The checked data, plus where each target's plan clause is.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub layout: Layout,
    /// Plan anchor → the default-language page that has it.
    pub plan_pages: std::collections::HashMap<String, crate::content::PageId>,
    pub indicators: Vec<Indicator>,
    pub observations: Vec<Observation>,
}

impl Data {
    pub fn observations_of<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Observation> + Clone + 'a {
        self.observations.iter().filter(move |o| o.indicator == id)
    }
}

/// Interface texts the generated pages need from `[translations]`, per language.
const TEXT_KEYS: &[&str] = &[
    "indicators-title",
    "indicators-description",
    "chart-point",
    "chart-target",
    "chart-target-label",
    "chart-empty",
    "list-separator",
    "direction-at_least",
    "direction-at_most",
    "direction-reduce_by",
];

/// Read `data/indicators.toml` (a site without it has no indicators): enough for templates to
/// link targets while the Markdown renders. [`load`] checks it fully afterwards.
pub fn read(root: &Path) -> Result<Option<Raw>, Diagnostics> {
    if !root.join(INDICATORS_FILE).exists() {
        return Ok(None);
    }
    read_file(root).map(Some)
}

/// Check the indicator data against the rendered plan and load the figures.
pub fn load(raw: Option<Raw>, site: &Site, rendered: &RenderedSite) -> Result<Data, Diagnostics> {
    let Some(raw) = raw else {
        return Ok(Data::default());
    };
    let mut problems = missing_texts(site, &raw.layout);
    match validate::load(raw, site, rendered) {
        Ok(data) if !problems.has_errors() => Ok(data),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more.sorted());
            Err(problems)
        }
    }
}

fn missing_texts(site: &Site, layout: &Layout) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for lang in &site.config.languages {
        let domains = layout.domains.iter().map(|d| format!("domain-{d}"));
        let areas = layout.areas().map(|a| format!("area-{a}"));
        let keys = TEXT_KEYS
            .iter()
            .map(|k| k.to_string())
            .chain(domains)
            .chain(areas);
        for key in keys {
            if !lang.translations.contains_key(&key) {
                let table = if lang.code == site.config.default_language {
                    "[translations]".to_string()
                } else {
                    format!("[languages.{}.translations]", lang.code)
                };
                problems.push(crate::diagnostics::Diagnostic::error(
                    "config.toml",
                    format!("translation `{key}` is missing for `{}`; the indicator pages need it in {table}", lang.code),
                ));
            }
        }
    }
    problems
}

/// Read a data file, naming it on failure.
fn read_text(root: &Path, rel: &str) -> Result<String, crate::diagnostics::Diagnostic> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| {
        crate::diagnostics::Diagnostic::error(rel, format!("cannot read this file ({e})"))
    })
}
