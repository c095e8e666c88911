//! Print how long each named step of `sprout::build::build` takes on a site, then the write.
//!
//! Not a Cargo target of the repository (Cargo only discovers `benches/*.rs` and
//! `benches/*/main.rs`): `benches/run.sh --steps` builds it as a small separate package in
//! `benches/out/steps/` that depends on sprout by path, and runs
//!
//!     steps ROOT [RUNS]
//!
//! For each run: the build's own step timings, the time to write the output (as `sprout build`
//! does), and the total. With RUNS > 1 it also prints the median of each step.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sprout::build::{BuildOptions, build};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: steps ROOT [RUNS]");
        return ExitCode::FAILURE;
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut order: Vec<&'static str> = Vec::new();
    let mut all: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    for run in 1..=runs {
        let start = Instant::now();
        let built = match build(&BuildOptions::new(&root)) {
            Ok(b) => b,
            Err(failed) => {
                eprintln!("{failed}");
                return ExitCode::FAILURE;
            }
        };
        let built_at = start.elapsed();
        let write_start = Instant::now();
        if let Err(e) = built.output.write_atomic(&built.output_dir) {
            eprintln!("{e:#}");
            return ExitCode::FAILURE;
        }
        let write = write_start.elapsed();
        let mut timings = built.timings.clone();
        let steps_sum: Duration = timings.iter().map(|(_, d)| *d).sum();
        // What build() spends outside its named steps (summaries, translation report, ...).
        timings.push(("(unnamed in build)", built_at.saturating_sub(steps_sum)));
        timings.push(("write", write));
        let output_dir = built.output_dir.clone();
        let drop_start = Instant::now();
        drop(built);
        timings.push(("(free output)", drop_start.elapsed()));
        let total = start.elapsed();
        println!(
            "run {run}: {} files, total {:.2}s",
            walk(&output_dir),
            total.as_secs_f64()
        );
        for (name, d) in &timings {
            println!(
                "  {name:<20} {:>8.3}s {:>5.1}%",
                d.as_secs_f64(),
                100.0 * d.as_secs_f64() / total.as_secs_f64()
            );
            if !order.contains(name) {
                order.push(name);
            }
            all.entry(name).or_default().push(*d);
        }
        all.entry("total").or_default().push(total);
    }
    if runs > 1 {
        order.push("total");
        println!("median of {runs} runs:");
        for name in order {
            let mut v = all[name].clone();
            v.sort();
            println!("  {name:<20} {:>8.3}s", v[v.len() / 2].as_secs_f64());
        }
    }
    ExitCode::SUCCESS
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { walk(&p) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}
