//! `[limits]` in `config.toml` (a sprout extension): what one page may cost. The Markdown
//! stage checks the size and nesting of each content file, `passes/limits.rs` the rendered HTML.

use serde::Deserialize;

/// `[limits]`: every key optional; the defaults are far above any real page of the site.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Bytes of one content file (front matter and Markdown).
    pub max_page_bytes: usize,
    /// Levels of nesting: Markdown containers (block quotes, lists, emphasis, links), the
    /// elements of each rendered HTML page (templates included) and template macros calling
    /// each other.
    pub max_nesting: usize,
    /// Bytes of one rendered HTML page.
    pub max_output_bytes: usize,
    /// Bytes of one page's text that go into the Pagefind search index (the rest is left out,
    /// with a warning).
    pub max_search_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_page_bytes: 50_000_000,
            max_nesting: 200,
            max_output_bytes: 200_000_000,
            max_search_bytes: 2_000_000,
        }
    }
}

/// The sentence every limit error ends with: which knob to turn, and where.
pub fn raise(knob: &str, value: usize) -> String {
    format!(
        "if the page really needs more, set a higher `{knob}` (now {value}) under [limits] in config.toml"
    )
}
