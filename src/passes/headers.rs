//! The `_headers` file (Netlify, Cloudflare Pages) carrying the site's security policy from
//! `crate::policy`.

use crate::config::Config;
use crate::output::Output;
use crate::policy::{CSP, HEADERS};

/// The `_headers` file for hosts that read it.
pub fn headers_file(config: &Config) -> String {
    let base = config.base_path();
    let mut s = format!("{base}*\n  Content-Security-Policy: {CSP}\n");
    for (k, v) in HEADERS {
        s.push_str(&format!("  {k}: {v}\n"));
    }
    s
}

pub fn add(config: &Config, output: &mut Output) {
    if !output.contains("_headers") {
        output.insert_text("_headers", headers_file(config), "src/policy.rs");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn headers_file_scopes_to_base_path_and_forbids_inline_scripts() {
        let c = Config::parse(
            "base_url = \"https://x.org/children/\"",
            Path::new("config.toml"),
        )
        .unwrap();
        let h = headers_file(&c);
        assert!(h.starts_with("/children/*\n"));
        assert!(h.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!h.contains("unsafe-inline"));
    }
}

#[cfg(test)]
mod readme {
    use super::*;

    /// The README's nginx snippet must send exactly the headers `_headers` sends.
    #[test]
    fn readme_nginx_snippet_matches_the_headers_file() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&format!(
                "add_header Content-Security-Policy \"{CSP}\" always;"
            )),
            "README CSP differs from headers::CSP"
        );
        for (k, v) in HEADERS {
            assert!(
                readme.contains(&format!("add_header {k} \"{v}\" always;")),
                "README lacks {k}: {v}"
            );
        }
    }
}
