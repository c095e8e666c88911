//! `sprout stamp FILE...`: record in each translation the hash of the source it was translated
//! from, so `check` can tell when the source has changed since.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::Config;
use crate::content::translations;

/// `sprout stamp FILE...`: record the source hash in each translation; `Ok(false)` when the
/// configuration or a named file is not one the build accepts (each is reported).
pub fn stamp(root: &Path, files: &[PathBuf]) -> Result<bool> {
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(problems) => {
            for d in problems.items() {
                eprintln!("{d}");
            }
            return Ok(false);
        }
    };
    let langs: Vec<String> = config
        .translation_langs()
        .iter()
        .map(|l| l.code.clone())
        .collect();
    let mut all_stamped = true;
    for f in files {
        let path = if f.is_absolute() || f.exists() {
            f.clone()
        } else {
            root.join(f)
        };
        match translations::stamp(&path, &langs) {
            Ok(hash) => println!("stamped {} ({hash})", f.display()),
            Err(e) => {
                eprintln!("{}: error: {e:#}", f.display());
                all_stamped = false;
            }
        }
    }
    Ok(all_stamped)
}
