//! `sprout build --relative`: rewrite every internal link so the copy browses from `file://`
//! (relative paths, folders ending in `index.html`). Canonical and hreflang URLs stay absolute.

use lol_html::{RewriteStrSettings, element};

use crate::config::Config;
use crate::output::{Output, file_for};
use crate::passes::links::internal_target;

pub fn rewrite(output: &mut Output, config: &Config) {
    let base_path = config.base_path();
    output.map_html(|file, html| rewrite_page(file, html, config, &base_path));
}

/// Rewrite the links of one page at output path `file`.
pub fn rewrite_page(file: &str, html: &str, config: &Config, base_path: &str) -> String {
    let fix = |v: &str| relative_url(&crate::passes::links::decode(v), file, config, base_path);
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!(
            "a[href], area[href], link[href]:not([rel=canonical]):not([rel=alternate])",
            |el| {
                if let Some(v) = el.get_attribute("href") {
                    el.set_attribute("href", &fix(&v))?;
                }
                Ok(())
            }
        ))
        .append_element_content_handler(element!(
            "img[src], script[src], source[src], iframe[src]",
            |el| {
                if let Some(v) = el.get_attribute("src") {
                    el.set_attribute("src", &fix(&v))?;
                }
                Ok(())
            }
        ))
        .append_element_content_handler(element!("form[action]", |el| {
            if let Some(v) = el.get_attribute("action") {
                el.set_attribute("action", &fix(&v))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("meta[http-equiv=refresh]", |el| {
            if let Some(v) = el.get_attribute("content")
                && let Some((delay, url)) = v.split_once("url=")
            {
                el.set_attribute("content", &format!("{delay}url={}", fix(url)))?;
            }
            Ok(())
        }));
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// `https://x.org/en/safety/#a` seen from `en/plan/index.html` → `../safety/index.html#a`.
fn relative_url(url: &str, from_file: &str, config: &Config, base_path: &str) -> String {
    let Some((path, frag)) = internal_target(url, from_file, config, base_path) else {
        return url.to_string();
    };
    if path.starts_with('!') {
        return url.to_string();
    }
    let target = file_for(&path);
    let depth = from_file.matches('/').count();
    let mut rel = "../".repeat(depth);
    rel.push_str(&target);
    match frag {
        Some(f) if target == from_file => format!("#{f}"),
        Some(f) => format!("{rel}#{f}"),
        None => rel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn links_become_relative_index_files() {
        let c = Config::parse(
            "base_url = \"https://x.org/kids\"",
            Path::new("config.toml"),
        )
        .unwrap();
        let bp = c.base_path();
        let html = r#"<a href="https://x.org/kids/en/safety/#a">s</a><link rel="canonical" href="https://x.org/kids/en/plan/"><link rel="stylesheet" href="/kids/style.css"><a href="https://other.org/">o</a>"#;
        let out = rewrite_page("en/plan/index.html", html, &c, &bp);
        assert!(
            out.contains(r#"href="../../en/safety/index.html#a""#),
            "{out}"
        );
        assert!(
            out.contains(r#"rel="canonical" href="https://x.org/kids/en/plan/""#),
            "{out}"
        );
        assert!(out.contains(r#"href="../../style.css""#), "{out}");
        assert!(out.contains(r#"href="https://other.org/""#), "{out}");
    }
}
