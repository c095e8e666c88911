//! Static files: the theme's `static/` then the site's `static/` (the site's win) copied to
//! the output root, minus `ignored_static`.

use std::path::Path;

use crate::config::Config;
use crate::output::{Body, Output};

pub fn add(root: &Path, config: &Config, output: &mut Output) {
    let theme = config
        .theme
        .as_ref()
        .map(|t| Path::new("themes").join(t).join("static"));
    if let Some(theme) = &theme {
        add_dir(root, theme, config, output, None);
    }
    add_dir(root, Path::new("static"), config, output, theme.as_deref());
}

/// Copy `root/dir`; a file may replace one from `overrides` (the theme's `static/`), but two
/// files at one path from anywhere else are a collision that `Output` reports.
fn add_dir(
    root: &Path,
    dir: &Path,
    config: &Config,
    output: &mut Output,
    overrides: Option<&Path>,
) {
    for (path, rel) in crate::walk::files(&root.join(dir)) {
        if config.ignored_static.is_match(&rel) {
            continue;
        }
        let source = dir.join(&rel);
        let replaces_theme = overrides
            .zip(output.source_of(&rel))
            .is_some_and(|(theme, existing)| existing.starts_with(theme));
        if replaces_theme {
            output.replace(&rel, Body::File(path), source);
        } else {
            output.insert(&rel, Body::File(path), source);
        }
    }
}
