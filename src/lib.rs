//! sprout: a Zola-compatible bilingual static-site generator. The folders follow the build:
//! `config` → `content` → `markdown` → `templates` → `render` → `passes` (site-level: links,
//! search, relative copy, headers) → `output`; `pipeline` runs them as timed steps and `cmd`
//! holds one file per command. The binary is a thin shell that dispatches to `cmd`.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod indicators;
pub mod markdown;
pub mod output;
pub mod passes;
pub mod pipeline;
pub mod policy;
pub mod render;
pub mod slugs;
pub mod templates;
pub mod walk;
