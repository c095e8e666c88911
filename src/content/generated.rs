//! Pages made from data rather than from a Markdown file (the indicator pages): what a
//! generator hands to the renderer.

use serde_json::{Map, Value, json};

use super::Site;

/// A page that has no Markdown file: made from data and rendered through a theme template.
#[derive(Debug, Clone)]
pub struct VirtualPage {
    pub lang: String,
    /// Site path, e.g. `/en/indicators/neonatal-mortality/`.
    pub path: String,
    pub template: String,
    /// What the template sees as `page` (title, permalink, path, lang, alternates, ...).
    pub page: Value,
    /// Further template variables.
    pub context: Map<String, Value>,
    pub updated: Option<String>,
    /// The page in every language (itself included), for the sitemap.
    pub versions: Vec<Version>,
}

/// One language's version of a generated page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Version {
    pub lang: String,
    pub language_tag: String,
    pub permalink: String,
}

impl Version {
    /// The version of a page at `path` (a site path) in language `lang`.
    pub fn new(site: &Site, lang: &str, path: &str) -> Version {
        Version {
            lang: lang.to_string(),
            language_tag: site
                .config
                .language(lang)
                .map_or(lang.to_string(), |l| l.language_tag.clone()),
            permalink: site.config.permalink(path),
        }
    }
}

/// The `alternates` value for a generated page's `page` object (as Zola's, all exact).
pub fn virtual_alternates(versions: &[Version]) -> Value {
    Value::Array(
        versions
            .iter()
            .map(|v| {
                json!({"lang": v.lang, "language_tag": v.language_tag, "permalink": v.permalink, "title": null, "exact": true})
            })
            .collect(),
    )
}
