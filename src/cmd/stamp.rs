//! `sprout stamp FILE...`: record in each translation the hash of the source it was translated
//! from, so `check` can tell when the source has changed since.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::Config;
use crate::content::translations;

/// `sprout stamp FILE...`: record the source hash in each translation.
pub fn stamp(root: &Path, files: &[PathBuf]) -> Result<()> {
    let config = Config::load(root).map_err(|d| {
        anyhow::anyhow!(
            "{}",
            d.items()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let langs: Vec<String> = config
        .languages
        .iter()
        .skip(1)
        .map(|l| l.code.clone())
        .collect();
    for f in files {
        let path = if f.is_absolute() || f.exists() {
            f.clone()
        } else {
            root.join(f)
        };
        let hash = translations::stamp(&path, &langs)?;
        println!("stamped {} ({hash})", f.display());
    }
    Ok(())
}
