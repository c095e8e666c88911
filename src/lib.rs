//! sprout: a Zola-compatible bilingual static-site generator. The binary is a thin shell
//! around `build`, `serve`, `check` and `stamp`.

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod headers;
pub mod indicators;
pub mod limits;
pub mod link_check;
pub mod markdown;
pub mod output;
mod prerender;
pub mod qr;
pub mod relative;
pub mod render;
pub mod search;
pub mod serve;
pub mod slugs;
pub mod statics;
pub mod strict;
pub mod templates;
pub mod values;
pub mod walk;
