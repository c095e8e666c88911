//! Property tests: splitting front matter and rendering Markdown (with `@/` link resolution and
//! shortcodes) never panic, whatever the input, and errors point inside the input.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use sprout::config::{AnchorLinks, MarkdownConfig};
use sprout::content::front_matter::split;
use sprout::markdown::{Renderer, Settings, ShortcodeKind, render};
use sprout::slugs::SlugifyStrategy;

/// Text that looks like content files: delimiters, keys, links, shortcodes, CJK, line endings.
fn content() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("+++".to_string()),
        Just("---".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("title = \"x\"".to_string()),
        Just("title: x".to_string()),
        Just("[x](@/a.md)".to_string()),
        Just("[x](@/a.md#b)".to_string()),
        Just("[x](@/".to_string()),
        Just("](@/#)".to_string()),
        Just("[y]: @/a.md#".to_string()),
        Just("{{ sc(a=1) }}".to_string()),
        Just("{% sc(b=\"x\") %}".to_string()),
        Just("{% end %}".to_string()),
        Just("{{/* sc() */}}".to_string()),
        Just("<!-- more -->".to_string()),
        Just("## 标题 {#id}".to_string()),
        Just("儿童".to_string()),
        Just("`".to_string()),
        Just("```".to_string()),
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

struct Shortcodes;

impl Renderer for Shortcodes {
    fn kind(&self, name: &str) -> Option<ShortcodeKind> {
        match name {
            "sc" => Some(ShortcodeKind::Html),
            "md" => Some(ShortcodeKind::Markdown),
            _ => None,
        }
    }

    fn shortcode(
        &self,
        _name: &str,
        args: &BTreeMap<String, Value>,
        body: Option<&str>,
        nth: usize,
    ) -> Result<String, String> {
        Ok(format!(
            "<span data-n=\"{nth}\">{}{}</span>",
            args.len(),
            body.unwrap_or("")
        ))
    }

    fn anchor_link(&self, id: &str, _level: u32) -> Result<String, String> {
        Ok(format!("<a href=\"#{id}\">#</a>"))
    }
}

fn resolve(path: &str) -> Option<String> {
    path.len()
        .is_multiple_of(2)
        .then(|| format!("https://example.org/{path}/"))
}

fn render_all_ways(body: &str) {
    let md = MarkdownConfig::default();
    for anchors in [AnchorLinks::None, AnchorLinks::Left, AnchorLinks::Heading] {
        let settings = Settings {
            markdown: &md,
            anchors: SlugifyStrategy::On,
            insert_anchor_links: anchors,
            permalink: "https://example.org/page/",
            resolve: &resolve,
            max_nesting: 200,
        };
        for renderer in [None, Some(&Shortcodes as &dyn Renderer)] {
            match render(body, &settings, renderer) {
                Ok(out) => {
                    for link in &out.internal_links {
                        assert!(link.offset <= body.len(), "link offset outside the body");
                    }
                }
                Err(errors) => {
                    assert!(!errors.is_empty());
                    for e in errors {
                        assert!(e.offset <= body.len(), "error offset outside the body");
                        assert!(!e.message.is_empty());
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn front_matter_split_never_panics(text in content()) {
        let file = Path::new("content/x.md");
        match split(&text, file) {
            Ok(s) => {
                prop_assert!(s.front_matter_line >= 1);
                prop_assert!(s.body_line > s.front_matter_line);
                prop_assert!(text.contains(s.body));
                prop_assert!(text.contains(s.front_matter));
            }
            Err(d) => {
                prop_assert!(d.line >= 1);
                prop_assert!(d.line <= text.lines().count().max(1) + 1);
            }
        }
    }

    #[test]
    fn front_matter_split_never_panics_on_any_string(text in "\\PC*") {
        let _ = split(&text, Path::new("content/x.md"));
    }

    #[test]
    fn markdown_and_link_resolution_never_panic(body in content()) {
        render_all_ways(&body);
    }

    #[test]
    fn markdown_never_panics_on_any_string(body in "\\PC*") {
        render_all_ways(&body);
    }
}
