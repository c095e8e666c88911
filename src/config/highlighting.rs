//! Giallo's built-in grammars and themes, loaded once, and the check of a
//! `[markdown.highlighting]` table against them (the Markdown stage highlights with the same
//! registry).

use std::sync::OnceLock;

use giallo::Registry;

use super::HighlightingConfig;

/// Giallo's built-in registry, loaded once per process (it is large).
pub fn registry() -> Result<&'static Registry, String> {
    static REGISTRY: OnceLock<Result<Registry, String>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let mut r = Registry::builtin().map_err(|e| e.to_string())?;
            r.link_grammars();
            Ok(r)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What is wrong with a `[markdown.highlighting]` table, if anything.
pub fn check(hl: &HighlightingConfig) -> Result<(), String> {
    if !hl.extra_grammars.is_empty() || !hl.extra_themes.is_empty() {
        return Err("`extra_grammars` and `extra_themes` are not supported by sprout yet; use one of giallo's built-in grammars and themes".into());
    }
    let registry = registry()?;
    let themes: Vec<&String> = match (&hl.theme, &hl.light_theme, &hl.dark_theme) {
        (Some(t), None, None) => vec![t],
        (None, Some(l), Some(d)) => vec![l, d],
        _ => return Err("set either `theme`, or both `light_theme` and `dark_theme`".into()),
    };
    match themes.iter().find(|t| !registry.contains_theme(t)) {
        Some(t) => Err(format!(
            "highlighting theme `{t}` does not exist in giallo's built-in themes"
        )),
        None => Ok(()),
    }
}
