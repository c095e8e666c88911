//! Site-level passes over the rendered `Output`: the whole-site link check, the search index,
//! the relative (offline) copy, the security headers and the per-page limits.

pub mod headers;
pub mod limits;
pub mod links;
pub mod relative;
pub mod search;
