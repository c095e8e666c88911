//! `sprout build --relative` of a fixture whose `base_url` has a sub-path
//! (tests/fixtures/serve-children, `https://example.org/children/`): every link to the site is
//! relative and names a file, following it from the page's folder on disk reaches that file,
//! and canonical and hreflang links stay absolute.

use crate::common::copy_fixture;
use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use lol_html::{RewriteStrSettings, element};

const BIN: &str = env!("CARGO_BIN_EXE_sprout");
const BASE: &str = "https://example.org/children/";

/// Build the fixture with `--relative` into a fresh folder; (site copy, output folder).
fn build_relative() -> (tempfile::TempDir, tempfile::TempDir) {
    let site = copy_fixture("serve-children");
    let out = tempfile::tempdir().expect("temp dir");
    let run = Command::new(BIN)
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .arg("--relative")
        .arg("--output-dir")
        .arg(out.path())
        .output()
        .expect("run sprout build --relative");
    assert!(
        run.status.success(),
        "sprout build --relative failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (site, out)
}

/// One URL-carrying attribute of an element.
#[derive(Debug, Clone)]
struct Link {
    tag: String,
    attr: &'static str,
    rel: String,
    hreflang: Option<String>,
    value: String,
}

/// Every link of a page, and every `id` in it.
fn scan(html: &str) -> (Vec<Link>, Vec<String>) {
    let links = RefCell::new(Vec::new());
    let ids = RefCell::new(Vec::new());
    let push = |el: &lol_html::html_content::Element, attr: &'static str, value: String| {
        links.borrow_mut().push(Link {
            tag: el.tag_name(),
            attr,
            rel: el.get_attribute("rel").unwrap_or_default(),
            hreflang: el.get_attribute("hreflang"),
            value: value.replace("&amp;", "&"),
        });
    };
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[id]", |el| {
            ids.borrow_mut()
                .push(el.get_attribute("id").unwrap_or_default());
            Ok(())
        }))
        .append_element_content_handler(element!("a[href], area[href], link[href]", |el| {
            let v = el.get_attribute("href").unwrap_or_default();
            push(el, "href", v);
            Ok(())
        }))
        .append_element_content_handler(element!(
            "img[src], script[src], source[src], iframe[src], video[src], audio[src], embed[src]",
            |el| {
                let v = el.get_attribute("src").unwrap_or_default();
                push(el, "src", v);
                Ok(())
            }
        ))
        .append_element_content_handler(element!("form[action]", |el| {
            let v = el.get_attribute("action").unwrap_or_default();
            push(el, "action", v);
            Ok(())
        }))
        .append_element_content_handler(element!("meta[http-equiv]", |el| {
            let refresh = el
                .get_attribute("http-equiv")
                .is_some_and(|v| v.eq_ignore_ascii_case("refresh"));
            if refresh
                && let Some(c) = el.get_attribute("content")
                && let Some((_, url)) = c.split_once("url=")
            {
                push(el, "content", url.trim().to_string());
            }
            Ok(())
        }));
    lol_html::rewrite_str(html, settings).expect("the page parses as HTML");
    (links.into_inner(), ids.into_inner())
}

fn html_files(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
}

/// `dir` joined with the relative `link`, `..` resolved; `None` if it climbs out of `root`.
fn follow(root: &Path, dir: &Path, link: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = dir
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    for seg in Path::new(link).components() {
        match seg {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().to_string()),
            _ => return None,
        }
    }
    Some(parts.iter().fold(root.to_path_buf(), |p, s| p.join(s)))
}

fn is_alternate_language(l: &Link) -> bool {
    l.tag == "link" && l.hreflang.is_some() && l.rel.split_whitespace().any(|r| r == "alternate")
}

fn is_canonical(l: &Link) -> bool {
    l.tag == "link" && l.rel.split_whitespace().any(|r| r == "canonical")
}

