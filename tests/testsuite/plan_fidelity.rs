//! Fidelity of the Chinese plan pages to the official text.
//!
//! Every sentence of `data/source/plan.zh.txt` must appear in the Chinese plan pages
//! (`content/plan/*.md`, without the glossary, the section index and the English translations).
//! The only allowed differences are whitespace, the sentence delimiters and the editorial
//! changes recorded in `extra.errata` of `content/plan/_index.md`.
//!
//! Run with `cargo test --test testsuite plan_fidelity:: -- --nocapture` to see the coverage figure.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

/// Characters that end a sentence in the official text (not compared themselves).
const DELIMITERS: &[char] = &['。', '；', '！', '？', '：', ':'];

#[derive(Debug, Deserialize)]
struct FrontMatter {
    title: Option<String>,
    #[serde(default)]
    extra: Extra,
}

#[derive(Debug, Default, Deserialize)]
struct Extra {
    part: Option<String>,
    short_title: Option<String>,
    #[serde(default)]
    errata: Vec<Erratum>,
}

#[derive(Debug, Deserialize)]
struct Erratum {
    original: String,
    corrected: String,
    note: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Splits a content file into its TOML front matter and its Markdown body.
fn split_front_matter(text: &str, path: &Path) -> (String, String) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    assert_eq!(
        first.trim_end(),
        "+++",
        "{}: no +++ front matter",
        path.display()
    );
    let mut front = String::new();
    let mut closed = false;
    for line in lines.by_ref() {
        if line.trim_end() == "+++" {
            closed = true;
            break;
        }
        front.push_str(line);
    }
    assert!(closed, "{}: front matter is not closed", path.display());
    (front, lines.collect())
}

fn parse_front_matter(front: &str, path: &Path) -> FrontMatter {
    toml::from_str(front)
        .unwrap_or_else(|e| panic!("{}: front matter does not parse: {e}", path.display()))
}

/// Removes all whitespace, ASCII and full-width (U+3000 is White_Space in Unicode).
fn normalise(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of one Chinese plan page as a reader sees it, before normalisation.
fn page_text(path: &Path) -> String {
    let raw = fs::read_to_string(path).unwrap();
    let raw = raw.replace("\r\n", "\n");
    let (front, body) = split_front_matter(&raw, path);
    let fm = parse_front_matter(&front, path);

    let item = Regex::new(r"(?s)\{%\s*item\(([^)]*)\)\s*%\}(.*?)\{%\s*end\s*%\}").unwrap();
    let n_arg = Regex::new(r"\bn\s*=\s*(\d+)").unwrap();
    let heading_marker = Regex::new(r"(?m)^[ \t]*#{1,6}[ \t]+").unwrap();
    let heading_id = Regex::new(r"[ \t]*\{#[^}]*\}").unwrap();
    let hard_break = Regex::new(r"\\\n").unwrap();

    let body = item.replace_all(&body, |c: &regex::Captures| {
        let n = n_arg
            .captures(&c[1])
            .unwrap_or_else(|| panic!("{}: item without n: {}", path.display(), &c[0]))[1]
            .to_string();
        format!("{n}.{}", c[2].trim())
    });
    let body = heading_marker.replace_all(&body, "");
    let body = heading_id.replace_all(&body, "");
    let body = hard_break.replace_all(&body, "\n");

    let mut text = String::new();
    for value in [&fm.extra.part, &fm.title, &fm.extra.short_title]
        .into_iter()
        .flatten()
    {
        text.push_str(value);
        text.push('\n');
    }
    text.push_str(&body);
    text
}

/// The Chinese plan pages: every `content/plan/*.md` except the glossary, the section index
/// (`_index.md`) and the English translations (`*.en.md`).
fn chinese_plan_pages() -> Vec<PathBuf> {
    let dir = root().join("content/plan");
    let mut pages: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".md")
                && !name.ends_with(".en.md")
                && !name.starts_with('_')
                && name != "glossary.md"
        })
        .collect();
    pages.sort();
    pages
}

fn errata() -> Vec<Erratum> {
    let path = root().join("content/plan/_index.md");
    let raw = fs::read_to_string(&path).unwrap();
    let (front, _) = split_front_matter(&raw, &path);
    parse_front_matter(&front, &path).extra.errata
}

#[test]
fn every_source_sentence_is_on_the_chinese_pages() {
    let source_path = root().join("data/source/plan.zh.txt");
    let source = fs::read_to_string(&source_path)
        .unwrap()
        .replace("\r\n", "\n");

    // Apply the recorded editorial changes to the official text.
    let errata = errata();
    assert!(
        !errata.is_empty(),
        "content/plan/_index.md records no errata"
    );
    let mut stale = Vec::new();
    let mut corrected_source = source.clone();
    for e in &errata {
        assert!(
            !e.original.is_empty(),
            "erratum with an empty original: {e:?}"
        );
        assert!(!e.note.trim().is_empty(), "erratum without a note: {e:?}");
        if !source.contains(&e.original) {
            stale.push(e.original.clone());
            continue;
        }
        assert_eq!(
            e.original.matches('\n').count(),
            e.corrected.matches('\n').count(),
            "erratum must not change the number of lines: {e:?}"
        );
        corrected_source = corrected_source.replace(&e.original, &e.corrected);
    }

    // The Markdown side: one normalised text per page.
    let pages: Vec<(String, String)> = chinese_plan_pages()
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                normalise(&page_text(p)),
            )
        })
        .collect();
    assert!(
        pages.len() >= 11,
        "expected the 11 Chinese plan pages, found {}",
        pages.len()
    );

    // Every corrected text must really be what our pages show.
    let mut unused = Vec::new();
    for e in &errata {
        let c = normalise(&e.corrected);
        if !c.is_empty() && !pages.iter().any(|(_, t)| t.contains(&c)) {
            unused.push(e.corrected.clone());
        }
    }

    let mut total = 0usize;
    let mut found = 0usize;
    let mut missing = Vec::new();
    for (i, line) in corrected_source.lines().enumerate() {
        for sentence in normalise(line).split(DELIMITERS) {
            if sentence.is_empty() {
                continue;
            }
            total += 1;
            if pages.iter().any(|(_, t)| t.contains(sentence)) {
                found += 1;
            } else {
                missing.push((i + 1, sentence.to_string()));
            }
        }
    }

    for (line, sentence) in &missing {
        println!("MISSING plan.zh.txt:{line}: {sentence}");
    }
    for original in &stale {
        println!("STALE erratum, original not in the source: {original:?}");
    }
    for corrected in &unused {
        println!("erratum's corrected text not on any page: {corrected:?}");
    }
    let pct = if total == 0 {
        0.0
    } else {
        100.0 * found as f64 / total as f64
    };
    println!(
        "plan fidelity: {found} / {total} source sentences found ({pct:.2}%), {} pages, {} errata applied",
        pages.len(),
        errata.len() - stale.len()
    );

    assert!(total > 0, "no sentences in the source");
    assert!(
        stale.is_empty(),
        "errata whose original is not in the source: {stale:?}"
    );
    assert!(
        unused.is_empty(),
        "errata whose corrected text is on no page: {unused:?}"
    );
    assert_eq!(
        found,
        total,
        "{} source sentences are missing from the Chinese pages",
        missing.len()
    );
}
