//! The per-page limits on rendered HTML (`[limits]`, see `config/limits.rs`): how deeply a
//! page's elements nest and how big it is. Past a limit the build stops with an error naming
//! the file and the knob.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use crate::config::limits::{Limits, raise};
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use lol_html::{RewriteStrSettings, element};
use rayon::prelude::*;

/// Elements whose end tag HTML lets a page leave out (`<li>` before the next `<li>`): they are
/// not counted, so a page that omits them is not measured as deeper than it is.
const OPTIONAL_END: &[&str] = &[
    "li", "p", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rt", "rp", "html", "head", "body",
];

/// How deeply the elements of an HTML page nest. Streaming (lol_html) and iterative, so a page
/// of any depth is measured without recursion; void elements and those in `OPTIONAL_END` do
/// not count.
pub fn html_depth(html: &str) -> usize {
    let depth = Rc::new(Cell::new(0usize));
    let max = Rc::new(Cell::new(0usize));
    let (d, m) = (depth.clone(), max.clone());
    let settings = RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
        if OPTIONAL_END.contains(&el.tag_name().as_str()) {
            return Ok(());
        }
        let Some(handlers) = el.end_tag_handlers() else {
            return Ok(());
        };
        d.set(d.get() + 1);
        m.set(m.get().max(d.get()));
        let d2 = d.clone();
        let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
            d2.set(d2.get().saturating_sub(1));
            Ok(())
        });
        handlers.push(on_end);
        Ok(())
    }));
    // lol_html only fails on its own memory limit, which is unset; an unreadable page has no
    // depth to report and the HTML checks report it.
    let _ = lol_html::rewrite_str(html, settings);
    max.get()
}

/// Check every rendered HTML page of `output` against the output limits. `sources` names the
/// content file behind each page, so the error points at a file the author edits.
pub fn check_output(
    output: &Output,
    limits: &Limits,
    sources: &HashMap<String, PathBuf>,
) -> Vec<Diagnostic> {
    let pages: Vec<(&str, &str)> = output.html().collect();
    let mut found: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|(file, html)| {
            let source = || {
                sources
                    .get(*file)
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from(format!("public/{file}")))
            };
            if html.len() > limits.max_output_bytes {
                return Some(Diagnostic::error(
                    source(),
                    format!(
                        "the rendered page public/{file} is {} bytes, more than the limit; split the page, or {}",
                        html.len(),
                        raise("max_output_bytes", limits.max_output_bytes)
                    ),
                ));
            }
            let depth = html_depth(html);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let found = check_output(&output, &limits, &sources);
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
