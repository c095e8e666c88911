//! The per-page limits on rendered HTML (`[limits]`, see `config/limits.rs`): how deeply a
//! page's elements nest and how big it is. Past a limit the build stops with an error naming
//! the file and the knob.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::limits::{Limits, raise};
use crate::diagnostics::Diagnostic;
use crate::passes::links::{Scanned, Scans};

/// Check every rendered HTML page against the output limits, with the size and depth the page
/// pass measured (`links::Scanned`). `sources` names the content file behind each page, so the
/// error points at a file the author edits.
pub fn check_output(
    scans: &Scans,
    limits: &Limits,
    sources: &HashMap<String, PathBuf>,
) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = scans
        .iter()
        .filter_map(|(file, scanned)| {
            let source = || {
                sources
                    .get(file)
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from(format!("public/{file}")))
            };
            if scanned.bytes > limits.max_output_bytes {
                return Some(Diagnostic::error(
                    source(),
                    format!(
                        "the rendered page public/{file} is {} bytes, more than the limit; split the page, or {}",
                        scanned.bytes,
                        raise("max_output_bytes", limits.max_output_bytes)
                    ),
                ));
            }
            let depth = scanned.scan.as_ref().ok()?.depth;
            (depth > limits.max_nesting).then(|| {
                Diagnostic::error(
                    source(),
                    format!(
                        "the rendered page public/{file} nests HTML elements {depth} levels deep, deeper than {} levels; flatten the nested HTML or shortcodes, or {}",
                        limits.max_nesting,
                        raise("max_nesting", limits.max_nesting)
                    ),
                )
            })
        })
        .collect();
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// Whether a page of this size and scan is past a limit (the page pass then leaves it as it
/// is, and `check_output` stops the build).
pub fn past(scanned: &Scanned, limits: &Limits) -> bool {
    scanned.bytes > limits.max_output_bytes
        || scanned
            .scan
            .as_ref()
            .is_ok_and(|s| s.depth > limits.max_nesting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;
    use crate::passes::links::{scan, scan_all};

    fn html_depth(html: &str) -> usize {
        scan(html, 0).unwrap().depth
    }

    #[test]
    fn depth_counts_open_elements_not_void_ones() {
        assert_eq!(html_depth("<div>a</div><div>b</div>"), 1);
        assert_eq!(
            html_depth("<div><span><em>x</em><br><img src=a alt=b></span></div>"),
            3
        );
        assert_eq!(html_depth("<ul><li>a<li>b<li>c</ul>"), 1);
        assert_eq!(html_depth("text only"), 0);
    }

    #[test]
    fn depth_is_measured_only_where_the_elements_could_pass_the_limit() {
        let html = "<div><div><div>x</div></div></div>";
        assert_eq!(
            scan(html, 3).unwrap().depth,
            0,
            "3 elements cannot nest 4 deep"
        );
        assert_eq!(scan(html, 2).unwrap().depth, 3);
    }

    #[test]
    fn depth_of_a_very_deep_page_is_measured_without_overflowing() {
        let n = 100_000;
        let html = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(html_depth(&html), n);
    }

    #[test]
    fn too_deep_and_too_big_pages_name_the_knob() {
        let mut output = Output::default();
        output.insert_text("deep/index.html", "<b>".repeat(300), "content/deep.md");
        output.insert_text("big/index.html", "x".repeat(2_000), "content/big.md");
        let limits = Limits {
            max_output_bytes: 1_000,
            ..Limits::default()
        };
        let sources = HashMap::from([("deep/index.html".to_string(), "content/deep.md".into())]);
        let found = check_output(&scan_all(&output, limits.max_nesting), &limits, &sources);
        assert_eq!(found.len(), 2);
        let deep = found
            .iter()
            .find(|d| d.message.contains("nests HTML"))
            .unwrap();
        assert!(deep.file.ends_with("content/deep.md"));
        assert!(deep.message.contains("`max_nesting` (now 200)"));
        let big = found.iter().find(|d| d.message.contains("bytes")).unwrap();
        assert!(big.message.contains("`max_output_bytes` (now 1000)"));
    }
}
