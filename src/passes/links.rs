//! Checking the built site before it is written: every internal link and fragment resolves,
//! every image has alt text. Reads the page pass's scans and `&Output`, reports every finding.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use lol_html::{HtmlRewriter, Selector, Settings};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, SPROUT_CHECKS};
use crate::output::{Output, file_for};
use crate::passes::urls::{self, Link, decode};

/// Elements whose end tag HTML lets a page leave out (`<li>` before the next `<li>`): they are
/// not counted, so a page that omits them is not measured as deeper than it is.
const OPTIONAL_END: &[&str] = &[
    "li", "p", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rt", "rp", "html", "head", "body",
];

/// Links, ids and nesting depth of one HTML page.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    pub ids: HashSet<String>,
    pub links: Vec<String>,
    pub images_without_alt: Vec<String>,
    /// How deeply the page's elements nest (void elements and those in `OPTIONAL_END` do not
    /// count), measured when the page has more elements than the nesting limit given to
    /// [`scan`]; 0 when it has fewer, as it then cannot nest deeper than the limit.
    pub depth: usize,
}

/// One page's scan (or why lol_html cannot read it) and its size as rendered: what the page
/// pass keeps of a page for the limits and the link check.
#[derive(Debug)]
pub struct Scanned {
    pub bytes: usize,
    pub scan: Result<Scan, String>,
}

impl Scanned {
    pub fn of(html: &str, max_nesting: usize) -> Scanned {
        Scanned {
            bytes: html.len(),
            scan: scan(html, max_nesting),
        }
    }
}

/// Every HTML page of the site by output file.
pub type Scans = HashMap<String, Scanned>;

/// Every element: the scan reads each one.
fn every_element() -> &'static Selector {
    static SELECTOR: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    SELECTOR.get_or_init(|| "*".parse().expect("`*` is a valid selector"))
}

/// Scan every HTML page held in `output`, as the page pass scans each page it is handed.
#[cfg(test)]
pub fn scan_all(output: &Output, max_nesting: usize) -> Scans {
    let pages: Vec<(&str, &str)> = output.html().collect();
    pages
        .par_iter()
        .map(|(p, h)| (p.to_string(), Scanned::of(h, max_nesting)))
        .collect()
}

/// At least as many as the elements of `html`: every start tag is `<` and a letter.
fn elements_at_most(html: &str) -> usize {
    html.as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .count()
}

/// Collect ids, link targets, alt-less images and, when the page has more elements than
/// `max_nesting`, its nesting depth, in one streaming pass (no recursion, so a page of any
/// depth is measured); `Err` when lol_html cannot read it. One handler on every element reads
/// what it needs by the element's name: half the time of one selector per kind of finding.
pub fn scan(html: &str, max_nesting: usize) -> Result<Scan, String> {
    let mut scan = Scan::default();
    let depth = Rc::new(Cell::new(0usize));
    let measure = elements_at_most(html) > max_nesting;
    let settings = Settings::new().append_element_content_handler(on!(every_element(), |el| {
        let tag = el.tag_name();
        if let Some(id) = el.get_attribute("id") {
            scan.ids.insert(decode(&id));
        }
        if tag == "a"
            && let Some(name) = el.get_attribute("name")
        {
            scan.ids.insert(decode(&name));
        }
        if tag == "img" && !el.has_attribute("alt") {
            let src = decode(&el.get_attribute("src").unwrap_or_default());
            scan.images_without_alt.push(src);
        }
        for attr in urls::attributes_of(&tag) {
            let Some(value) = el.get_attribute(attr) else {
                continue;
            };
            let value = decode(&value);
            scan.links.extend(
                urls::urls_in(attr, &value)
                    .into_iter()
                    .filter(|u| !u.is_empty())
                    .map(str::to_string),
            );
        }
        if measure
            && !OPTIONAL_END.contains(&tag.as_str())
            && let Some(handlers) = el.end_tag_handlers()
        {
            depth.set(depth.get() + 1);
            scan.depth = scan.depth.max(depth.get());
            let d = depth.clone();
            let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
                d.set(d.get().saturating_sub(1));
                Ok(())
            });
            handlers.push(on_end);
        }
        Ok(())
    }));
    // Only the handler's findings are wanted: the rewritten page goes nowhere.
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| e.to_string())?;
    Ok(scan)
}

