//! Indicator pages without Markdown: a dashboard, one page per domain and per indicator in
//! every language, rendered through the theme's `indicators/*.html` templates, plus the data
//! downloads (`indicators.json`, one CSV per indicator).

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::chart::{self, Chart, Series};
use super::status::{goal_value, status};
use super::{Data, Indicator, Observation};
use crate::content::{ItemRef, Site};
use crate::content::{Version, VirtualPage, virtual_alternates};
use crate::output::{Body, Output};

/// Translated interface text for one language, from config `[translations]` (the keys are
/// checked when the data is loaded).
struct Text<'a> {
    map: &'a std::collections::BTreeMap<String, String>,
}

impl Text<'_> {
    fn get(&self, key: &str) -> String {
        self.map
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn fill(&self, key: &str, vars: &[(&str, &str)]) -> String {
        vars.iter()
            .fold(self.get(key), |s, (k, v)| s.replace(&format!("{{{k}}}"), v))
    }
}

/// The number as the plan's quote writes it (`3.0‰` stays `3.0`).
fn display(ind: &Indicator) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"\d+(?:\.\d+)?").expect("static regex"));
    re.find_iter(&ind.quote)
        .map(|m| m.as_str().to_string())
        .find(|s| {
            s.parse::<f64>()
                .is_ok_and(|v| (v - ind.target).abs() < 1e-9)
        })
        .unwrap_or_else(|| chart::number(ind.target))
}

struct Ctx<'a> {
    site: &'a Site,
    data: &'a Data,
    lang: &'a str,
    text: Text<'a>,
}

impl Ctx<'_> {
    fn url(&self, rest: &str) -> String {
        let path = self
            .data
            .layout
            .page_path(&self.site.config, self.lang, rest);
        self.site.config.permalink(&path)
    }

    fn plan_link(&self, anchor: &str) -> (Option<String>, Option<String>) {
        let Some(pid) = self.data.plan_pages.get(anchor) else {
            return (None, None);
        };
        let item = self
            .site
            .translation_in(ItemRef::Page(*pid), self.lang)
            .unwrap_or(ItemRef::Page(*pid));
        (
            Some(format!("{}#{anchor}", self.site.permalink_of(item))),
            self.site.title_of(item).map(str::to_string),
        )
    }

    /// On a translation's page, the official words beside the translated quote, with the
    /// official language's tag.
    fn original_quote(&self, ind: &Indicator) -> Value {
        let official = self.site.config.default_lang();
        if self.lang == official.code {
            return Value::Null;
        }
        json!({ "text": ind.quote, "lang": official.language_tag })
    }

    fn area(&self, area: &str) -> String {
        self.text.get(&format!("area-{area}"))
    }

    fn obs_value(&self, o: &Observation, ind: &Indicator) -> Value {
        json!({
            "year": o.year, "area": o.area, "area_name": self.area(&o.area),
            "value": o.value, "display": format!("{}{}", chart::number(o.value), ind.unit.symbol()),
            "source": o.sources.get(self.lang).unwrap_or(&o.source), "note": o.note,
        })
    }

    fn chart(&self, ind: &Indicator, obs: &[&Observation]) -> String {
        let unit = ind.unit.symbol();
        let target = format!("{}{unit}", display(ind));
        let mut series: Vec<Series> = Vec::new();
        let city = self.data.layout.city.as_str();
        for area in self.data.layout.areas() {
            let points: Vec<(i32, f64)> = obs
                .iter()
                .filter(|o| o.area == area)
                .map(|o| (o.year, o.value))
                .collect();
            // The legend always names the city, saying so when it has no figure yet, and marks
            // the other areas as references.
            let key = match (area == city, points.is_empty()) {
                (true, true) => "chart-legend-missing",
                (true, false) => "chart-legend-city",
                (false, true) => continue,
                (false, false) => "chart-legend-reference",
            };
            // Optional texts: a site without them shows the area's name.
            let pattern = self.text.map.get(key).map_or("{area}", String::as_str);
            series.push(Series {
                label: pattern.replace("{area}", &self.area(area)),
                points,
            });
        }
        let mut parts: Vec<String> = Vec::new();
        for o in obs {
            let value = format!("{}{unit}", chart::number(o.value));
            parts.push(self.text.fill(
                "chart-point",
                &[
                    ("area", &self.area(&o.area)),
                    ("year", &o.year.to_string()),
                    ("value", &value),
                ],
            ));
        }
        if parts.is_empty() {
            parts.push(self.text.get("chart-empty"));
        }
        let direction = self.text.get(&format!("direction-{}", direction_key(ind)));
        let year = ind.target_year.to_string();
        parts.push(self.text.fill(
            "chart-target",
            &[
                ("year", &year),
                ("direction", &direction),
                ("value", &target),
            ],
        ));
        let name = ind.name.get(self.lang).cloned().unwrap_or_default();
        let c = Chart {
            description: format!(
                "{name}. {}",
                parts.join(self.text.get("list-separator").as_str())
            ),
            title: name,
            unit: unit.to_string(),
            target: ind.target,
            target_year: ind.target_year,
            target_label: self.text.fill("chart-target-label", &[("value", &target)]),
            target_value: target.clone(),
            series,
            empty_label: self.text.get("chart-empty"),
        };
        chart::svg(&c, &format!("chart-{}", ind.id))
    }

    fn indicator(&self, ind: &Indicator) -> Value {
        let mut obs: Vec<&Observation> = self.data.observations_of(&ind.id).collect();
        obs.sort_by(|a, b| (a.year, &a.area).cmp(&(b.year, &b.area)));
        let layout = &self.data.layout;
        let city: Vec<(i32, f64)> = obs
            .iter()
            .filter(|o| o.area == layout.city)
            .map(|o| (o.year, o.value))
            .collect();
        let latest = |area: &str| {
            obs.iter()
                .rev()
                .find(|o| o.area == area)
                .map(|o| self.obs_value(o, ind))
        };
        let (plan_url, plan_title) = self.plan_link(&ind.anchor);
        json!({
            "id": ind.id, "domain": ind.domain,
            "domain_name": self.text.get(&format!("domain-{}", ind.domain)),
            "name": ind.name.get(self.lang), "names": ind.name,
            "unit": ind.unit, "unit_symbol": ind.unit.symbol(),
            "direction": direction_key(ind),
            "target": ind.target, "target_display": display(ind),
            "target_year": ind.target_year, "baseline_year": ind.baseline_year,
            "goal_value": goal_value(ind, &city),
            "quote": ind.quotes.get(self.lang).unwrap_or(&ind.quote),
            "quote_original": self.original_quote(ind),
            "anchor": ind.anchor,
            "plan_url": plan_url, "plan_title": plan_title,
            "url": self.url(&format!("{}/", ind.id)),
            "csv_url": self.site.config.permalink(&format!("/{}/{}.csv", layout.path, ind.id)),
            "observations": obs.iter().map(|o| self.obs_value(o, ind)).collect::<Vec<_>>(),
            "latest_city": latest(&layout.city),
            "latest": layout.areas().map(|a| (a.to_string(), latest(a).unwrap_or(Value::Null))).collect::<Map<String, Value>>(),
            "status": status(ind, &city),
            "chart": self.chart(ind, &obs),
        })
    }
}

