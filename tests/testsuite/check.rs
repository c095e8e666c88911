//! `sprout check` and `sprout stamp` on fixture sites (tests/fixtures/check-*): a clean site
//! passes with a summary; a site with several problems fails and lists every one of them in one
//! run; each kind of problem the README promises is reported on its own; `stamp` records the
//! source hash and a later change to the source makes the translation stale.

use crate::common::copy_fixture;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sprout");

/// What a `sprout` run printed and whether it succeeded.
struct Run {
    success: bool,
    /// stdout then stderr.
    output: String,
}

/// Run `sprout ARGS` with the site as working directory (so `content/...` arguments and
/// `--root` name the same files).
fn sprout(site: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(site)
        .output()
        .expect("run sprout");
    Run {
        success: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn check(site: &Path) -> Run {
    sprout(site, &["check", "--root", &site.to_string_lossy()])
}

fn edit(site: &Path, file: &str, f: impl FnOnce(&str) -> String) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).expect("read the fixture file");
    let changed = f(&text);
    assert_ne!(changed, text, "the edit of {file} changed nothing");
    std::fs::write(&path, changed).expect("write the fixture file");
}

fn restamp(site: &Path, translation: &str) {
    let run = sprout(site, &["stamp", translation]);
    assert!(run.success, "stamp {translation} failed:\n{}", run.output);
}

/// The `check: N files, E errors, W warnings` summary, as (errors, warnings).
fn summary(output: &str) -> Option<(usize, usize)> {
    let re =
        regex::Regex::new(r"(?m)^check: \d+ files?, (\d+) errors?, (\d+) warnings? in [0-9.]+s$")
            .expect("regex");
    let c = re.captures(output)?;
    Some((c[1].parse().ok()?, c[2].parse().ok()?))
}