/// Check every page of `output`. `sources` maps output files to the content that made them.
pub fn check(
    scanned: &Scans,
    output: &Output,
    config: &Config,
    sources: &HashMap<String, PathBuf>,
) -> Vec<Diagnostic> {
    let mut unreadable = Vec::new();
    let mut scans: HashMap<&str, &Scan> = HashMap::new();
    for (file, scanned) in scanned {
        match &scanned.scan {
            Ok(s) => {
                scans.insert(file.as_str(), s);
            }
            Err(e) => unreadable.push(Diagnostic::error(
                format!("public/{file}"),
                format!(
                    "the link check cannot read this page ({e}); fix the template that writes it"
                ),
            )),
        }
    }
    let base_path = config.base_path();
    let level = config.link_checker.sprout_level;
    let mut findings: Vec<Diagnostic> = scans
        .par_iter()
        .flat_map_iter(|(file, s)| {
            let source = sources.get(*file).cloned().unwrap_or_else(|| PathBuf::from(format!("public/{file}")));
            let mut out = Vec::new();
            for link in &s.links {
                if let Some(problem) = check_link(link, file, output, &scans, config, &base_path) {
                    out.push(level.diagnostic(&source, format!("{problem} (in public/{file})")).in_group(SPROUT_CHECKS));
                }
            }
            for img in &s.images_without_alt {
                out.push(level.diagnostic(
                    &source,
                    format!("image `{img}` has no alt text; describe it in the `alt` attribute (use alt=\"\" only for decoration) (in public/{file})"),
                ).in_group(SPROUT_CHECKS));
            }
            out
        })
        .collect();
    findings.extend(unreadable);
    findings.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
    findings.dedup();
    findings
}

fn check_link(
    link: &str,
    page_file: &str,
    output: &Output,
    scans: &HashMap<&str, &Scan>,
    config: &Config,
    base_path: &str,
) -> Option<String> {
    let (path, frag) = match urls::classify(link, page_file, config, base_path) {
        Link::Internal { path, fragment } => (path, fragment),
        Link::OutsideBase { path } => {
            return Some(format!(
                "link `{link}` points to {path}, outside the site's base path {base_path}; use get_url() or a relative link"
            ));
        }
        Link::External | Link::NotAPage => return None,
    };
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
        o.insert_text("index.html", "<a href=\"/plan/#goal-1\">x</a><a href=\"https://other.org/\">e</a><img src=\"/a.png\">".into(), "a.md");
        o.insert_text(
            "plan/index.html",
            "<h2 id=\"goal-1\">g</h2><a href=\"../missing/\">m</a><a href=\"#nope\">n</a>".into(),
            "plan.md",
        );
        o.insert_text("a.png", String::new(), "a.png");
        o
    }

    #[test]
    fn finds_broken_links_fragments_and_missing_alt() {
        let site = site();
        let found = check(
            &scan_all(&site, 200),
            &site,
            &config("https://x.org"),
            &HashMap::new(),
        );
        let msgs: Vec<String> = found.iter().map(|d| d.message.clone()).collect();
        assert_eq!(found.len(), 3, "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.contains("/missing/")));
        assert!(msgs.iter().any(|m| m.contains("no anchor `nope`")));
        assert!(msgs.iter().any(|m| m.contains("no alt text")));
    }

    #[test]
    fn tag_names_are_matched_in_any_case() {
        let s = scan(
            r#"<IMG SRC="/x.png"><A NAME="n"></A><A HREF="/y/">y</A><Video Poster="/p.png"></Video><div ID="d"></div>"#,
            200,
        )
        .unwrap();
        assert_eq!(s.images_without_alt, vec!["/x.png"]);
        assert!(s.ids.contains("n") && s.ids.contains("d"), "{:?}", s.ids);
        assert_eq!(s.links, vec!["/x.png", "/y/", "/p.png"]);
    }

    #[test]
    fn escaped_attribute_values_are_decoded() {
        let s = scan(
            r#"<a href="https:&#x2F;&#x2F;x.org&#x2F;a&#x2F;">a</a><p id="a&amp;b">"#,
            200,
        )
        .unwrap();
        assert_eq!(s.links, vec!["https://x.org/a/"]);
        assert!(s.ids.contains("a&b"));
    }

    #[test]
    fn media_and_srcset_links_are_checked() {
        let mut o = Output::default();
        o.insert_text(
            "index.html",
            r#"<video src="/clip.mp4" poster="/poster.png"></video><img alt="" src="/a.png" srcset="/a.png 1x, /a2.png 2x"><audio src="/talk.mp3"></audio><embed src="/doc.pdf">"#.into(),
            "a.md",
        );
        o.insert_text("a.png", String::new(), "a.png");
        let found = check(
            &scan_all(&o, 200),
            &o,
            &config("https://x.org"),
            &HashMap::new(),
        );
        let msgs: Vec<String> = found.iter().map(|d| d.message.clone()).collect();
        for missing in [
            "/clip.mp4",
            "/poster.png",
            "/a2.png",
            "/talk.mp3",
            "/doc.pdf",
        ] {
            assert!(
                msgs.iter().any(|m| m.contains(missing)),
                "{missing}: {msgs:#?}"
            );
        }
        assert_eq!(found.len(), 5, "{msgs:#?}");
    }
}
