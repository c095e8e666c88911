//! Indicator data: a good data set builds pages, charts and downloads in both languages; each
//! kind of bad data fails the build with the file, line and field named, and leaves the
//! previous output untouched. Cases live in tests/fixtures/indicators/cases/<case>/data/.

use crate::common::copy_dir;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    crate::common::fixture("indicators")
}

/// A copy of the fixture with the case's data files laid over it, and a `public/` holding a
/// sentinel from an earlier build.
fn site_for(case: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path(), &["cases"]);
    if let Some(case) = case {
        copy_dir(&fixture().join("cases").join(case), dir.path(), &[]);
    }
    fs::create_dir_all(dir.path().join("public")).unwrap();
    fs::write(dir.path().join("public/sentinel.html"), "previous build").unwrap();
    dir
}

fn run_build(root: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .args(["build", "--root"])
        .arg(root)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn good_data_builds_every_page_chart_and_download() {
    let site = site_for(None);
    let (ok, stderr) = run_build(site.path());
    assert!(ok, "{stderr}");
    let public = site.path().join("public");
    assert!(
        !public.join("sentinel.html").exists(),
        "a good build replaces public/"
    );
    for prefix in ["", "en/"] {
        for page in [
            "indicators/index.html",
            "indicators/health/index.html",
            "indicators/neonatal-mortality/index.html",
        ] {
            assert!(
                public.join(prefix).join(page).exists(),
                "{prefix}{page} missing"
            );
        }
    }
    let page =
        fs::read_to_string(public.join("en/indicators/neonatal-mortality/index.html")).unwrap();
    assert!(page.contains(r#"role="img""#), "chart missing");
    assert!(
        page.contains("National 2020: 3.4‰; Bayannur 2022: 3.2‰"),
        "chart description lists the figures"
    );
    // The plan's words in English with the official Chinese beside them, and each figure's
    // source in English.
    assert!(page.contains("<blockquote>Neonatal mortality falls below 3.0‰</blockquote>"));
    assert!(page.contains(r#"<blockquote lang="zh-Hans">新生儿死亡率降至3.0‰以下</blockquote>"#));
    assert!(
        page.contains("<td>a test source in English</td>")
            && !page.contains("<td>a test source</td>")
    );
    let zh = fs::read_to_string(public.join("indicators/neonatal-mortality/index.html")).unwrap();
    assert!(
        zh.contains("<blockquote>新生儿死亡率降至3.0‰以下</blockquote>")
            && zh.contains("<td>a test source</td>")
    );
    // One city figure, above the target: too early to judge a trend.
    assert!(page.contains("too_early"), "{page}");
    assert!(
        page.contains(
            "https:&#x2F;&#x2F;example.org&#x2F;en&#x2F;plan&#x2F;health&#x2F;#health-goal-3"
        ),
        "links the plan clause"
    );
    let json: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(public.join("indicators/indicators.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["indicators"].as_array().unwrap().len(), 2);
    let csv = fs::read_to_string(public.join("indicators/neonatal-mortality.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

/// (case, file, text on the offending line, field)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "unknown-indicator",
        "observations.csv",
        "no-such-indicator",
        "indicator",
    ),
    ("non-numeric-value", "observations.csv", "three", "value"),
    ("rate-above-100", "observations.csv", ",120,", "value"),
    ("negative-value", "observations.csv", ",-1,", "value"),
    ("year-out-of-range", "observations.csv", "1999", "year"),
    (
        "duplicate-id",
        "indicators.toml",
        "\nid = \"neonatal-mortality\"",
        "id",
    ),
    (
        "missing-english-name",
        "indicators.toml",
        "name = { zh = \"新生儿死亡率\" }",
        "name.en",
    ),
    ("quote-not-in-plan", "indicators.toml", "2.0‰", "quote"),
    (
        "target-not-in-quote",
        "indicators.toml",
        "target = 2.5",
        "target",
    ),
    (
        "unknown-anchor",
        "indicators.toml",
        "health-goal-9",
        "anchor",
    ),
    (
        "english-quote-not-in-plan",
        "indicators.toml",
        "below 2.0‰",
        "quotes.en",
    ),
    (
        "missing-english-source",
        "observations.csv",
        "bayannur,3.2",
        "source_en",
    ),
];

/// 1-based line of the last occurrence of `marker` in the case's file.
fn line_of(case: &str, file: &str, marker: &str) -> usize {
    let text =
        fs::read_to_string(fixture().join("cases").join(case).join("data").join(file)).unwrap();
    let at = text
        .rfind(marker)
        .unwrap_or_else(|| panic!("{case}: marker {marker:?} not in {file}"));
    let at = if marker.starts_with('\n') { at + 1 } else { at };
    text[..at].matches('\n').count() + 1
}

#[test]
fn each_kind_of_bad_data_names_file_line_and_field_and_keeps_public() {
    let mut failures = Vec::new();
    for (case, file, marker, field) in CASES {
        let site = site_for(Some(case));
        let (ok, stderr) = run_build(site.path());
        let line = line_of(case, file, marker);
        let location = format!("data/{file}:{line}:");
        let field_named = format!("field `{field}`");
        if ok {
            failures.push(format!("{case}: the build succeeded"));
        }
        if !stderr.contains(&location) || !stderr.contains(&field_named) {
            failures.push(format!(
                "{case}: expected {location} and {field_named} in:\n{stderr}"
            ));
        }
        let public = site.path().join("public");
        let entries: Vec<_> = fs::read_dir(&public).unwrap().collect();
        if !public.join("sentinel.html").exists() || entries.len() != 1 {
            failures.push(format!("{case}: public/ was changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Where the pages go and which domains and areas exist are the data file's, not the
/// generator's: a site that publishes its targets under /targets/ and compares with one
/// reference area gets exactly that, and templates list the targets through `get_indicators`.
#[test]
fn the_data_file_decides_path_domains_and_areas() {
    let site = site_for(None);
    let file = site.path().join("data/indicators.toml");
    let text = fs::read_to_string(&file).unwrap();
    let text = text
        .replace("path = \"indicators\"", "path = \"targets\"")
        .replace(
            "references = [\"inner-mongolia\", \"national\"]",
            "references = [\"national\"]",
        );
    fs::write(&file, text).unwrap();
    let (ok, stderr) = run_build(site.path());
    assert!(ok, "{stderr}");
    let public = site.path().join("public");
    for page in [
        "targets/index.html",
        "en/targets/health/index.html",
        "en/targets/neonatal-mortality/index.html",
        "targets/neonatal-mortality.csv",
    ] {
        assert!(public.join(page).exists(), "{page} missing");
    }
    assert!(
        !public.join("indicators").exists(),
        "nothing under the old path"
    );
    let plan = fs::read_to_string(public.join("en/plan/health/index.html")).unwrap();
    assert!(
        plan.contains(r#"class="dashboard" href="https://example.org/en/targets/""#),
        "{plan}"
    );
    assert!(plan.contains(
        r#"class="target" href="https://example.org/en/targets/neonatal-mortality/">Neonatal mortality"#
    ));
    assert!(plan.contains(r#"<p class="goal-3">neonatal-mortality</p>"#));

    // An observation for an area the file does not list is refused at its line.
    let csv = site.path().join("data/observations.csv");
    let rows = fs::read_to_string(&csv).unwrap();
    fs::write(&csv, rows.replace("2020,national", "2020,inner-mongolia")).unwrap();
    let (ok, stderr) = run_build(site.path());
    assert!(!ok);
    assert!(
        stderr.contains("data/observations.csv:2:")
            && stderr.contains("`inner-mongolia` is not an area; use one of bayannur, national"),
        "{stderr}"
    );
}

#[test]
fn missing_interface_texts_are_reported_by_key() {
    let site = site_for(None);
    let config = site.path().join("config.toml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replace("chart-empty = \"No figures\"\n", "");
    fs::write(&config, text).unwrap();
    let (ok, stderr) = run_build(site.path());
    assert!(!ok);
    assert!(
        stderr.contains("config.toml") && stderr.contains("`chart-empty` is missing for `en`"),
        "{stderr}"
    );
}
