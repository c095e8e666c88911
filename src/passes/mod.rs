//! Passes over the rendered site: the work on each page as it is rendered (`pages`: scan,
//! search input, offline links, minify, write), then the site-level passes: security headers,
//! limits, link check and search index.

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
pub mod pages;
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

    /// Without the feature no page is picked for an index.
    pub struct Picker;
    pub struct Picked;

    impl Picker {
        pub fn new(_site: &Site) -> Option<Picker> {
            None
        }

        pub fn pick(&self, _file: &str, _html: &str) -> Option<Picked> {
            None
        }
    }

    /// A search index the site asks for: here only the error saying why it cannot be built.
    pub struct Pending {
        pub warnings: Vec<Diagnostic>,
    }

    impl Pending {
        pub fn new(site: &Site, _picked: Vec<(String, Picked)>) -> Option<Pending> {
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

        pub fn add_to(self, _output: &mut Output) -> Result<(), Diagnostics> {
            self.run().map(|_| ())
        }
    }
}
