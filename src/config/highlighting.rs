//! Giallo's built-in grammars and themes, loaded once, and the check of a
//! `[markdown.highlighting]` table against them (the Markdown stage highlights with the same
//! registry).

use std::path::Path;
use std::sync::{Arc, OnceLock};

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

/// A site's own registry: the built-in one plus its `extra_grammars` and `extra_themes`.
#[derive(Clone)]
pub struct SiteRegistry(pub Arc<Registry>);

impl std::fmt::Debug for SiteRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SiteRegistry")
    }
}

impl HighlightingConfig {
    /// The registry code blocks are highlighted with: the site's when it adds grammars or
    /// themes, giallo's built-in one otherwise.
    pub fn registry(&self) -> Result<&Registry, String> {
        match &self.registry {
            Some(r) => Ok(&r.0),
            None => registry(),
        }
    }

    fn has_extras(&self) -> bool {
        !self.extra_grammars.is_empty() || !self.extra_themes.is_empty()
    }
}

/// What is wrong with a `[markdown.highlighting]` table, if anything. With `extra_grammars`
/// or `extra_themes` the themes are checked by [`load_extras`], which knows the site folder.
pub fn check(hl: &HighlightingConfig) -> Result<(), String> {
    if hl.has_extras() {
        return check_themes(hl, None);
    }
    check_themes(hl, Some(registry()?))
}

/// As Zola's `Highlighting::init` (components/config/src/config/markup.rs): the built-in
/// registry, plus each of `extra_grammars` and `extra_themes` (paths from the site folder),
/// then the theme names checked against the result.
pub fn load_extras(hl: &mut HighlightingConfig, root: &Path) -> Result<(), String> {
    if !hl.has_extras() {
        return Ok(());
    }
    let mut r = Registry::builtin().map_err(|e| e.to_string())?;
    for g in &hl.extra_grammars {
        r.add_grammar_from_path(root.join(g)).map_err(|e| {
            format!("cannot load extra grammar `{g}`: {e}; check the path (from the site folder)")
        })?;
    }
    for t in &hl.extra_themes {
        r.add_theme_from_path(root.join(t)).map_err(|e| {
            format!("cannot load extra theme `{t}`: {e}; check the path (from the site folder)")
        })?;
    }
    r.link_grammars();
    check_themes(hl, Some(&r))?;
    hl.registry = Some(SiteRegistry(Arc::new(r)));
    Ok(())
}

/// `theme`, or both `light_theme` and `dark_theme`, each in `registry` (when given).
fn check_themes(hl: &HighlightingConfig, registry: Option<&Registry>) -> Result<(), String> {
    let themes: Vec<&String> = match (&hl.theme, &hl.light_theme, &hl.dark_theme) {
        (Some(t), None, None) => vec![t],
        (None, Some(l), Some(d)) => vec![l, d],
        _ => return Err("set either `theme`, or both `light_theme` and `dark_theme`".into()),
    };
    let Some(registry) = registry else {
        return Ok(());
    };
    match themes.iter().find(|t| !registry.contains_theme(t)) {
        Some(t) => Err(format!(
            "highlighting theme `{t}` does not exist in giallo's built-in themes{}",
            if hl.has_extras() {
                " or `extra_themes`"
            } else {
                ""
            }
        )),
        None => Ok(()),
    }
}
