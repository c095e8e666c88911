//! Static files: the theme's `static/` then the site's `static/` (the site's win) copied to
//! the output root, minus `ignored_static`.

use std::path::Path;

use walkdir::WalkDir;

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
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        if config.ignored_static.is_match(rel) {
            continue;
        }
        let key = rel.to_string_lossy().replace('\\', "/");
        output.insert(key, Body::File(entry.path().to_path_buf()));
    }
}
