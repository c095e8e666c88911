//! Helpers shared by the test modules: where fixtures are, and copies a test may edit.
#![allow(dead_code)]

use sprout::diagnostics::BuildFailed;
use sprout::output::Staging;
use sprout::pipeline::{BuildOptions, Built, finish_into, prepare};
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

/// A build made as `sprout build` makes it: each page written into a staging folder beside the
/// output folder as soon as it is rendered; `write` adds the rest and swaps the folder in.
pub struct Streamed {
    pub built: Built,
    staging: Staging,
}

impl Streamed {
    pub fn write(self) -> anyhow::Result<()> {
        let Streamed { built, staging } = self;
        built.output.write_atomic(&built.output_dir, Some(staging))
    }
}

pub fn build_into(opts: &BuildOptions) -> Result<Streamed, BuildFailed> {
    let prepared = prepare(opts)?;
    let staging = Staging::beside(&prepared.output_dir(opts)).expect("create a staging folder");
    let built = finish_into(prepared, opts, Some(&staging))?;
    Ok(Streamed { built, staging })
}
