//! `sprout build`: run the pipeline, print its findings (and `--timings`), then write the
//! output folder atomically and print one summary line.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diagnostics::BuildFailed;
use crate::output::Staging;
use crate::pipeline::{BuildOptions, Built, finish_into, prepare};

/// How many warnings of one group (e.g. sprout's own link check on a Zola site), and how many
/// translation problems, a build prints; `sprout check` prints them all.
const WARNINGS_PER_GROUP: usize = 10;

/// Run `build`; `Ok(false)` when the site has errors (nothing is written then).
pub fn run(opts: &BuildOptions, timings: bool) -> Result<bool> {
    let start = Instant::now();
    let Some(prepared) = reported(prepare(opts)) else {
        return Ok(false);
    };
    // Pages go into a staging folder beside the output folder as they are rendered; it takes
    // the output folder's place once everything is written, and is removed if the build stops.
    let staging = Staging::beside(&prepared.output_dir(opts))?;
    let Some(built) = reported(finish_into(prepared, opts, Some(&staging))) else {
        return Ok(false);
    };
    eprint!(
        "{}",
        crate::diagnostics::report(&built.findings, WARNINGS_PER_GROUP)
    );
    let write = Instant::now();
    built
        .output
        .write_atomic(&built.output_dir, Some(staging))?;
    if timings {
        for t in &built.timings {
            eprintln!("{t}");
        }
        let written = crate::pipeline::Timing {
            step: "write",
            took: write.elapsed(),
            resident_kb: crate::pipeline::resident_kb(),
        };
        eprintln!("{written}");
    }
    if built.translations.problems().next().is_some() {
        eprintln!("{}", built.translations.shortened(WARNINGS_PER_GROUP));
    }
    println!("{}", summary_line(&built, start.elapsed()));
    Ok(true)
}

/// The build's result, its errors printed when it failed.
fn reported<T>(result: Result<T, BuildFailed>) -> Option<T> {
    result.map_err(|failed| eprintln!("{failed}")).ok()
}

/// The one line a build prints: counts per language and the time taken.
pub fn summary_line(built: &Built, elapsed: Duration) -> String {
    let langs: Vec<String> = built
        .summary
        .per_language
        .iter()
        .map(|(l, p, s)| format!("{l}: {p} pages, {s} sections"))
        .collect();
    format!(
        "built {} + {} generated pages, {} files in {} in {:.2}s",
        langs.join("; "),
        built.summary.generated,
        built.summary.files,
        built.output_dir.display(),
        elapsed.as_secs_f64()
    )
}
