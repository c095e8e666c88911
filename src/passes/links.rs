//! Checking the built site before it is written: every internal link and fragment resolves,
//! every image has alt text. Reads `&Output`, reports every finding.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use lol_html::{RewriteStrSettings, element};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::output::{Output, file_for};

/// Links and ids of one HTML page.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    pub ids: HashSet<String>,
    pub links: Vec<String>,
    pub images_without_alt: Vec<String>,
}

/// Collect ids, link targets and alt-less images of a page.
pub fn scan(html: &str) -> Scan {
    let scan = RefCell::new(Scan::default());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[id]", |el| {
            if let Some(id) = el.get_attribute("id") {
                scan.borrow_mut().ids.insert(decode(&id));
            }
            Ok(())
        }))
        .append_element_content_handler(element!("a[name]", |el| {
            if let Some(id) = el.get_attribute("name") {
                scan.borrow_mut().ids.insert(decode(&id));
            }
            Ok(())
        }))
        .append_element_content_handler(element!("a[href], link[href], area[href]", |el| {
            if let Some(h) = el.get_attribute("href") {
                scan.borrow_mut().links.push(decode(&h));
            }
            Ok(())
        }))
        .append_element_content_handler(element!(
            "img, script[src], iframe[src], source[src], video[src], audio[src]",
            |el| {
                let src = decode(&el.get_attribute("src").unwrap_or_default());
                let mut s = scan.borrow_mut();
                if el.tag_name() == "img" && !el.has_attribute("alt") {
                    s.images_without_alt.push(src.clone());
                }
                if !src.is_empty() {
                    s.links.push(src);
                }
                Ok(())
            }
        ));
    // A page lol_html cannot parse has nothing we can check; the validator reports it.
    let _ = lol_html::rewrite_str(html, settings);
    scan.into_inner()
}

/// Attribute values as the browser sees them (`&#x2F;` is `/`): lol_html gives them raw.
pub fn decode(value: &str) -> String {
    html_escape::decode_html_entities(value).into_owned()
}

/// Check every page of `output`. `sources` maps output files to the content that made them.
pub fn check(
    output: &Output,
    config: &Config,
    sources: &HashMap<String, PathBuf>,
) -> Vec<Diagnostic> {
    let pages: Vec<(&str, &str)> = output.html().collect();
    let scans: HashMap<&str, Scan> = pages.par_iter().map(|(p, h)| (*p, scan(h))).collect();
    let base_path = config.base_path();
    let mut findings: Vec<Diagnostic> = scans
        .par_iter()
        .flat_map_iter(|(file, s)| {
            let source = sources.get(*file).cloned().unwrap_or_else(|| PathBuf::from(format!("public/{file}")));
            let mut out = Vec::new();
            for link in &s.links {
                if let Some(problem) = check_link(link, file, output, &scans, config, &base_path) {
                    out.push(Diagnostic::error(&source, format!("{problem} (in public/{file})")));
                }
            }
            for img in &s.images_without_alt {
                out.push(Diagnostic::error(
                    &source,
                    format!("image `{img}` has no alt text; describe it in the `alt` attribute (use alt=\"\" only for decoration) (in public/{file})"),
                ));
            }
            out
        })
        .collect();
    findings.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
    findings.dedup();
    findings
}

/// The site path a link points to, or `None` for links that leave the site.
pub fn internal_target(
    link: &str,
    page_file: &str,
    config: &Config,
    base_path: &str,
) -> Option<(String, Option<String>)> {
    let link = link.trim();
    if link.is_empty()
        || link.starts_with("mailto:")
        || link.starts_with("tel:")
        || link.starts_with("data:")
        || link.starts_with("javascript:")
    {
        return None;
    }
    let (without_frag, frag) = match link.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (link, None),
    };
    let without_query = without_frag.split('?').next().unwrap_or("");
    let site_path = if let Some(rest) = without_query.strip_prefix(&config.base_url) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if without_query.contains("://") || without_query.starts_with("//") {
        return None;
    } else if let Some(abs) = without_query.strip_prefix(base_path.trim_end_matches('/')) {
        if without_query.starts_with('/') {
            format!("/{}", abs.trim_start_matches('/'))
        } else {
            resolve_relative(page_file, without_query)
        }
    } else if without_query.starts_with('/') {
        // Absolute but outside the base path: it cannot be ours.
        return Some((format!("!{without_query}"), frag));
    } else if without_query.is_empty() {
        format!("/{}", page_file)
    } else {
        resolve_relative(page_file, without_query)
    };
    Some((site_path, frag))
}

