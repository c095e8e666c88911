//! The `sprout` binary: parse the command line, dispatch to `sprout::cmd`, and turn the
//! result into an exit code: 0 built, 1 the site has problems (reported above), 2 sprout itself
//! could not run (a folder it cannot write, a port it cannot open).

use std::process::ExitCode;

use clap::Parser;

/// A build copies many small template values; mimalloc makes that cheaper than the system
/// allocator and returns memory more readily.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match sprout::cmd::run(sprout::cli::Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