fn direction_key(ind: &Indicator) -> &'static str {
    match ind.direction {
        super::Direction::AtLeast => "at_least",
        super::Direction::AtMost => "at_most",
        super::Direction::ReduceBy => "reduce_by",
    }
}

/// Every generated page, in every language.
pub fn pages(site: &Site, data: &Data) -> Vec<VirtualPage> {
    if data.indicators.is_empty() {
        return Vec::new();
    }
    // Each language on its own thread; the pages keep the languages' order.
    let per_language: Vec<Vec<VirtualPage>> = site
        .config
        .languages
        .par_iter()
        .map(|lang| {
            let ctx = Ctx {
                site,
                data,
                lang: &lang.code,
                text: Text {
                    map: &lang.translations,
                },
            };
            language_pages(&ctx)
        })
        .collect();
    per_language.into_iter().flatten().collect()
}

fn language_pages(ctx: &Ctx) -> Vec<VirtualPage> {
    let site = ctx.site;
    let all: Vec<Value> = ctx
        .data
        .indicators
        .iter()
        .map(|i| ctx.indicator(i))
        .collect();
    let domains: Vec<Value> = ctx
        .data
        .layout
        .domains
        .iter()
        .filter(|d| ctx.data.indicators.iter().any(|i| &i.domain == *d))
        .map(|d| {
            let list: Vec<Value> = all.iter().filter(|v| v["domain"] == d.as_str()).cloned().collect();
            json!({"key": d, "name": ctx.text.get(&format!("domain-{d}")), "url": ctx.url(&format!("{d}/")), "indicators": list})
        })
        .collect();
    let dir = &ctx.data.layout.path;
    let downloads = json!({
        "json_url": site.config.permalink(&format!("/{dir}/indicators.json")),
        "observations_url": site.config.permalink(&format!("/{dir}/observations.csv")),
    });
    let home = site.index_section(ctx.lang).map(|s| {
        (
            site.sections[s].meta.title.clone(),
            site.sections[s].permalink.clone(),
        )
    });
    let dashboard_title = ctx.text.get("indicators-title");
    let mut crumbs = vec![
        json!({"title": home.as_ref().and_then(|h| h.0.clone()), "permalink": home.as_ref().map(|h| &h.1)}),
    ];
    let mut pages = Vec::new();
    // Every page gets the downloads; only the dashboard gets `domains` and `indicators` (every
    // target, in full): a copy of them on each of the other pages was most of this step's time
    // and memory, for templates that show one domain or one target.
    let mut common = Map::new();
    common.insert("downloads".into(), downloads);
    let mut dash = common.clone();
    dash.insert("domains".into(), Value::Array(domains.clone()));
    dash.insert("indicators".into(), Value::Array(all.clone()));
    pages.push(virtual_page(
        ctx,
        "",
        "indicators/index.html",
        &dashboard_title,
        &ctx.text.get("indicators-description"),
        &crumbs,
        dash,
    ));
    crumbs.push(json!({"title": dashboard_title, "permalink": ctx.url("")}));
    for d in &domains {
        let key = d["key"].as_str().unwrap_or_default();
        let mut vars = common.clone();
        vars.insert("domain".into(), d.clone());
        let title = d["name"].as_str().unwrap_or_default();
        pages.push(virtual_page(
            ctx,
            &format!("{key}/"),
            "indicators/domain.html",
            title,
            &ctx.text.get("indicators-description"),
            &crumbs,
            vars,
        ));
    }
    for v in &all {
        let key = v["domain"].as_str().unwrap_or_default();
        let d = domains
            .iter()
            .find(|d| d["key"] == key)
            .cloned()
            .unwrap_or(Value::Null);
        let mut c = crumbs.clone();
        c.push(json!({"title": d["name"], "permalink": d["url"]}));
        let mut vars = common.clone();
        vars.insert("indicator".into(), v.clone());
        vars.insert("domain".into(), d);
        let id = v["id"].as_str().unwrap_or_default();
        let title = v["name"].as_str().unwrap_or_default();
        let description = format!(
            "{} · {}",
            v["domain_name"].as_str().unwrap_or_default(),
            title
        );
        pages.push(virtual_page(
            ctx,
            &format!("{id}/"),
            "indicators/indicator.html",
            title,
            &description,
            &c,
            vars,
        ));
    }
    pages
}

