use super::*;
use proptest::prelude::*;

struct Fake;

impl Renderer for Fake {
    fn kind(&self, name: &str) -> Option<ShortcodeKind> {
        match name {
            "block" => Some(ShortcodeKind::Html),
            "md" => Some(ShortcodeKind::Markdown),
            _ => None,
        }
    }
    fn shortcode(
        &self,
        name: &str,
        args: &BTreeMap<String, Value>,
        body: Option<&str>,
        nth: usize,
    ) -> Result<String, String> {
        match name {
            "block" => Ok(format!(
                "<div id=\"{}\" data-nth=\"{nth}\">{}</div>\n",
                args.get("id").and_then(Value::as_str).unwrap_or(""),
                body.unwrap_or("").trim()
            )),
            _ => Ok("**bold from md**".into()),
        }
    }
    fn anchor_link(&self, id: &str, _level: u32) -> Result<String, String> {
        Ok(format!("<a href=\"#{id}\">§</a>"))
    }
}

fn settings<'a>(
    md: &'a MarkdownConfig,
    anchors: AnchorLinks,
    resolve: &'a Resolver<'a>,
) -> Settings<'a> {
    Settings {
        markdown: md,
        anchors: SlugifyStrategy::On,
        insert_anchor_links: anchors,
        permalink: "https://x.org/page/",
        resolve,
        max_nesting: 200,
    }
}

fn resolve(path: &str) -> Option<String> {
    (path == "plan/safety.md").then(|| "https://x.org/plan/safety/".to_string())
}

fn render_plain(body: &str) -> Result<Markdown, Vec<MdError>> {
    let md = MarkdownConfig::default();
    render(
        body,
        &settings(&md, AnchorLinks::None, &resolve),
        Some(&Fake),
    )
}

