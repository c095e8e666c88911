//! The commands, one file each; `run` dispatches the parsed command line to them.

pub mod build;
pub mod check;
pub mod serve;
pub mod stamp;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::config::Mode;
use crate::pipeline::BuildOptions;

/// Run the command `cli` names; `Ok(false)` when the site has problems (exit code 1), `Err`
/// when sprout itself could not run (exit code 2).
pub fn run(cli: Cli) -> Result<bool> {
    match cli.command {
        Command::Build {
            base_url,
            output_dir,
            drafts,
            relative,
            timings,
        } => {
            let opts = BuildOptions {
                base_url,
                output_dir,
                drafts,
                relative,
                ..BuildOptions::new(&cli.root)
            };
            build::run(&opts, timings)
        }
        Command::Serve {
            interface,
            port,
            drafts,
        } => serve::serve(&cli.root, interface, port, drafts),
        Command::Check { external, drafts } => {
            let opts = BuildOptions {
                drafts,
                mode: Mode::Check,
                ..BuildOptions::new(&cli.root)
            };
            check::run(&opts, external)
        }
        Command::Stamp { files } => stamp::stamp(&cli.root, &files),
    }
}
