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
    /// Same page in other languages, for the sitemap: (language tag, permalink).
    pub alternates: Vec<(String, String)>,
}

/// The `alternates` value for a virtual page's `page` object.
pub fn virtual_alternates(site: &Site, per_lang: &[(String, String, Option<String>)]) -> Value {
    Value::Array(
        per_lang
            .iter()
            .map(|(lang, permalink, title)| {
                let tag = site.config.language(lang).map_or(lang.clone(), |l| l.language_tag.clone());
                json!({"lang": lang, "language_tag": tag, "permalink": permalink, "title": title, "exact": true})
            })
            .collect(),
    )
}