#[test]
fn headings_get_ids_and_toc() {
    let out = render_plain(
        "## 主要目标 {#safety-goals}\n\n### 3.预防溺水 {#safety-measure-3}\n\n## Hello World\n",
    )
    .unwrap();
    insta::assert_snapshot!(out.html, @r###"
    <h2 id="safety-goals">主要目标</h2>
    <h3 id="safety-measure-3">3.预防溺水</h3>
    <h2 id="hello-world">Hello World</h2>
    "###);
    assert_eq!(out.toc.len(), 2);
    assert_eq!(out.toc[0].children[0].id, "safety-measure-3");
    assert_eq!(
        out.toc[0].children[0].permalink,
        "https://x.org/page/#safety-measure-3"
    );
    assert_eq!(out.toc[0].children[0].title, "3.预防溺水");
}

#[test]
fn anchor_links_use_the_renderer() {
    let md = MarkdownConfig::default();
    let out = render(
        "## A {#a}\n",
        &settings(&md, AnchorLinks::Right, &resolve),
        Some(&Fake),
    )
    .unwrap();
    assert_eq!(out.html, "<h2 id=\"a\">A<a href=\"#a\">§</a></h2>\n");
}

#[test]
fn internal_links_resolve_and_are_recorded() {
    let out = render_plain("see [drowning](@/plan/safety.md#safety-measure-3)").unwrap();
    assert!(
        out.html
            .contains("href=\"https://x.org/plan/safety/#safety-measure-3\""),
        "{}",
        out.html
    );
    assert_eq!(
        out.internal_links[0].anchor.as_deref(),
        Some("safety-measure-3")
    );
}

#[test]
fn broken_internal_link_names_its_offset() {
    let body = "line one\n\nsee [x](@/nope.md)\n";
    let errs = render_plain(body).unwrap().problems;
    assert_eq!(errs.len(), 1);
    assert_eq!(&body[errs[0].offset..errs[0].offset + 3], "[x]");
    assert!(errs[0].message.contains("@/nope.md"));
}

#[test]
fn html_shortcode_replaces_its_paragraph() {
    let out =
        render_plain("intro\n\n{% block(id=\"g-1\") %}\n目标\n{% end %}\n\nafter [x](@/nope.md)")
            .unwrap()
            .problems;
    // offsets after a shortcode still point into the original text
    assert!(out[0].offset > 30);
    let out = render_plain("intro\n\n{% block(id=\"g-1\") %}\n目标\n{% end %}\n\nafter").unwrap();
    insta::assert_snapshot!(out.html, @r###"
    <p>intro</p>
    <div id="g-1" data-nth="1">目标</div>
    <p>after</p>
    "###);
}

#[test]
fn markdown_shortcode_is_rendered_as_markdown() {
    let out = render_plain("x {{ md() }}").unwrap();
    assert_eq!(out.html, "<p>x <strong>bold from md</strong></p>\n");
}

#[test]
fn images_need_alt_text() {
    let body = "ok ![a river](r.png)\n\nbad ![](x.png)";
    let problems = render_plain(body).unwrap().missing_alt;
    assert_eq!(problems.len(), 1);
    assert_eq!(&body[problems[0].offset..problems[0].offset + 4], "![](");
    assert!(problems[0].message.contains("alt text"));
}

#[test]
fn unknown_shortcode_is_an_error() {
    let errs = render_plain("a\n{{ nope(x=1) }}").unwrap_err();
    assert!(errs[0].message.contains("unknown shortcode `nope`"));
    assert_eq!(errs[0].offset, 2);
}

#[test]
fn summary_splits_at_more() {
    let out = render_plain("first\n\n<!-- more -->\n\nsecond").unwrap();
    assert_eq!(out.summary.as_deref(), Some("<p>first</p>\n"));
    assert!(out.html.contains("continue-reading"));
    assert!(out.html.contains("<p>second</p>"));
}

#[test]
fn markdown_options_follow_zola() {
    let md = MarkdownConfig {
        external_links_class: Some("ext".into()),
        external_links_external: false,
        lazy_async_image: true,
        definition_list: true,
        render_emoji: true,
        ..Default::default()
    };
    let out = render(
        "[a](https://e.org \"T\")\n\n![a \"b\"](x.png)\n\nTerm\n: Definition\n",
        &settings(&md, AnchorLinks::None, &resolve),
        None,
    )
    .unwrap();
    assert!(
        out.html
            .contains("<a class=\"ext\" title=\"T\" href=\"https://e.org\">a</a>"),
        "{}",
        out.html
    );
    assert!(
        out.html.contains(
            "<img src=\"x.png\" alt=\"a &quot;b&quot;\" loading=\"lazy\" decoding=\"async\" />"
        ),
        "{}",
        out.html
    );
    assert!(out.html.contains("<dl>"), "{}", out.html);
    let out = render(
        "I :heart: it `:heart:`",
        &settings(&md, AnchorLinks::None, &resolve),
        None,
    )
    .unwrap();
    assert!(
        out.html.contains("I ❤️ it <code>:heart:</code>"),
        "{}",
        out.html
    );
}

#[test]
fn external_links_get_configured_attributes() {
    let md = MarkdownConfig {
        external_links_target_blank: true,
        external_links_no_follow: true,
        external_links_no_referrer: true,
        ..Default::default()
    };
    let out = render(
        "[a](https://e.org)",
        &settings(&md, AnchorLinks::None, &resolve),
        None,
    )
    .unwrap();
    assert_eq!(
        out.html,
        "<p><a rel=\"noopener nofollow noreferrer external\" target=\"_blank\" href=\"https://e.org\">a</a></p>\n"
    );
    assert_eq!(out.external_links, vec!["https://e.org"]);
}

#[test]
fn tables_and_footnotes_render() {
    let out = render_plain("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note\n").unwrap();
    assert!(out.html.contains("<table>"));
    assert!(out.html.contains("footnote-definition"));
}

proptest! {
    #[test]
    fn rendering_never_panics(s in "(\\PC|\n|#|\\[|\\]|\\(|\\)|@/|\\{\\{|\\}\\}|\\{%|%\\}|end|<!-- more -->){0,80}") {
        let _ = render_plain(&s);
    }
}
