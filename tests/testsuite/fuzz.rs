//! The whole path from a content file to written HTML, fuzzed (issue 14): front matter,
//! Markdown, shortcodes, links, the table of contents, the page limits, the link check,
//! minification and (in some cases) the search index. Each case writes one generated
//! `content/a.md` into a copy of `tests/fixtures/fuzz/` and builds it in process on a thread
//! with a 2 MB stack (the size of a rayon worker's). The property: the build returns `Ok` and
//! writes the site, or fails with diagnostics that each name a file; it never panics, never
//! overflows its stack (that aborts the test binary) and never runs past `TIMEOUT`.
//!
//! `cargo test --release --test testsuite fuzz::` runs `DEFAULT_CASES` cases (about a minute). The long
//! run sets the count: `PROPTEST_CASES=50000 cargo test --release --test testsuite fuzz::` (see
//! tests/README.md). A failing case is shrunk and saved under `tests/proptest-regressions/`.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use sprout::pipeline::{BuildOptions, build};

const DEFAULT_CASES: u32 = 2_000;
/// Far above what any generated case needs in a debug build; a stall shows as a failure.
const TIMEOUT: Duration = Duration::from_secs(60);

/// One piece of a generated document.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,60}",
        2 => nesting(),
        1 => long_line(),
        1 => table(),
        2 => heading(),
        3 => shortcode_soup(),
        1 => valid_shortcode(),
        2 => link(),
        1 => odd_unicode(),
        1 => html(),
        1 => Just("<!-- more -->".to_string()),
        1 => Just("[^n]\n\n[^n]: a footnote".to_string()),
        1 => Just("```\ncode {{ note() }}\n```".to_string()),
    ]
}

/// Containers inside each other, on one line or indented, up to well past `max_nesting`.
fn nesting() -> impl Strategy<Value = String> {
    let kinds = prop::sample::select(vec![
        "> ", "- ", "1. ", "* ", "<div>", "<span>", "**", "_", "[", "~~", "    ", "> - ",
    ]);
    (kinds, 0usize..3_000, any::<bool>()).prop_map(|(k, n, lines)| {
        if lines && !k.starts_with('<') {
            (0..n.min(400))
                .map(|i| format!("{}{k}x", "  ".repeat(i)))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            format!("{}deep", k.repeat(n))
        }
    })
}

fn long_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["a", "儿童", " ", "*", "[x]", "\\"]),
        0usize..100_000,
    )
        .prop_map(|(s, n)| s.repeat(n))
}

fn table() -> impl Strategy<Value = String> {
    (1usize..30, 0usize..400, "\\PC{0,8}").prop_map(|(cols, rows, cell)| {
        let cell = cell.replace('|', "\\|");
        let row = |c: &str| format!("|{}\n", format!(" {c} |").repeat(cols));
        let mut t = row("h");
        t.push_str(&row("---"));
        for _ in 0..rows {
            t.push_str(&row(&cell));
        }
        t
    })
}

fn heading() -> impl Strategy<Value = String> {
    (1usize..8, "\\PC{0,20}", prop::option::of("[a-z\\-]{0,8}")).prop_map(|(level, text, id)| {
        match id {
            Some(id) => format!("{} {text} {{#{id}}}", "#".repeat(level)),
            None => format!("{} {text}", "#".repeat(level)),
        }
    })
}

/// Random shortcode-like syntax: most of it malformed.
fn shortcode_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "{{", "}}", "{%", "%}", "{{/*", "*/}}", "{%/*", "*/%}", " note(", " md(", " tag(",
        " nope(", "end", ")", "(", "=", "name", "text", "\"", "'", "`", "[", "]", ",", "1",
        "-2.5e3", "true", " ", "\n", "x",
    ]);
    prop::collection::vec(tokens, 0..30).prop_map(|t| t.concat())
}

