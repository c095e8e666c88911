//! Sass/SCSS compilation as Zola does it, with `grass`: every `.scss`/`.sass` file under the
//! theme's `sass/` (always) and the site's `sass/` (when `compile_sass = true`) that is not a
//! partial (`_name`) becomes `name.css` at the same relative path in the output, compressed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;

/// Compile the theme's and the site's Sass into `output`; every failing file is reported.
pub fn add(root: &Path, config: &Config, output: &mut Output) -> Result<(), Diagnostics> {
    let mut dirs = Vec::new();
    if let Some(theme) = &config.theme {
        dirs.push(root.join("themes").join(theme));
    }
    if config.compile_sass {
        dirs.push(root.to_path_buf());
    }
    let mut problems = Diagnostics::default();
    for base in dirs {
        let sass_dir = base.join("sass");
        if !sass_dir.is_dir() {
            continue;
        }
        let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
        for file in sources(&sass_dir) {
            let rel = file.strip_prefix(&sass_dir).unwrap_or(&file);
            let target = rel
                .with_extension("css")
                .to_string_lossy()
                .replace('\\', "/");
            let shown = crate::diagnostics::rel(root, &file);
            if let Some(other) = seen.insert(target.clone(), file.clone()) {
                problems.push(Diagnostic::error(
                    &shown,
                    format!(
                        "this file and {} both compile to {target}; rename one",
                        crate::diagnostics::rel(root, &other).display()
                    ),
                ));
                continue;
            }
            match compile(&file) {
                Ok(css) => output.insert_text(target, css, &file),
                Err(message) => problems.push(Diagnostic::error(&shown, message)),
            }
        }
    }
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok(())
    }
}

/// The CSS this build writes at `rel` (`main.css`) from Sass, if a Sass file makes it: for
/// `get_url(cachebust)` and `get_hash`, which run before the Sass step.
pub fn compiled(root: &Path, config: &Config, rel: &str) -> Option<String> {
    let stem = rel.strip_suffix(".css")?;
    let mut bases = Vec::new();
    if config.compile_sass {
        bases.push(root.to_path_buf());
    }
    if let Some(theme) = &config.theme {
        bases.push(root.join("themes").join(theme));
    }
    bases.iter().find_map(|base| {
        ["scss", "sass"].iter().find_map(|ext| {
            let file = base.join("sass").join(format!("{stem}.{ext}"));
            file.is_file().then(|| compile(&file).ok()).flatten()
        })
    })
}

fn compile(file: &Path) -> Result<String, String> {
    let options = grass::Options::default().style(grass::OutputStyle::Compressed);
    grass::from_path(file, &options).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("Error: ");
        format!(
            "Sass does not compile: {first}; fix the Sass ({})",
            text.replace('\n', " ")
        )
    })
}

fn is_partial(entry: &DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('_')
}

/// Every non-partial `.scss`/`.sass` file, in a stable order.
fn sources(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_partial(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "scss" || x == "sass"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_are_imported_not_compiled() {
        let dir = tempfile::tempdir().unwrap();
        let sass = dir.path().join("sass");
        std::fs::create_dir_all(sass.join("sub")).unwrap();
        std::fs::write(sass.join("_vars.scss"), "$c: #ff0000;").unwrap();
        std::fs::write(
            sass.join("site.scss"),
            "@import 'vars';\nbody { a { color: $c; } }",
        )
        .unwrap();
        std::fs::write(sass.join("sub/x.sass"), "p\n  margin: 0").unwrap();
        let files: Vec<String> = sources(&sass)
            .iter()
            .map(|p| p.strip_prefix(&sass).unwrap().display().to_string())
            .collect();
        assert_eq!(files, ["site.scss", "sub/x.sass"]);
        assert_eq!(
            compile(&sass.join("site.scss")).unwrap(),
            "body a{color:red}"
        );
    }

    #[test]
    fn a_sass_error_names_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("bad.scss");
        std::fs::write(&f, "body { color: $missing; }").unwrap();
        let e = compile(&f).unwrap_err();
        assert!(e.contains("Undefined variable"), "{e}");
    }
}
