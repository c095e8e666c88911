//! The files under a folder, in a stable order, each with its path relative to the folder
//! written with `/` (the form used for output paths and template names).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// (absolute path, relative path) of every file under `dir`; nothing if `dir` is missing.
pub fn files(dir: &Path) -> impl Iterator<Item = (PathBuf, String)> + '_ {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(move |e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((e.into_path(), rel))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_nested_files_relative_and_sorted() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("b")).unwrap();
        std::fs::write(tmp.path().join("b/x.css"), "").unwrap();
        std::fs::write(tmp.path().join("a.js"), "").unwrap();
        let rels: Vec<String> = files(tmp.path()).map(|(_, r)| r).collect();
        assert_eq!(rels, vec!["a.js", "b/x.css"]);
        assert_eq!(files(&tmp.path().join("missing")).count(), 0);
    }
}