/// Whether one line of `output` contains every one of `parts`.
fn has_line(output: &str, parts: &[&str]) -> bool {
    output.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn a_clean_site_passes_with_a_summary() {
    let site = copy_fixture("check-clean");
    let run = check(site.path());
    assert!(
        run.success,
        "check failed on the clean fixture:\n{}",
        run.output
    );
    assert_eq!(
        summary(&run.output),
        Some((0, 0)),
        "expected a summary with 0 errors and 0 warnings:\n{}",
        run.output
    );
    assert!(
        !run.output.contains("error:") && !run.output.contains("warning:"),
        "{}",
        run.output
    );
    // check builds in memory: it writes no output folder.
    assert!(
        !site.path().join("public").exists(),
        "check must not write public/"
    );
}

#[test]
fn every_problem_is_listed_together() {
    let site = copy_fixture("check-problems");
    let run = check(site.path());
    assert!(
        !run.success,
        "check should fail on the problem fixture:\n{}",
        run.output
    );
    let expected: &[(&str, &[&str])] = &[
        (
            "missing translation",
            &["content/missing.md", "no `en` translation"],
        ),
        ("stale translation", &["content/stale.en.md", "stale"]),
        (
            "Markdown image without alt text",
            &["content/photo.md", "alt"],
        ),
        (
            "HTML image without alt text",
            &["content/photo.en.md", "alt"],
        ),
        ("alias collision", &["content/old-about.md", "/about/"]),
        ("broken link", &["content/links.md", "/nowhere/"]),
        (
            "broken link (translation)",
            &["content/links.en.md", "/nowhere/"],
        ),
    ];
    let missing: Vec<&str> = expected
        .iter()
        .filter(|(_, parts)| !has_line(&run.output, parts))
        .map(|(what, _)| *what)
        .collect();
    assert!(
        missing.is_empty(),
        "check should list every problem in one run; not listed: {missing:?}\noutput:\n{}",
        run.output
    );
    let (errors, _) = summary(&run.output)
        .unwrap_or_else(|| panic!("check should end with its summary line:\n{}", run.output));
    assert!(
        errors >= expected.len(),
        "the summary counts {errors} errors for {} problems:\n{}",
        expected.len(),
        run.output
    );
}

#[test]
fn a_missing_translation_is_an_error() {
    let site = copy_fixture("check-clean");
    std::fs::write(
        site.path().join("content/new.md"),
        "+++\ntitle = \"新的一页\"\n+++\n这一页还没有翻译。\n",
    )
    .expect("write");
    let run = check(site.path());
    assert!(!run.success, "{}", run.output);
    assert!(
        has_line(
            &run.output,
            &["content/new.md", "error", "no `en` translation"]
        ),
        "{}",
        run.output
    );
    assert_eq!(summary(&run.output), Some((1, 0)), "{}", run.output);
}

#[test]
fn stamp_records_the_source_hash_and_a_later_change_makes_the_translation_stale() {
    let site = copy_fixture("check-clean");
    let root = site.path();
    let translation = "content/reading.en.md";
    // Start from a translation that never recorded its source.
    edit(root, translation, |t| {
        t.lines()
            .filter(|l| !l.starts_with("source_hash") && l.trim() != "[extra]")
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let unstamped = check(root);
    assert!(
        unstamped.success,
        "an unstamped translation is only a warning:\n{}",
        unstamped.output
    );
    assert!(
        has_line(
            &unstamped.output,
            &[translation, "warning", "sprout stamp content/reading.en.md"]
        ),
        "{}",
        unstamped.output
    );
    assert_eq!(summary(&unstamped.output), Some((0, 1)));

    let stamped = sprout(root, &["stamp", translation]);
    assert!(stamped.success, "stamp failed:\n{}", stamped.output);
    let text = std::fs::read_to_string(root.join(translation)).expect("read");
    let re = regex::Regex::new(r#"(?m)^\[extra\]\nsource_hash = "([0-9a-f]{16})"$"#).unwrap();
    let hash = re
        .captures(&text)
        .unwrap_or_else(|| panic!("stamp should write [extra] source_hash:\n{text}"))[1]
        .to_string();
    assert!(
        stamped.output.contains(&hash),
        "stamp should print the hash it wrote:\n{}",
        stamped.output
    );
    assert!(
        text.contains("Read with your child every day."),
        "stamp must keep the translation's text:\n{text}"
    );
    let fresh = check(root);
    assert!(fresh.success, "{}", fresh.output);
    assert_eq!(summary(&fresh.output), Some((0, 0)), "{}", fresh.output);

    // Changing only the source's front matter is not a change of the text.
    edit(root, "content/reading.md", |t| {
        t.replace("title = \"阅读\"", "title = \"一起阅读\"")
    });
    let retitled = check(root);
    assert!(retitled.success, "{}", retitled.output);

    // Changing a sentence of the source makes the translation stale.
    edit(root, "content/reading.md", |t| {
        t.replace("每天和孩子一起读书。", "每天睡前和孩子一起读二十分钟书。")
    });
    let stale = check(root);
    assert!(
        !stale.success,
        "a stale translation is an error:\n{}",
        stale.output
    );
    assert!(
        has_line(&stale.output, &[translation, "error", "stale"]),
        "check should name the stale translation:\n{}",
        stale.output
    );
    assert_eq!(summary(&stale.output), Some((1, 0)), "{}", stale.output);
    // The build reports it in its translation report, and still builds.
    let out = tempfile::tempdir().expect("temp dir");
    let build = sprout(
        root,
        &[
            "build",
            "--root",
            &root.to_string_lossy(),
            "--output-dir",
            &out.path().to_string_lossy(),
        ],
    );
    assert!(build.success, "{}", build.output);
    assert!(
        has_line(&build.output, &["stale", "content/reading.en.md"]),
        "{}",
        build.output
    );

    // Updating the translation and stamping again clears it.
    edit(root, translation, |t| {
        t.replace(
            "Read with your child every day.",
            "Read with your child for twenty minutes before bed every day.",
        )
    });
    let restamped = sprout(root, &["stamp", translation]);
    assert!(restamped.success, "{}", restamped.output);
    let text = std::fs::read_to_string(root.join(translation)).expect("read");
    let new_hash = re.captures(&text).expect("source_hash")[1].to_string();
    assert_ne!(new_hash, hash, "the source changed, so must its hash");
    assert_eq!(
        text.matches("source_hash").count(),
        1,
        "stamp should replace the hash, not add one:\n{text}"
    );
    let again = check(root);
    assert!(again.success, "{}", again.output);
    assert_eq!(summary(&again.output), Some((0, 0)), "{}", again.output);
}

#[test]
fn stamp_refuses_a_file_that_is_not_a_translation() {
    let site = copy_fixture("check-clean");
    let before = std::fs::read_to_string(site.path().join("content/reading.md")).unwrap();
    let run = sprout(site.path(), &["stamp", "content/reading.md"]);
    assert!(!run.success, "{}", run.output);
    assert!(run.output.contains("not a translation"), "{}", run.output);
    let after = std::fs::read_to_string(site.path().join("content/reading.md")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_markdown_image_without_alt_text_is_reported() {
    let site = copy_fixture("check-clean");
    edit(site.path(), "content/reading.md", |t| {
        t.replace("![一个孩子在读书](/reading.svg)", "![](/reading.svg)")
    });
    // Only the image is wrong: the translation is stamped against the new text.
    restamp(site.path(), "content/reading.en.md");
    let run = check(site.path());
    assert!(
        !run.success,
        "`![](/reading.svg)` has no alt text; check should fail:\n{}",
        run.output
    );
    assert!(
        has_line(&run.output, &["content/reading.md", "alt"]),
        "check should name content/reading.md and the missing alt text:\n{}",
        run.output
    );
}

#[test]
fn an_html_image_without_alt_text_is_reported() {
    let site = copy_fixture("check-clean");
    edit(site.path(), "content/reading.en.md", |t| {
        t.replace(
            "![A child reading a book](/reading.svg)",
            "<img src=\"/reading.svg\">",
        )
    });
    let run = check(site.path());
    assert!(!run.success, "{}", run.output);
    assert!(
        has_line(
            &run.output,
            &["content/reading.en.md", "error", "no alt text"]
        ),
        "{}",
        run.output
    );
}

#[test]
fn an_alias_colliding_with_a_page_is_reported() {
    let site = copy_fixture("check-clean");
    edit(site.path(), "content/reading.md", |t| {
        t.replace(
            "aliases = [\"/books/\"]",
            "aliases = [\"/books/\", \"/about/\"]",
        )
    });
    let run = check(site.path());
    assert!(!run.success, "{}", run.output);
    assert!(
        has_line(
            &run.output,
            &["content/about.md", "content/reading.md", "/about/"]
        ),
        "check should name both files and the URL:\n{}",
        run.output
    );
}

#[test]
fn broken_links_and_anchors_are_reported_together() {
    let site = copy_fixture("check-clean");
    edit(site.path(), "content/about.md", |t| {
        format!("{t}\n[没有这一页](/nowhere/)，[没有这个锚点](/reading/#no-such-anchor)。\n")
    });
    restamp(site.path(), "content/about.en.md");
    let run = check(site.path());
    assert!(!run.success, "{}", run.output);
    assert!(
        has_line(&run.output, &["content/about.md", "/nowhere/"]),
        "{}",
        run.output
    );
    assert!(
        has_line(&run.output, &["content/about.md", "no-such-anchor"]),
        "{}",
        run.output
    );
}

#[test]
fn a_site_using_the_built_in_404_template_passes() {
    // Zola ships a 404 template, so a site need not write one.
    let site = copy_fixture("check-clean");
    std::fs::remove_file(site.path().join("templates/404.html")).expect("remove");
    let run = check(site.path());
    assert!(
        run.success,
        "a site without its own 404.html should pass check:\n{}",
        run.output
    );
    assert_eq!(summary(&run.output), Some((0, 0)), "{}", run.output);
}
