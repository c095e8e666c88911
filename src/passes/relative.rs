//! `sprout build --relative`: rewrite every internal link so the copy browses from `file://`
//! (relative paths, folders ending in `index.html`). Canonical and hreflang URLs stay absolute.

use lol_html::{RewriteStrSettings, Selector};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::output::file_for;
use crate::passes::urls::{self, Link, decode};

/// Why the page at `file` stays out of the offline copy: the page pass never leaves a page's
/// links absolute.
pub fn unwritable(file: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        format!("public/{file}"),
        format!(
            "the offline copy cannot rewrite this page's links ({why}); fix the template that writes it"
        ),
    )
}

/// Rewrite the links of one page at output path `file`: every attribute of
/// `urls::URL_ATTRIBUTES` except canonical and hreflang links, and meta refresh targets.
pub fn rewrite_page(
    file: &str,
    html: &str,
    config: &Config,
    base_path: &str,
) -> Result<String, String> {
    let fix = |v: &str| relative_url(v, file, config, base_path);
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(on!(urls::url_selector(), |el| {
            let tag = el.tag_name();
            let rel = el.get_attribute("rel").unwrap_or_default();
            if tag == "link" && (rel == "canonical" || rel == "alternate") {
                return Ok(());
            }
            for attr in urls::attributes_of(&tag) {
                if let Some(v) = el.get_attribute(attr) {
                    el.set_attribute(attr, &urls::map_urls(attr, &decode(&v), fix))?;
                }
            }
            Ok(())
        }))
        .append_element_content_handler(on!(refresh_selector(), |el| {
            if let Some(v) = el.get_attribute("content")
                && let Some((delay, url)) = v.split_once("url=")
            {
                el.set_attribute("content", &format!("{delay}url={}", fix(&decode(url))))?;
            }
            Ok(())
        }));
    lol_html::rewrite_str(html, settings).map_err(|e| e.to_string())
}

/// Meta refresh elements, parsed once.
fn refresh_selector() -> &'static Selector {
    static SELECTOR: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    SELECTOR.get_or_init(|| {
        "meta[http-equiv=refresh]"
            .parse()
            .expect("the refresh selector is valid")
    })
}

/// `https://x.org/en/safety/#a` seen from `en/plan/index.html` → `../safety/index.html#a`.
fn relative_url(url: &str, from_file: &str, config: &Config, base_path: &str) -> String {
    let Link::Internal { path, fragment } = urls::classify(url, from_file, config, base_path)
    else {
        return url.to_string();
    };
    let target = file_for(&path);
    let depth = from_file.matches('/').count();
    let mut rel = "../".repeat(depth);
    rel.push_str(&target);
    match fragment {
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
        let out = rewrite_page("en/plan/index.html", html, &c, &bp).unwrap();
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

    #[test]
    fn media_embeds_and_srcset_become_relative() {
        // Regression: `<video src>` (and audio, embed, srcset) stayed absolute in the copy.
        let c = Config::parse(
            "base_url = \"https://x.org/kids\"",
            Path::new("config.toml"),
        )
        .unwrap();
        let bp = c.base_path();
        let html = r#"<video src="/kids/media/a.mp4" poster="/kids/media/a.png"><source src="https://x.org/kids/media/a.webm"></video><audio src="/kids/media/b.mp3"></audio><embed src="/kids/doc.pdf"><img alt="" src="/kids/a.png" srcset="/kids/a.png 1x, /kids/a2.png 2x">"#;
        let out = rewrite_page("en/index.html", html, &c, &bp).unwrap();
        for expected in [
            r#"<video src="../media/a.mp4" poster="../media/a.png">"#,
            r#"<source src="../media/a.webm">"#,
            r#"<audio src="../media/b.mp3">"#,
            r#"<embed src="../doc.pdf">"#,
            r#"srcset="../a.png 1x, ../a2.png 2x""#,
        ] {
            assert!(out.contains(expected), "{expected} in {out}");
        }
    }
}
