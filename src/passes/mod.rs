//! Site-level passes over the rendered `Output`: the whole-site link check, the search index,
//! the relative (offline) copy, the security headers and the per-page limits.

pub mod headers;
pub mod limits;
pub mod links;
pub mod relative;
#[cfg(feature = "search")]
pub mod search;
pub mod urls;

/// Without the `search` feature a site that asks for a search index cannot be built as asked:
/// say so instead of publishing it without search.
#[cfg(not(feature = "search"))]
pub mod search {
    use crate::content::Site;
    use crate::diagnostics::{Diagnostic, Diagnostics};
    use crate::output::Output;

    pub fn index(site: &Site, _output: &mut Output) -> Result<(), Diagnostics> {
        if !site.config.languages.iter().any(|l| l.build_search_index) {
            return Ok(());
        }
        Err(Diagnostics::from_iter([Diagnostic::error(
            "config.toml",
            "`build_search_index = true` needs a sprout built with the `search` feature (the default); rebuild sprout without `--no-default-features`, or set it to false",
        )]))
    }
}
