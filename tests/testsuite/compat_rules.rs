//! Zola's rules that real Zola sites rely on, each checked on a fixture written for Zola 0.22
//! (`tests/fixtures/zola-compat/`): the configuration file is found as Zola finds it, keys
//! Zola ignores are warnings, and shortcode calls follow Zola's grammar (whitespace-separated
//! arguments, rejected calls printed as text, nesting, calls inside code blocks).

use crate::common::fixture;
use sprout::output::Body;
use sprout::pipeline::{BuildOptions, Built, build};

fn built() -> Built {
    let opts = BuildOptions::new(fixture("zola-compat"));
    match build(&opts) {
        Ok(b) => b,
        Err(failed) => panic!("the Zola fixture should build, but:\n{failed}"),
    }
}

fn page(built: &Built, path: &str) -> String {
    match built.output.get(path) {
        Some(Body::Bytes(b)) => String::from_utf8_lossy(&b[..]).into_owned(),
        other => panic!("{path}: {other:?}"),
    }
}

fn warnings(built: &Built) -> Vec<String> {
    built
        .findings
        .iter()
        .filter(|d| !d.is_error())
        .map(ToString::to_string)
        .collect()
}

#[test]
fn zola_toml_is_read_before_config_toml() {
    // The fixture's config.toml has an unknown key and another base_url: it must be ignored.
    let b = built();
    assert_eq!(b.config.base_url, "https://example.org");
    assert_eq!(b.config.file.to_str(), Some("zola.toml"));
}

#[test]
fn section_only_keys_on_a_page_are_warnings_naming_the_line() {
    let w = warnings(&built());
    for (key, line) in [("sort_by", 5), ("insert_anchor_links", 6)] {
        let at = format!("content/blog/calls.md:{line}:1: warning: `{key}` only applies");
        assert!(w.iter().any(|m| m.starts_with(&at)), "{at} in {w:#?}");
    }
}

