//! Site-level passes over the rendered `Output`: the whole-site link check, the search index,
//! the relative (offline) copy, the security headers and the per-page limits.

/// lol_html's `element!`, with a selector parsed once for every page instead of once per page.
macro_rules! on {
    ($selector:expr, $handler:expr) => {{
        #[inline(always)]
        const fn type_hint<'h, T, H: lol_html::HandlerTypes>(h: T) -> T
        where
            T: FnMut(&mut lol_html::html_content::Element<'_, '_, H>) -> lol_html::HandlerResult
                + 'h,
        {
            h
        }
        (
            std::borrow::Cow::Borrowed($selector),
            lol_html::ElementContentHandlers::default().element(type_hint($handler)),
        )
    }};
}

pub mod headers;
pub mod limits;
pub mod links;
pub mod relative;
#[cfg(feature = "search")]
pub mod search;
pub mod urls;
pub mod zola_search;

/// Without the `search` feature a site that asks for a search index cannot be built as asked:
/// say so instead of publishing it without search.
#[cfg(not(feature = "search"))]
pub mod search {
    use crate::content::Site;
    use crate::diagnostics::{Diagnostic, Diagnostics};
    use crate::output::Output;

    pub fn index(site: &Site, output: &mut Output) -> Result<Vec<Diagnostic>, Diagnostics> {
        match Pending::collect(site, output) {
            Some(pending) => pending.run().map(|_| Vec::new()),
            None => Ok(Vec::new()),
        }
    }

    /// A search index `serve` would build after the reload: here only the error saying why
    /// it cannot be built.
    pub struct Pending {
        pub warnings: Vec<Diagnostic>,
    }

    impl Pending {
        pub fn collect(site: &Site, _output: &Output) -> Option<Pending> {
            site.config
                .languages
                .iter()
                .any(|l| l.build_search_index)
                .then_some(Pending {
                    warnings: Vec::new(),
                })
        }

        pub fn run(self) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
            Err(Diagnostics::from_iter([Diagnostic::error(
                "config.toml",
                "`build_search_index = true` needs a sprout built with the `search` feature (the default); rebuild sprout without `--no-default-features`, or set it to false",
            )]))
        }
    }
}