/// Resolve `rel` against the folder of `page_file` (`en/plan/index.html`).
fn resolve_relative(page_file: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = page_file.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut p = format!("/{}", parts.join("/"));
    if rel.ends_with('/') && !p.ends_with('/') {
        p.push('/');
    }
    p
}

fn check_link(
    link: &str,
    page_file: &str,
    output: &Output,
    scans: &HashMap<&str, Scan>,
    config: &Config,
    base_path: &str,
) -> Option<String> {
    let (path, frag) = internal_target(link, page_file, config, base_path)?;
    if let Some(outside) = path.strip_prefix('!') {
        return Some(format!(
            "link `{link}` points to {outside}, outside the site's base path {base_path}; use get_url() or a relative link"
        ));
    }
    let target = target_file(&path, output)?;
    let Some(target) = target else {
        return Some(format!(
            "link `{link}` goes to {path}, which the site does not have; fix the link (or the template that writes it) or add the page"
        ));
    };
    let frag = frag.filter(|f| !f.is_empty())?;
    let frag = percent_encoding::percent_decode_str(&frag)
        .decode_utf8_lossy()
        .to_string();
    match scans.get(target.as_str()) {
        Some(s) if s.ids.contains(&frag) || frag == "top" => None,
        Some(_) => Some(format!(
            "link `{link}` goes to {path}, which has no anchor `{frag}`; fix the anchor or add `{{#{frag}}}` to the heading"
        )),
        None => None,
    }
}

/// `Some(Some(file))` when the path exists; `Some(None)` when it does not.
fn target_file(path: &str, output: &Output) -> Option<Option<String>> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .to_string();
    let trimmed = decoded.trim_start_matches('/');
    if output.contains(trimmed) {
        return Some(Some(trimmed.to_string()));
    }
    let as_page = file_for(&decoded);
    if output.contains(&as_page) {
        return Some(Some(as_page));
    }
    let dir_index = format!("{}/index.html", trimmed.trim_end_matches('/'));
    if output.contains(&dir_index) {
        return Some(Some(dir_index));
    }
    Some(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(base: &str) -> Config {
        Config::parse(&format!("base_url = \"{base}\""), Path::new("config.toml")).unwrap()
    }

    fn site() -> Output {
        let mut o = Output::default();
        o.insert_text("index.html", "<a href=\"/plan/#goal-1\">x</a><a href=\"https://other.org/\">e</a><img src=\"/a.png\">".into());
        o.insert_text(
            "plan/index.html",
            "<h2 id=\"goal-1\">g</h2><a href=\"../missing/\">m</a><a href=\"#nope\">n</a>".into(),
        );
        o.insert_text("a.png", String::new());
        o
    }

    #[test]
    fn finds_broken_links_fragments_and_missing_alt() {
        let found = check(&site(), &config("https://x.org"), &HashMap::new());
        let msgs: Vec<String> = found.iter().map(|d| d.message.clone()).collect();
        assert_eq!(found.len(), 3, "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.contains("/missing/")));
        assert!(msgs.iter().any(|m| m.contains("no anchor `nope`")));
        assert!(msgs.iter().any(|m| m.contains("no alt text")));
    }

    #[test]
    fn base_path_is_respected() {
        let c = config("https://x.org/children");
        let bp = c.base_path();
        assert_eq!(
            internal_target("/children/plan/", "index.html", &c, &bp),
            Some(("/plan/".into(), None))
        );
        assert_eq!(
            internal_target("https://x.org/children/plan/#a", "index.html", &c, &bp),
            Some(("/plan/".into(), Some("a".into())))
        );
        assert!(
            internal_target("/plan/", "index.html", &c, &bp)
                .unwrap()
                .0
                .starts_with('!')
        );
    }

    #[test]
    fn escaped_attribute_values_are_decoded() {
        let s = scan(r#"<a href="https:&#x2F;&#x2F;x.org&#x2F;a&#x2F;">a</a><p id="a&amp;b">"#);
        assert_eq!(s.links, vec!["https://x.org/a/"]);
        assert!(s.ids.contains("a&b"));
    }

    #[test]
    fn relative_links_resolve_from_the_page_folder() {
        assert_eq!(
            resolve_relative("en/plan/index.html", "../safety/"),
            "/en/safety/"
        );
        assert_eq!(
            resolve_relative("en/plan/index.html", "health/index.html"),
            "/en/plan/health/index.html"
        );
    }
}
