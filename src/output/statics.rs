//! Static files: the theme's `static/` then the site's `static/` (the site's win) copied to
//! the output root, minus `ignored_static`.

use std::path::Path;

use crate::config::Config;
use crate::output::{Body, Output};

pub fn add(root: &Path, config: &Config, output: &mut Output) {
    if let Some(theme) = &config.theme {
        add_dir(
            &root.join("themes").join(theme).join("static"),
            config,
            output,
        );
    }
    add_dir(&root.join("static"), config, output);
}

fn add_dir(dir: &Path, config: &Config, output: &mut Output) {
    for (path, rel) in crate::walk::files(dir) {
        if !config.ignored_static.is_match(&rel) {
            output.insert(rel, Body::File(path));
        }
    }
}
