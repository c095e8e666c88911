//! Sites that must not build, one folder per case under `tests/fixtures/invalid/<case>/`.
//!
//! Each case is copied into a temp folder that already holds a `public/` from an earlier build,
//! then `sprout build` runs on it. The build must fail (non-zero exit), name the file, line and
//! column of the problem on stderr as `file:line:col: error: message`, say what to do, and leave
//! `public/` exactly as it was. See `tests/README.md` to add a case.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use walkdir::WalkDir;

fn invalid(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(case)
}

/// What is in the previous `public/` before the failing build.
fn previous_public() -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([
        (
            "sentinel.txt".to_string(),
            b"from the last good build\n".to_vec(),
        ),
        (
            "index.html".to_string(),
            b"<!doctype html><p>old</p>\n".to_vec(),
        ),
        (
            "old/index.html".to_string(),
            b"<!doctype html><p>old page</p>\n".to_vec(),
        ),
    ])
}

/// Copy the invalid case `case` to `root`.
fn copy_case(case: &str, root: &Path) {
    let src = invalid(case);
    assert!(src.is_dir(), "no fixture folder {}", src.display());
    for e in WalkDir::new(&src).into_iter().filter_map(Result::ok) {
        let dest = root.join(e.path().strip_prefix(&src).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Write `previous_public()` into `dir`.
fn write_previous_public(dir: &Path) {
    for (path, bytes) in previous_public() {
        let p = dir.join(&path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

struct Failed {
    stderr: String,
}

impl Failed {
    /// The `error:` lines of stderr.
    fn errors(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .collect()
    }
}

/// Copy the case, add a previous `public/`, run `sprout build`, and check what every failed
/// build must guarantee.
fn run(case: &str) -> Failed {
    run_with(case, &[], &[])
}

/// `run` with extra arguments to `sprout build` and extra environment variables.
fn run_with(case: &str, args: &[&str], envs: &[(&str, &str)]) -> Failed {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_case(case, &root);
    let public = root.join("public");
    write_previous_public(&public);
    let before_root: Vec<String> = entries(&root);

    let out = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .arg("build")
        .arg("--root")
        .arg(&root)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("run sprout");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();

    assert_eq!(
        out.status.code(),
        Some(1),
        "{case}: a site with problems must exit with 1\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{case}: sprout panicked:\n{stderr}"
    );
    assert_eq!(
        tree(&public),
        previous_public(),
        "{case}: public/ must be left exactly as it was\nstderr:\n{stderr}"
    );
    assert_eq!(
        entries(&root),
        before_root,
        "{case}: nothing may be added beside public/ (no staging folder left behind)"
    );
    let failed = Failed { stderr };
    assert!(
        !failed.errors().is_empty(),
        "{case}: no `file:line:col: error: message` line on stderr:\n{}",
        failed.stderr
    );
    let shape = Regex::new(r"^\S[^:]*(:\d+(:\d+)?)?: error: \S").unwrap();
    for line in failed.errors() {
        assert!(
            shape.is_match(line),
            "{case}: not in the form `file:line:col: error: message`: {line}"
        );
    }
    failed
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// Words that tell the author what to do.
const HINT: &str = r"(?i)\b(add|remove|rename|fix|check|write|use|give|change|create|define|did you mean|close|put|set|replace|move)\b";

/// One invalid case: where the error must point and what it must say.
struct Expect<'a> {
    case: &'a str,
    /// The start of the error line: `file:line:col: error:` (or less where no line applies).
    at: &'a str,
    /// Text the error line must contain.
    says: &'a [&'a str],
    /// A regex the error line must match to tell the author what to do.
    hint: &'a str,
}

fn check(e: Expect) {
    let failed = run(e.case);
    let errors = failed.errors();
    let line = errors
        .iter()
        .find(|l| l.starts_with(e.at))
        .unwrap_or_else(|| {
            panic!(
                "{}: expected an error at `{}`, got:\n{}",
                e.case, e.at, failed.stderr
            )
        });
    for s in e.says {
        assert!(line.contains(s), "{}: `{s}` missing from: {line}", e.case);
    }
    let hint = Regex::new(e.hint).unwrap();
    let message = line.split_once(": error: ").unwrap().1;
    assert!(
        hint.is_match(message),
        "{}: the message does not say what to do: {line}",
        e.case
    );
}

#[test]
fn unknown_config_key() {
    check(Expect {
        case: "unknown_config_key",
        at: "config.toml:2:1: error:",
        says: &["titel", "did you mean `title`?"],
        hint: HINT,
    });
}

#[test]
fn config_errors_point_at_the_offending_key() {
    // Regression: errors were placed at the first mention of a word anywhere in the file, so a
    // bad `base_url` (line 2) and a duplicate taxonomy (line 4) were both reported at line 1,
    // where a comment mentions them.
    let failed = run("config_key_lines");
    let errors = failed.errors();
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("config.toml:2:") && l.contains("`base_url`")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("config.toml:4:") && l.contains("`tags`")),
        "{errors:#?}"
    );
    assert!(
        !errors.iter().any(|l| l.starts_with("config.toml:1:")),
        "{errors:#?}"
    );
}

#[test]
fn every_unknown_config_key_is_reported_in_one_run() {
    // Regression: serde stops at the first unknown key, so each run showed only one.
    let failed = run("unknown_config_keys");
    let errors = failed.errors();
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("config.toml:2:1: error:") && l.contains("`titel`")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("config.toml:5:1: error:") && l.contains("`insert_anchors`")),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn base_url_from_the_command_line_is_checked_like_the_config_value() {
    // Regression: `--base-url` was taken as given, so `example.org` built a site whose QR
    // codes, feeds and sitemap pointed nowhere.
    let failed = run_with("base_url_flag", &["--base-url", "example.org"], &[]);
    let errors = failed.errors();
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("--base-url: error:") && l.contains("http")),
        "{errors:#?}"
    );
}

#[test]
fn sprout_that_cannot_write_exits_with_2_not_1() {
    // A problem in the site exits with 1 (every `check` above); sprout itself failing (here:
    // an output folder below a regular file) exits with 2.
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("file");
    fs::write(&blocker, "not a folder").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .args(["build", "--root"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"))
        .arg("--output-dir")
        .arg(blocker.join("public"))
        .output()
        .expect("run sprout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error:"), "{stderr}");
}

#[test]
fn static_file_at_a_page_path() {
    // Regression: a static file at a page's output path silently replaced the page.
    check(Expect {
        case: "static_over_page",
        at: "static/page/index.html: error:",
        says: &["`page/index.html`", "content/page.md"],
        hint: HINT,
    });
}

#[test]
fn bad_toml_syntax_in_config() {
    check(Expect {
        case: "config_syntax",
        at: "config.toml:2:",
        says: &[],
        hint: HINT,
    });
}

#[test]
fn unknown_front_matter_key() {
    check(Expect {
        case: "unknown_front_matter_key",
        at: "content/page.md:3:1: error:",
        says: &["wieght", "did you mean `weight`?"],
        hint: HINT,
    });
}

#[test]
fn bad_date() {
    check(Expect {
        case: "bad_date",
        at: "content/page.md:3:1: error:",
        says: &["date", "2024-05-31"],
        hint: HINT,
    });
}

#[test]
fn unclosed_front_matter() {
    check(Expect {
        case: "unclosed_front_matter",
        at: "content/page.md:1:1: error:",
        says: &["+++"],
        hint: HINT,
    });
}

#[test]
fn broken_internal_link() {
    check(Expect {
        case: "broken_internal_link",
        at: "content/page.md:6:5: error:",
        says: &["@/missing.md"],
        hint: HINT,
    });
}

#[test]
fn broken_internal_link_anchor() {
    check(Expect {
        case: "broken_anchor",
        at: "content/page.md:6:7: error:",
        says: &["@/other.md#no-such-heading"],
        hint: HINT,
    });
}

#[test]
fn markdown_nested_too_deep() {
    check(Expect {
        case: "markdown_too_deep",
        at: "content/page.md:6:401: error:",
        says: &[
            "nesting deeper than 200 levels",
            "`max_nesting` (now 200)",
            "[limits]",
        ],
        hint: HINT,
    });
}

#[test]
fn html_nested_too_deep() {
    check(Expect {
        case: "html_too_deep",
        at: "content/page.md: error:",
        says: &[
            "levels deep, deeper than 200 levels",
            "public/page/index.html",
            "`max_nesting` (now 200)",
        ],
        hint: HINT,
    });
}

#[test]
fn page_bigger_than_the_limit() {
    check(Expect {
        case: "page_too_big",
        at: "content/page.md:4:1: error:",
        says: &["bytes, more than the limit", "`max_page_bytes` (now 100)"],
        hint: HINT,
    });
}

#[test]
fn unknown_shortcode() {
    check(Expect {
        case: "unknown_shortcode",
        at: "content/page.md:6:7: error:",
        says: &["nosuch", "templates/shortcodes/nosuch.html"],
        hint: HINT,
    });
}

#[test]
fn unclosed_body_shortcode() {
    check(Expect {
        case: "unclosed_body_shortcode",
        at: "content/page.md:6:1: error:",
        says: &["note", "{% end %}"],
        hint: HINT,
    });
}

#[test]
fn missing_template_named_in_front_matter() {
    // The error points at the `template = "special.html"` line.
    check(Expect {
        case: "missing_template",
        at: "content/page.md:3:",
        says: &["special.html", "templates/special.html"],
        hint: HINT,
    });
}

#[test]
fn template_syntax_error() {
    // `{{ page.content | safe ) }}` on line 3; Tera finds the `)` at column 36.
    check(Expect {
        case: "template_syntax",
        at: "templates/page.html:3:36: error:",
        says: &[],
        hint: r"(?i)\b(expected|fix|check|close|add|remove)\b",
    });
}

#[test]
fn template_referencing_an_undefined_variable() {
    // The file to fix is the template (the page being rendered may be named as well);
    // Tera gives no line for render errors.
    check(Expect {
        case: "undefined_variable",
        at: "",
        says: &["templates/page.html", "page.subtitle"],
        hint: HINT,
    });
}

#[test]
fn a_macro_that_never_stops_calling_itself_is_an_error_not_a_crash() {
    // Tera has no recursion limit: without sprout's count this aborts with a stack overflow.
    check(Expect {
        case: "macro_recursion",
        at: "",
        says: &[
            "templates/page.html",
            "macro `crumbs` in `macros.html` is called 201 levels deep",
            "`max_nesting` (now 200)",
        ],
        hint: HINT,
    });
}

#[test]
fn two_pages_at_one_url() {
    check(Expect {
        case: "url_collision",
        at: "content/other.md",
        says: &["content/page.md", "/page/"],
        hint: HINT,
    });
}

#[test]
fn alias_colliding_with_a_page() {
    // The error points at the `aliases = ["/page/"]` line.
    check(Expect {
        case: "alias_collision",
        at: "content/other.md:3:",
        says: &["content/page.md", "/page/"],
        hint: HINT,
    });
}

#[test]
fn empty_taxonomy_term() {
    // Regression: `tags = ["a", ""]` wrote the empty term's page over the `/tags/` list page.
    check(Expect {
        case: "empty_taxonomy_term",
        at: "content/page.md:4:",
        says: &["`tags`", "empty URL segment"],
        hint: HINT,
    });
}

#[test]
fn taxonomy_not_in_config() {
    // The error points at the `categories = ["b"]` line.
    check(Expect {
        case: "unknown_taxonomy",
        at: "content/page.md:5:",
        says: &["categories", "config.toml"],
        hint: HINT,
    });
}

#[test]
fn file_with_an_unconfigured_language_suffix() {
    check(Expect {
        case: "unconfigured_language",
        at: "content/page.fr.md: error:",
        says: &["`fr`", "[languages.fr]"],
        hint: HINT,
    });
}

#[test]
fn template_output_linking_to_a_missing_internal_url() {
    check(Expect {
        case: "template_broken_link",
        at: "content/page.md",
        says: &["/no-such-page/"],
        hint: HINT,
    });
}

#[test]
fn several_errors_are_reported_together() {
    let failed = run("several_errors");
    let errors = failed.errors();
    for at in [
        "content/dated.md:3:1: error:",
        "content/open.md:1:1: error:",
        "content/page.md:3:1: error:",
    ] {
        assert!(
            errors.iter().any(|l| l.starts_with(at)),
            "no error at `{at}` in:\n{}",
            failed.stderr
        );
    }
    assert_eq!(errors.len(), 3, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("build failed: 3 errors"),
        "{}",
        failed.stderr
    );
}

#[test]
fn a_production_build_with_the_example_base_url_fails() {
    // Printed QR codes would point nowhere: SPROUT_ENV=production or --production refuse it.
    let case = "placeholder_base_url_in_production";
    let hint = Regex::new(HINT).unwrap();
    for failed in [
        run_with(case, &[], &[("SPROUT_ENV", "production")]),
        run_with(case, &["--production"], &[]),
    ] {
        let errors = failed.errors();
        assert_eq!(errors.len(), 1, "{}", failed.stderr);
        assert!(
            errors[0].starts_with("config.toml:3:1: error:"),
            "{}",
            errors[0]
        );
        assert!(
            errors[0].contains("https://example.org/children"),
            "{}",
            errors[0]
        );
        assert!(hint.is_match(errors[0]), "{}", errors[0]);
    }
    // Without the flag the same site builds, with a warning.
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .args(["build", "--root"])
        .arg(invalid(case))
        .arg("--output-dir")
        .arg(tmp.path().join("public"))
        .env_remove("SPROUT_ENV")
        .output()
        .expect("run sprout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning") && stderr.contains("base_url"),
        "{stderr}"
    );
    // Declared but empty: who runs the site. Not declared: nothing to say.
    assert!(stderr.contains("[extra] site_owner is empty"), "{stderr}");
    assert!(!stderr.contains("plan_url"), "{stderr}");
}

#[test]
fn every_invalid_fixture_has_a_test() {
    // A folder added under tests/fixtures/invalid/ must be named in a test of this file.
    let this = include_str!("errors.rs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    for e in fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            this.contains(&format!("\"{name}\"")),
            "tests/fixtures/invalid/{name} is not used by tests/testsuite/errors.rs"
        );
    }
}

/// A build killed during its swap leaves the previous site moved aside and no `public/`; the
/// next build puts it back first, so even a build that fails leaves the last good site in place.
#[test]
#[cfg(target_os = "linux")]
fn a_previous_site_a_killed_build_moved_aside_is_back_after_a_failed_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_case("bad_date", &root);
    // No process has this id (above Linux's largest, 2^22).
    let aside = root.join(".public.old-999999999");
    write_previous_public(&aside);
    let out = Command::new(env!("CARGO_BIN_EXE_sprout"))
        .args(["build", "--root"])
        .arg(&root)
        .output()
        .expect("run sprout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        tree(&root.join("public")),
        previous_public(),
        "the previous site is back as public/\n{stderr}"
    );
    assert!(!aside.exists(), "{:?}", entries(&root));
}