fn virtual_page(
    ctx: &Ctx,
    rest: &str,
    template: &str,
    title: &str,
    description: &str,
    crumbs: &[Value],
    vars: Map<String, Value>,
) -> VirtualPage {
    let site = ctx.site;
    let layout = &ctx.data.layout;
    let path = layout.page_path(&site.config, ctx.lang, rest);
    let versions: Vec<Version> = site
        .config
        .languages
        .iter()
        .map(|l| {
            Version::new(
                site,
                &l.code,
                &layout.page_path(&site.config, &l.code, rest),
            )
        })
        .collect();
    let alternates = virtual_alternates(&versions);
    let page = json!({
        "title": title, "description": description,
        "permalink": site.config.permalink(&path), "path": path, "lang": ctx.lang,
        "translations": alternates, "alternates": alternates,
        "extra": {}, "toc": [], "content": "", "crumbs": crumbs,
        "generated": true,
    });
    VirtualPage {
        lang: ctx.lang.to_string(),
        path,
        template: template.to_string(),
        page,
        context: vars,
        updated: None,
        versions,
    }
}

/// `indicators.json`, `observations.csv` and one CSV per indicator.
pub fn downloads(site: &Site, data: &Data, output: &mut Output) {
    if data.indicators.is_empty() {
        return;
    }
    let list: Vec<Value> = data
        .indicators
        .iter()
        .map(|i| {
            let mut v = serde_json::to_value(i).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                let obs: Vec<&Observation> = data.observations_of(&i.id).collect();
                m.insert("observations".into(), json!(obs));
                m.insert(
                    "plan_anchor_url".into(),
                    json!(
                        data.plan_pages
                            .get(&i.anchor)
                            .map(|p| format!("{}#{}", site.pages[*p].permalink, i.anchor))
                    ),
                );
            }
            v
        })
        .collect();
    let doc = json!({
        "title": site.config.default_lang().title,
        "source": "data/indicators.toml, data/observations.csv",
        "note": "Targets are quoted from the plan; figures are published statistics with their sources. No city figure is included unless one has been published.",
        "indicators": list,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    let dir = &data.layout.path;
    output.insert(
        format!("{dir}/indicators.json"),
        Body::Bytes(text.into_bytes()),
        super::INDICATORS_FILE,
    );
    output.insert(
        format!("{dir}/observations.csv"),
        Body::Bytes(csv_rows(data.observations.iter())),
        super::OBSERVATIONS_FILE,
    );
    for i in &data.indicators {
        output.insert(
            format!("{dir}/{}.csv", i.id),
            Body::Bytes(csv_rows(data.observations_of(&i.id))),
            super::OBSERVATIONS_FILE,
        );
    }
}

/// The rows as data/observations.csv has them, with a `source_<language>` column per translation.
fn csv_rows<'a>(rows: impl Iterator<Item = &'a Observation> + Clone) -> Vec<u8> {
    let codes: BTreeSet<&str> = rows
        .clone()
        .flat_map(|o| o.sources.keys().map(String::as_str))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["indicator", "year", "area", "value", "source", "note"]
        .into_iter()
        .map(str::to_string)
        .chain(codes.iter().map(|c| format!("source_{c}")));
    let _ = w.write_record(header);
    for o in rows {
        let fixed = [
            o.indicator.clone(),
            o.year.to_string(),
            o.area.clone(),
            chart::number(o.value),
            o.source.clone(),
            o.note.clone(),
        ];
        let translated = codes
            .iter()
            .map(|c| o.sources.get(*c).cloned().unwrap_or_default());
        let _ = w.write_record(fixed.into_iter().chain(translated));
    }
    w.into_inner().unwrap_or_default()
}