fn valid_shortcode() -> impl Strategy<Value = String> {
    ("[a-z 儿]{0,10}", 0usize..50).prop_map(|(text, n)| {
        let one = format!(
            "{{% note() %}}\n{text} *x*\n{{% end %}}\n{{{{ tag(name=\"{text}\") }}}} {{{{ md(text=\"{text}\") }}}}\n"
        );
        one.repeat(n)
    })
}

fn link() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "[to b](@/b.md#here)",
        "[to b](@/b.md)",
        "[missing](@/missing.md)",
        "[bad anchor](@/b.md#nowhere)",
        "[self](#section)",
        "[out](https://example.com/x?a=1&b=2)",
        "![](picture.png)",
        "![a picture](picture.png)",
        "<a href=\"/nowhere/\">x</a>",
        "<https://example.com>",
        "[ref]\n\n[ref]: @/b.md",
    ])
    .prop_map(str::to_string)
}

fn odd_unicode() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\u{202E}reversed\u{202C} \u{200F}rtl\u{200E}",
        "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}",
        "\u{FEFF}bom \u{200B}zero\u{200D}width",
        "👩‍👩‍👧‍👦 🏳️‍🌈",
        "\u{0}nul\u{1}\u{7}\u{1B}[31m",
        "\r\n\r\r\n",
        "ﷺ ﷽ \u{10FFFF}",
    ])
    .prop_map(str::to_string)
}

fn html() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "<div>",
        "</div>",
        "<script>alert(1)</script>",
        "<!-- unclosed comment",
        "<table><tr><td>cell",
        "<p id=\"here\">dup id</p>",
        "<img src=x>",
        "<![CDATA[ x ]]>",
        "<math><mi>x</mi>",
    ])
    .prop_map(str::to_string)
}

fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("+++\ntitle = \"Generated\"\n+++\n".to_string()),
        1 => "\\PC{0,30}".prop_map(|t| format!("+++\ntitle = \"{}\"\n+++\n", t.replace(['"', '\\'], ""))),
        1 => (0usize..3_000).prop_map(|n| format!("+++\ntitle = \"Deep\"\n[extra]\nnote = \"*x*\"\ndeep = {}1{}\n+++\n", "[".repeat(n), "]".repeat(n))),
        1 => Just("+++\ntitle = \"Unclosed\"\n".to_string()),
        1 => Just("+++\ntitel = \"Typo\"\n+++\n".to_string()),
        1 => Just("---\ntitle: Yaml\n---\n".to_string()),
        1 => (0usize..3_000).prop_map(|n| format!("---\ntitle: Deep\nextra:\n  deep: {}1{}\n---\n", "[".repeat(n), "]".repeat(n))),
        1 => Just(String::new()),
    ]
}

/// Bytes spliced into the file: invalid UTF-8, including an encoded lone surrogate.
fn bad_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        vec![0xFF],
        vec![0xED, 0xA0, 0x80],
        vec![0xC0, 0x80],
        vec![0xF0, 0x9F],
    ])
}

fn document() -> impl Strategy<Value = Vec<u8>> {
    (
        front_matter(),
        prop::collection::vec(piece(), 0..12),
        prop::sample::select(vec!["\n", "\n\n", " ", ""]),
        prop::option::weighted(0.05, (bad_bytes(), any::<prop::sample::Index>())),
    )
        .prop_map(|(fm, pieces, sep, bad)| {
            let mut bytes = fm.into_bytes();
            bytes.extend(pieces.join(sep).into_bytes());
            if let Some((b, at)) = bad {
                let i = at.index(bytes.len() + 1);
                bytes.splice(i..i, b);
            }
            bytes
        })
}

/// Build the fuzz site with `a.md` = `doc`; `Err` describes a broken property.
fn build_case(doc: &[u8], search: bool) -> Result<(), String> {
    let site = crate::common::copy_fixture("fuzz");
    let root = site.path().to_path_buf();
    std::fs::write(root.join("content/a.md"), doc).map_err(|e| e.to_string())?;
    if search {
        let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
        let config = config.replace("build_search_index = false", "build_search_index = true");
        std::fs::write(root.join("config.toml"), config).unwrap();
    }
    let (tx, rx) = mpsc::channel();
    let thread_root = root.clone();
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| one_build(&thread_root));
            let _ = tx.send(outcome.unwrap_or_else(|p| {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(format!("the build panicked: {what}"))
            }));
        })
        .map_err(|e| e.to_string())?;
    match rx.recv_timeout(TIMEOUT) {
        Ok(result) => result,
        Err(_) => {
            // Keep the site for the report; the stalled thread still uses it.
            std::mem::forget(site);
            Err(format!("the build did not finish in {TIMEOUT:?}"))
        }
    }
}

