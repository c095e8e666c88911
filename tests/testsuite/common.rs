//! Helpers shared by the test modules: where fixtures are, and copies a test may edit.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copy the tree `from` into `to`, leaving out top-level entries named in `skip`.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        if rel
            .components()
            .next()
            .is_some_and(|c| skip.iter().any(|s| c.as_os_str() == *s))
        {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A temporary copy of fixture `name`.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::Builder::new()
        .prefix("sprout-test-")
        .tempdir()
        .expect("temp dir");
    copy_dir(&fixture(name), tmp.path(), &[]);
    tmp
}
