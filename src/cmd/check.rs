//! `sprout check`: build in memory, report every problem at once (links,
//! anchors, URLs, translations, alt text, indicator data), optionally external links.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::content::translations::Status;
use crate::diagnostics::{Diagnostic, Severity};
use crate::passes::urls::{self, Link};
use crate::pipeline::{BuildOptions, Built, build};

/// Run `check`; `Ok(false)` when any error was found. Diagnostics go to stderr as `build`'s
/// do; the summary line goes to stdout.
pub fn run(opts: &BuildOptions, external: bool) -> Result<bool> {
    let start = Instant::now();
    let built = match build(opts) {
        Ok(b) => b,
        Err(failed) => {
            for d in &failed.diagnostics {
                eprintln!("{d}");
            }
            let errors = failed.diagnostics.iter().filter(|d| d.is_error()).count();
            println!(
                "check: {errors} error{} stopped the build; fix them and run check again",
                if errors == 1 { "" } else { "s" }
            );
            return Ok(false);
        }
    };
    let mut findings: Vec<Diagnostic> = built.findings.clone();
    findings.extend(translation_findings(&built));
    if external {
        findings.extend(external_links(&built));
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.file, a.line, &a.message).cmp(&(b.severity, &b.file, b.line, &b.message))
    });
    for f in &findings {
        eprintln!("{f}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    println!(
        "check: {} files, {errors} error{}, {warnings} warning{} in {:.2}s",
        built.output.len(),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        start.elapsed().as_secs_f64()
    );
    Ok(errors == 0)
}

/// Missing and stale translations are errors; unstamped ones are warnings.
fn translation_findings(built: &Built) -> Vec<Diagnostic> {
    built
        .translations
        .problems()
        .map(|(source, status)| {
            let src = Path::new("content").join(source);
            match status {
                Status::Missing { lang } => Diagnostic::error(&src, format!("has no `{lang}` translation; add the `.{lang}.md` file")),
                Status::Stale { file, .. } => Diagnostic::error(
                    Path::new("content").join(file),
                    format!("translation is stale: content/{source} changed since it was stamped; update it, then run `sprout stamp content/{file}`"),
                ),
                Status::Unstamped { file } => Diagnostic::warning(
                    Path::new("content").join(file),
                    format!("translation has no `source_hash`; once it matches content/{source}, run `sprout stamp content/{file}`"),
                ),
                Status::UpToDate => Diagnostic::warning(&src, "up to date"),
            }
        })
        .collect()
}

/// Ask every external link's server whether it exists (HEAD, then GET).
fn external_links(built: &Built) -> Vec<Diagnostic> {
    let base_path = built.config.base_path();
    let mut external: Vec<(String, String)> = Vec::new();
    for (file, html) in built.output.html() {
        let Ok(scan) = crate::passes::links::scan(html, usize::MAX) else {
            // The link check has already reported this page.
            continue;
        };
        for l in scan.links {
            if (l.starts_with("http://") || l.starts_with("https://"))
                && urls::classify(&l, file, &built.config, &base_path) == Link::External
                && !built
                    .config
                    .link_checker
                    .skip_prefixes
                    .iter()
                    .any(|p| l.starts_with(p.as_str()))
            {
                external.push((l, file.to_string()));
            }
        }
    }
    external.sort();
    external.dedup_by(|a, b| a.0 == b.0);
    let level = built.config.link_checker.external_level;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    external
        .iter()
        .filter_map(|(url, file)| {
            let ok = agent.head(url).call().is_ok() || agent.get(url).call().is_ok();
            (!ok).then(|| {
                level.diagnostic(
                    format!("public/{file}"),
                    format!("external link {url} does not answer; fix or remove it"),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn build_options_default_to_build_mode() {
        let o = super::BuildOptions::new(".");
        assert_eq!(o.mode, crate::config::Mode::Build);
    }
}