fn one_build(root: &Path) -> Result<(), String> {
    match crate::common::build_into(&BuildOptions::new(root)) {
        Ok(built) => built
            .write()
            .map_err(|e| format!("writing the site failed: {e:#}")),
        Err(failed) => {
            for d in &failed.diagnostics {
                if d.file.as_os_str().is_empty() || d.message.is_empty() {
                    return Err(format!("a diagnostic without a file or message: {d}"));
                }
                if d.message.contains("panicked") {
                    return Err(format!("a panic reported as a diagnostic: {d}"));
                }
            }
            Ok(())
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_content_file_builds_or_fails_with_located_errors(
        doc in document(),
        search in prop::bool::weighted(0.05),
    ) {
        if let Err(broken) = build_case(&doc, search) {
            let shown = String::from_utf8_lossy(&doc);
            let shown: String = shown.chars().take(2_000).collect();
            prop_assert!(false, "{broken}\n--- content/a.md (first 2,000 characters) ---\n{shown}");
        }
    }
}

/// The cases from issue 14, each alone: every one builds or fails with an error at its line.
#[test]
fn issue_14_cases_build_or_fail_at_their_line() {
    let deep_quotes = format!(
        "+++\ntitle = \"Q\"\n+++\n\nIntro.\n\n{}x\n",
        "> ".repeat(10_000)
    );
    let deep_lists = format!(
        "+++\ntitle = \"L\"\n+++\n\nIntro.\n\n{}x\n",
        "- ".repeat(5_000)
    );
    for doc in [deep_quotes, deep_lists] {
        let site = crate::common::copy_fixture("fuzz");
        std::fs::write(site.path().join("content/a.md"), &doc).unwrap();
        let failed = match build(&BuildOptions::new(site.path())) {
            Ok(_) => panic!("a page nested 5,000 levels deep must be refused"),
            Err(f) => f,
        };
        let shown: Vec<String> = failed.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|d| d.starts_with("content/a.md:7:")
                && d.contains("nesting deeper than 200 levels")
                && d.contains("`max_nesting`")),
            "{shown:#?}"
        );
    }
}

/// Pagefind's time grows with the square of a page's length, so a page's text goes into the
/// index only up to `[limits] max_search_bytes`: the rest is left out with a warning that names
/// the content file and the knob, and the build finishes in time proportional to the page.
#[test]
fn a_page_longer_than_the_search_limit_is_indexed_in_part_with_a_warning() {
    let site = crate::common::copy_fixture("fuzz");
    let root = site.path();
    let config = std::fs::read_to_string(root.join("config.toml"))
        .unwrap()
        .replace("build_search_index = false", "build_search_index = true")
        + "\n[search]\nengine = \"pagefind\"\n\n[limits]\nmax_search_bytes = 20000\n";
    std::fs::write(root.join("config.toml"), config).unwrap();
    let paragraph = "儿童优先，安全第一。Children first, safety first.\n\n";
    let doc = format!("+++\ntitle = \"Long\"\n+++\n\n{}", paragraph.repeat(2_000));
    std::fs::write(root.join("content/a.md"), doc).unwrap();
    let built = build(&BuildOptions::new(root)).unwrap_or_else(|f| panic!("{f}"));
    let warnings: Vec<String> = built.findings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("content/a.md: warning:")
                && w.contains("first 20000 bytes")
                && w.contains("`max_search_bytes`")),
        "{warnings:#?}"
    );
    assert!(built.output.read("pagefind/pagefind-entry.json").is_some());
}
