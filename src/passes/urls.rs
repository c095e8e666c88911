//! The one URL layer of the built site: which elements and attributes hold URLs, and what a URL
//! found there is (a path of this site with its fragment, a path outside the base path, another
//! site, or no page at all). The link check, `--relative` and `check --external` all ask here.

use crate::config::Config;

/// Every `(element, attribute)` whose value is a URL (`srcset` holds a list of them).
pub const URL_ATTRIBUTES: &[(&str, &str)] = &[
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("script", "src"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("form", "action"),
];

/// A lol_html selector matching every element that may hold a URL attribute.
pub fn selector() -> String {
    URL_ATTRIBUTES
        .iter()
        .map(|(el, attr)| format!("{el}[{attr}]"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`selector`], parsed once.
pub fn url_selector() -> &'static lol_html::Selector {
    static SELECTOR: std::sync::OnceLock<lol_html::Selector> = std::sync::OnceLock::new();
    SELECTOR.get_or_init(|| {
        selector()
            .parse()
            .expect("the URL attribute selector is valid")
    })
}

/// The URL attributes of element `tag`.
pub fn attributes_of(tag: &str) -> impl Iterator<Item = &'static str> + '_ {
    URL_ATTRIBUTES
        .iter()
        .filter(move |(el, _)| el.eq_ignore_ascii_case(tag))
        .map(|(_, attr)| *attr)
}

/// The URLs in one attribute value: one, or each candidate of a `srcset`.
pub fn urls_in<'a>(attribute: &str, value: &'a str) -> Vec<&'a str> {
    if attribute == "srcset" {
        srcset_candidates(value).map(|(url, _)| url).collect()
    } else {
        vec![value]
    }
}

/// The attribute value with every URL in it passed through `f` (each `srcset` candidate keeps
/// its width or density descriptor).
pub fn map_urls(attribute: &str, value: &str, f: impl Fn(&str) -> String) -> String {
    if attribute != "srcset" {
        return f(value);
    }
    srcset_candidates(value)
        .map(|(url, descriptor)| match descriptor {
            "" => f(url),
            d => format!("{} {d}", f(url)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn srcset_candidates(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(',').filter_map(|c| {
        let c = c.trim();
        let (url, descriptor) = c.split_once(char::is_whitespace).unwrap_or((c, ""));
        (!url.is_empty()).then(|| (url, descriptor.trim()))
    })
}

/// Attribute values as the browser sees them (`&#x2F;` is `/`): lol_html gives them raw.
pub fn decode(value: &str) -> String {
    html_escape::decode_html_entities(value).into_owned()
}

/// What a URL found in a page of the built site points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// A path of this site (`/plan/`, base path removed; still percent-encoded) and fragment.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// Root-relative but outside the site's base path, so it cannot be one of ours.
    OutsideBase { path: String },
    /// Another site (`https://…`, `//host/…`).
    External,
    /// No page at all: empty, `mailto:`, `tel:`, `data:`, `javascript:`.
    NotAPage,
}

/// Classify `link`, found in the page at output path `page_file` (`en/plan/index.html`).
pub fn classify(link: &str, page_file: &str, config: &Config, base_path: &str) -> Link {
    let link = link.trim();
    if link.is_empty()
        || ["mailto:", "tel:", "data:", "javascript:"]
            .iter()
            .any(|s| link.starts_with(s))
    {
        return Link::NotAPage;
    }
    let (without_frag, fragment) = match link.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (link, None),
    };
    let url = without_frag.split('?').next().unwrap_or("");
    let path = if let Some(rest) = url.strip_prefix(&config.base_url) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if url.contains("://") || url.starts_with("//") {
        return Link::External;
    } else if url.is_empty() {
        format!("/{page_file}")
    } else if !url.starts_with('/') {
        resolve_relative(page_file, url)
    } else if let Some(inside) = url
        .strip_prefix(base_path.trim_end_matches('/'))
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
    {
        format!("/{}", inside.trim_start_matches('/'))
    } else {
        return Link::OutsideBase {
            path: url.to_string(),
        };
    };
    Link::Internal { path, fragment }
}

/// Resolve `rel` against the folder of `page_file` (`en/plan/index.html`).
pub fn resolve_relative(page_file: &str, rel: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(base: &str) -> Config {
        Config::parse(&format!("base_url = \"{base}\""), Path::new("config.toml")).unwrap()
    }

    fn internal(path: &str, fragment: Option<&str>) -> Link {
        Link::Internal {
            path: path.into(),
            fragment: fragment.map(Into::into),
        }
    }

    #[test]
    fn base_path_is_respected() {
        let c = config("https://x.org/children");
        let bp = c.base_path();
        let at = |l: &str| classify(l, "index.html", &c, &bp);
        assert_eq!(at("/children/plan/"), internal("/plan/", None));
        assert_eq!(
            at("https://x.org/children/plan/#a"),
            internal("/plan/", Some("a"))
        );
        assert_eq!(
            at("/plan/"),
            Link::OutsideBase {
                path: "/plan/".into()
            }
        );
        assert_eq!(
            at("/childrens-fund/"),
            Link::OutsideBase {
                path: "/childrens-fund/".into()
            }
        );
        assert_eq!(at("https://other.org/"), Link::External);
        assert_eq!(at("mailto:a@b.org"), Link::NotAPage);
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

    #[test]
    fn srcset_candidates_keep_their_descriptors() {
        assert_eq!(
            urls_in("srcset", "/a.png 1x, /b.png 2x"),
            vec!["/a.png", "/b.png"]
        );
        assert_eq!(
            map_urls("srcset", "/a.png 480w,/b.png", |u| format!("x{u}")),
            "x/a.png 480w, x/b.png"
        );
        assert_eq!(urls_in("src", "/a b.png"), vec!["/a b.png"]);
    }

    #[test]
    fn media_and_embeds_hold_urls() {
        for (el, attr) in [
            ("video", "src"),
            ("audio", "src"),
            ("source", "srcset"),
            ("embed", "src"),
            ("img", "srcset"),
        ] {
            assert!(attributes_of(el).any(|a| a == attr), "{el}[{attr}]");
        }
    }
}
