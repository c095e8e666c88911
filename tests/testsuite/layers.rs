//! The module graph follows the pipeline: every `crate::` path in `src/` points to the same
//! stage or to one earlier in `STAGES`, never up the pipeline, so there is no cycle between
//! stages. Run alone with `cargo test --test testsuite layers::`; a failure names the file and the arrow.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Top-level modules from the bottom of the graph to the top. A module may use modules on its
/// own line or on an earlier one. `output` is the in-memory site every stage writes into, so it
/// sits low although it is written last.
const STAGES: &[&[&str]] = &[
    &["diagnostics", "walk", "slugs", "policy", "cli"],
    &["config"],
    &["output"],
    &["content"],
    &["indicators"],
    &["markdown"],
    &["templates"],
    &["render"],
    &["passes"],
    &["pipeline"],
    &["cmd"],
];

/// Arrows up the pipeline that are known and explained, as (from file, to stage). There are
/// none: add one here only with the reason, as a debt to pay.
const KNOWN_UPWARD: &[(&str, &str)] = &[];

fn rank(stage: &str) -> Option<usize> {
    STAGES.iter().position(|line| line.contains(&stage))
}

/// The top-level modules a Rust file refers to through `crate::` (including `use crate::{a, b}`).
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            for item in body.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_arrow_points_up_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let stage = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let Some(from) = rank(&stage) else {
            problems.push(format!(
                "src/{rel}: stage `{stage}` is not in STAGES; add it"
            ));
            continue;
        };
        for to in uses(&fs::read_to_string(file).unwrap()) {
            if to == stage {
                continue;
            }
            graph.entry(stage.clone()).or_default().insert(to.clone());
            match rank(&to) {
                None => problems.push(format!("src/{rel}: `crate::{to}` is not in STAGES")),
                Some(r) if r > from && !KNOWN_UPWARD.contains(&(rel.as_str(), to.as_str())) => {
                    problems.push(format!(
                        "src/{rel}: `{stage}` uses `crate::{to}`, which comes later in the pipeline; move the shared part down or pass it in"
                    ))
                }
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Print the graph for the README's map (`cargo test --test testsuite layers:: -- --nocapture`).
    for (from, to) in &graph {
        println!(
            "{from} -> {}",
            to.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
}

#[test]
fn the_parser_sees_grouped_and_nested_uses() {
    let found = uses("use crate::{config::Config, output};\nlet x = crate::slugs::slugify(a);");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec!["config", "output", "slugs"]
    );
}