#[test]
fn shortcode_arguments_may_be_separated_by_whitespace() {
    let html = page(&built(), "blog/calls/index.html");
    assert!(
        html.contains(r#"<span class="args">one|2|true</span>"#),
        "{html}"
    );
}

#[test]
fn a_call_zola_would_print_as_text_is_text_with_a_warning() {
    let b = built();
    let html = page(&b, "blog/calls/index.html");
    assert!(
        html.contains("Broken: {{ args(a=) }} stays text."),
        "{html}"
    );
    let w = warnings(&b);
    assert!(
        w.iter()
            .any(|m| m.starts_with("content/blog/calls.md:11:9:") && m.contains("printed as text")),
        "{w:#?}"
    );
}

#[test]
fn nested_shortcodes_render_into_the_outer_body_as_in_zola() {
    let html = page(&built(), "blog/calls/index.html");
    // Whitespace between the pieces aside (templates' trailing newlines), as Zola renders it.
    let expected = regex::Regex::new(concat!(
        r#"<div class="box box-outer" data-nth="1">Outer <span class="args">inner-inline\|1\|false</span>\s*"#,
        r#"<div class="box box-inner" data-nth="2">Inner body</div>\s*</div>"#
    ))
    .unwrap();
    assert!(expected.is_match(&html), "{html}");
}

#[test]
fn an_html_shortcode_inside_a_code_block_is_shown_as_code() {
    let html = page(&built(), "blog/calls/index.html");
    assert!(
        html.contains("code &lt;span class=&quot;args&quot;&gt;in-code|3|true&lt;/span&gt;"),
        "{html}"
    );
    assert!(!html.contains(r#"<span class="args">in-code"#), "{html}");
}

/// The text of the first element with `class`.
fn class_text(html: &str, class: &str) -> String {
    let open = format!("class=\"{class}\">");
    let start = html.find(&open).map(|i| i + open.len()).expect(class);
    html[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn config_tables_iterate_in_the_order_the_file_writes_them() {
    // Zola builds Tera with `preserve_order`: a theme's `[extra.menu]` keeps its order.
    let home = page(&built(), "index.html");
    assert_eq!(class_text(&home, "menu"), "zebra;apple;mango;");
}

#[test]
fn only_sorted_sections_give_pages_neighbours() {
    let b = built();
    // blog/ is sorted by date, newest first, as Zola: Second (2024-01-03) then Calls.
    assert_eq!(
        class_text(&page(&b, "blog/calls/index.html"), "neighbours"),
        "Second|"
    );
    assert_eq!(
        class_text(&page(&b, "blog/second/index.html"), "neighbours"),
        "|Calls"
    );
    // pages/ has no sort_by: as in Zola, no lower or higher.
    for p in ["pages/about/index.html", "pages/archive/index.html"] {
        assert_eq!(class_text(&page(&b, p), "neighbours"), "|", "{p}");
    }
}

#[test]
fn the_built_in_anchor_link_is_zolas() {
    let html = page(&built(), "blog/calls/index.html");
    let zola = r##"<a class="zola-anchor" href="#anchored" aria-label="Anchor link for: anchored">🔗</a>"##;
    assert!(html.contains(zola), "{html}");
}

#[test]
fn get_url_follows_zolas_rules() {
    let b = built();
    let home = page(&b, "index.html");
    assert_eq!(
        class_text(&home, "own-prefix"),
        "https://example.org/fr/a-propos"
    );
    assert_eq!(
        class_text(&home, "added-prefix"),
        "https://example.org/fr/blog/"
    );
    assert_eq!(class_text(&home, "stripped"), "https://example.org/blog");
    assert_eq!(class_text(&home, "unescaped"), "https://example.org/a&b");
}

#[test]
fn cachebust_finds_colocated_files_in_content() {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(b"colocated data\n");
    let hex: String = hash[..10].iter().map(|b| format!("{b:02x}")).collect();
    let home = page(&built(), "index.html");
    assert_eq!(
        class_text(&home, "cachebust"),
        format!("https://example.org/blog/data.txt?h={hex}")
    );
}

#[test]
fn a_front_matter_path_is_taken_as_given() {
    let b = built();
    assert!(b.output.contains("fr/a-propos/index.html"));
    assert!(!b.output.contains("fr/fr/a-propos/index.html"));
}

#[test]
fn a_language_without_an_index_file_gets_an_index_section() {
    let b = built();
    let fr = page(&b, "fr/index.html");
    assert_eq!(class_text(&fr, "langs"), "en;");
    let en = page(&b, "index.html");
    assert_eq!(class_text(&en, "langs"), "fr;");
}

#[test]
fn languages_inherit_nothing_from_the_top_level() {
    let b = built();
    let fr = page(&b, "fr/index.html");
    assert_eq!(class_text(&fr, "description"), "none");
    assert_eq!(class_text(&fr, "feeds"), "false");
    assert!(b.output.contains("atom.xml"));
    assert!(!b.output.contains("fr/atom.xml"));
    let en = page(&b, "index.html");
    assert_eq!(class_text(&en, "description"), "Top-level description");
}

#[test]
fn not_found_pages_have_current_url_and_lang() {
    let b = built();
    assert_eq!(
        class_text(&page(&b, "404.html"), "current"),
        "https://example.org/404.html|en"
    );
    assert_eq!(
        class_text(&page(&b, "fr/404.html"), "current"),
        "https://example.org/fr/404.html|fr"
    );
}

#[test]
fn sass_is_compiled_as_zola_compiles_it() {
    let b = built();
    match b.output.get("site.css") {
        Some(Body::Bytes(css)) => {
            assert_eq!(String::from_utf8_lossy(&css[..]), "main a{color:#05a}")
        }
        other => panic!("site.css: {other:?}"),
    }
    assert!(b.output.contains("nested/print.css"));
    assert!(!b.output.contains("_colors.css"));
}

#[test]
fn zolas_filters_and_functions_are_there() {
    let home = page(&built(), "index.html");
    assert_eq!(class_text(&home, "b64"), "aGk=");
    assert_eq!(class_text(&home, "regex"), "a+b+c");
    assert_eq!(
        class_text(&home, "hash"),
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    );
    assert_eq!(class_text(&home, "data-content"), "colocated data");
    assert_eq!(class_text(&home, "data-search"), "colocated data");
    assert_eq!(class_text(&home, "date-locale"), "janvier");
}

#[test]
fn image_metadata_and_cachebusting_compiled_sass_work_as_in_zola() {
    use sha2::{Digest, Sha256};
    let home = page(&built(), "index.html");
    assert_eq!(class_text(&home, "image"), "30x20 svg");
    let hash = Sha256::digest(b"main a{color:#05a}");
    let hex: String = hash[..10].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        class_text(&home, "sass-cachebust"),
        format!("https://example.org/site.css?h={hex}")
    );
}

#[test]
fn a_build_shows_ten_of_sprouts_own_link_warnings_and_counts_the_rest() {
    // A Zola site with 25 links to pages it does not have, which Zola does not check: the
    // build prints ten of them and one line counting the others, not 25 lines.
    let dir = crate::common::copy_fixture("zola-compat");
    let links: String = (0..25)
        .map(|i| format!("[gone {i}](/gone-{i}/)\n\n"))
        .collect();
    std::fs::write(
        dir.path().join("content/pages/links.md"),
        format!("+++\ntitle = \"Links\"\n+++\n{links}"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sprout"))
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .expect("run sprout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let shown = stderr.lines().filter(|l| l.contains("/gone-")).count();
    assert_eq!(shown, 10, "{stderr}");
    assert!(
        stderr.contains("… and 15 more warnings from sprout's own check of links, anchors and alt text (Zola does not make it); `sprout check` lists every one"),
        "{stderr}"
    );
}
