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
    no_transparent_huge_pages();
    match cli.command {
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

/// mimalloc asks Linux for transparent huge pages, and the kernel then zeroes 2 MB at the first
/// touch of memory a build may use little of: on 10,000 pages that was a fifth of the CPU time
/// and 25 MB of the peak memory. This turns them off for this process only (as
/// `MIMALLOC_ALLOW_THP=0` would, but mimalloc reads that before `main`); the kernel applies it
/// at every later page fault, in memory already mapped too.
pub fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE)` takes integers and only sets a flag of this process;
    // on a kernel without it, it fails and nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn transparent_huge_pages_are_off_for_the_process() {
        super::no_transparent_huge_pages();
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        // Linux lists the flag since 5.0; an older kernel does not.
        if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
            assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
        }
    }
}
