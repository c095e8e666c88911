//! The `sprout` binary: parse the command line, run the library, print what happened, and
//! turn failure into a non-zero exit code.

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

/// A build copies many small template values; mimalloc makes that cheaper than the system
/// allocator and returns memory more readily.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use sprout::build::{BuildOptions, build};
use sprout::cli::{Cli, Command};
use sprout::config::Mode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            base_url,
            output_dir,
            drafts,
            relative,
            timings,
            production,
        } => {
            let opts = BuildOptions {
                base_url,
                output_dir,
                drafts,
                relative,
                production: production
                    || std::env::var("SPROUT_ENV").is_ok_and(|v| v == "production"),
                ..BuildOptions::new(&cli.root)
            };
            run_build(&opts, timings)
        }
        Command::Serve {
            interface,
            port,
            drafts,
        } => sprout::serve::serve(&cli.root, interface, port, drafts).map(|_| true),
        Command::Check { external, drafts } => {
            let opts = BuildOptions {
                drafts,
                mode: Mode::Check,
                ..BuildOptions::new(&cli.root)
            };
            sprout::check::run(&opts, external)
        }
        Command::Stamp { files } => sprout::check::stamp(&cli.root, &files).map(|_| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_build(opts: &BuildOptions, timings: bool) -> anyhow::Result<bool> {
    let start = Instant::now();
    let built = match build(opts) {
        Ok(b) => b,
        Err(failed) => {
            eprintln!("{failed}");
            return Ok(false);
        }
    };
    for w in &built.findings {
        eprintln!("{w}");
    }
    let write = Instant::now();
    built.output.write_atomic(&built.output_dir)?;
    if timings {
        for (step, d) in &built.timings {
            eprintln!("{step:>16}: {:>7.1} ms", d.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "{:>16}: {:>7.1} ms",
            "write",
            write.elapsed().as_secs_f64() * 1000.0
        );
    }
    if built.translations.problems().next().is_some() {
        eprintln!("{}", built.translations);
    }
    println!("{}", sprout::check::summary_line(&built, start.elapsed()));
    Ok(true)
}