#[test]
fn every_internal_link_is_relative_names_a_file_and_reaches_it() {
    let (_site, out) = build_relative();
    let root = out.path();
    let pages = html_files(root);
    assert!(
        pages.len() >= 12,
        "expected the fixture's pages, 404 pages and alias pages, found {pages:?}"
    );
    assert!(
        !root.join("children").exists(),
        "the base path is not a folder of the output"
    );
    let mut problems: Vec<String> = Vec::new();
    let mut followed = 0;
    let mut with_fragment = 0;
    for page in &pages {
        let shown = page.strip_prefix(root).unwrap().display().to_string();
        let html = std::fs::read_to_string(page).expect("read page");
        let (links, ids) = scan(&html);
        let dir = page.parent().expect("page folder");
        for l in links {
            let v = l.value.trim();
            let what = format!("{shown}: <{} {}=\"{v}\">", l.tag, l.attr);
            if is_canonical(&l) || is_alternate_language(&l) {
                continue;
            }
            if ["mailto:", "tel:", "data:", "javascript:"]
                .iter()
                .any(|p| v.starts_with(p))
            {
                continue;
            }
            if v.contains("://") || v.starts_with("//") {
                if v.contains("example.org") {
                    problems.push(format!("{what}: absolute link to the site itself"));
                }
                continue;
            }
            if v.starts_with('/') {
                problems.push(format!(
                    "{what}: starts with `/`, which file:// cannot follow"
                ));
                continue;
            }
            let (without_frag, frag) = v.split_once('#').unwrap_or((v, ""));
            let path = without_frag.split('?').next().unwrap_or("");
            if path.is_empty() {
                if !frag.is_empty() && frag != "top" && !ids.iter().any(|i| i == frag) {
                    problems.push(format!("{what}: this page has no id `{frag}`"));
                }
                continue;
            }
            let last = path.rsplit('/').next().unwrap_or("");
            if path.ends_with('/') || !last.contains('.') {
                problems.push(format!(
                    "{what}: does not end in index.html or a file name (file:// shows a folder listing)"
                ));
                continue;
            }
            let decoded = percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .to_string();
            let Some(target) = follow(root, dir, &decoded) else {
                problems.push(format!("{what}: climbs out of the output folder"));
                continue;
            };
            if !target.is_file() {
                problems.push(format!(
                    "{what}: {} does not exist",
                    target.strip_prefix(root).unwrap_or(&target).display()
                ));
                continue;
            }
            followed += 1;
            if !frag.is_empty() && target.extension().is_some_and(|e| e == "html") {
                with_fragment += 1;
                let (_, target_ids) = scan(&std::fs::read_to_string(&target).unwrap());
                if !target_ids.iter().any(|i| i == frag) {
                    problems.push(format!(
                        "{what}: {} has no id `{frag}`",
                        target.strip_prefix(root).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} bad links in the --relative build:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(followed >= 100, "followed only {followed} links");
    assert!(
        with_fragment >= 4,
        "followed only {with_fragment} links with #fragments"
    );
}

#[test]
fn canonical_and_hreflang_links_stay_absolute() {
    let (_site, out) = build_relative();
    let root = out.path();
    let mut canonicals = 0;
    let mut alternates = 0;
    for page in html_files(root) {
        let shown = page.strip_prefix(root).unwrap().display().to_string();
        let (links, _) = scan(&std::fs::read_to_string(&page).unwrap());
        for l in links
            .iter()
            .filter(|l| is_canonical(l) || is_alternate_language(l))
        {
            assert!(
                l.value.starts_with(BASE),
                "{shown}: <link rel=\"{}\" href=\"{}\"> should stay absolute under {BASE}",
                l.rel,
                l.value
            );
            if is_canonical(l) {
                canonicals += 1;
            } else {
                alternates += 1;
            }
        }
    }
    assert!(canonicals >= 12, "only {canonicals} canonical links");
    assert!(alternates >= 10, "only {alternates} hreflang links");

    // One page in detail.
    let html = std::fs::read_to_string(root.join("en/guide/sleep/index.html")).unwrap();
    let (links, _) = scan(&html);
    let find = |pred: &dyn Fn(&Link) -> bool| -> Vec<String> {
        links
            .iter()
            .filter(|l| pred(l))
            .map(|l| l.value.clone())
            .collect()
    };
    assert_eq!(
        find(&is_canonical),
        vec![format!("{BASE}en/guide/sleep/")],
        "{html}"
    );
    let mut hreflang: Vec<(String, String)> = links
        .iter()
        .filter(|l| is_alternate_language(l))
        .map(|l| (l.hreflang.clone().unwrap_or_default(), l.value.clone()))
        .collect();
    hreflang.sort();
    assert_eq!(
        hreflang,
        vec![
            ("en".to_string(), format!("{BASE}en/guide/sleep/")),
            ("zh-Hans".to_string(), format!("{BASE}guide/sleep/")),
        ],
        "{html}"
    );
    // The language switcher is an ordinary link, so it is relative.
    let switcher = find(&|l: &Link| l.tag == "a" && l.hreflang.is_some());
    assert_eq!(
        switcher,
        vec!["../../../guide/sleep/index.html".to_string()]
    );
    // Links inside the text and to static files.
    for expected in [
        "../../../en/guide/play/index.html",
        "../../../style.css",
        "../../../img/pic.svg",
        "../../../app.js",
    ] {
        assert!(
            links.iter().any(|l| l.value == expected),
            "en/guide/sleep/index.html should link to {expected}:\n{html}"
        );
    }
    assert!(
        links
            .iter()
            .any(|l| l.value.ends_with("en/guide/play/index.html#rules")),
        "{html}"
    );
}

#[test]
fn alias_redirects_point_to_the_relative_page() {
    let (_site, out) = build_relative();
    let root = out.path();
    for (alias, target) in [
        ("old-sleep/index.html", "guide/sleep/index.html"),
        ("en/old-sleep/index.html", "en/guide/sleep/index.html"),
    ] {
        let html = std::fs::read_to_string(root.join(alias)).expect(alias);
        let (links, _) = scan(&html);
        let refresh = links
            .iter()
            .find(|l| l.tag == "meta")
            .unwrap_or_else(|| panic!("{alias} has no meta refresh:\n{html}"));
        let dir = root.join(alias).parent().unwrap().to_path_buf();
        let reached = follow(root, &dir, &refresh.value)
            .unwrap_or_else(|| panic!("{alias}: refresh to {} leaves the site", refresh.value));
        assert_eq!(
            reached,
            root.join(target),
            "{alias}: the refresh should go to {target}:\n{html}"
        );
        let canonical = links.iter().find(|l| is_canonical(l)).expect("canonical");
        assert!(canonical.value.starts_with(BASE), "{html}");
    }
}
