//! Site-level passes over the rendered `Output`: the whole-site link check, the search index,
//! the relative (offline) copy and the security headers.

pub mod headers;
pub mod links;
pub mod relative;
pub mod search;
