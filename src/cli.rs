//! The command line: clap types whose `///` comments are the help text.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// sprout: a Zola-compatible, bilingual static-site generator.
#[derive(Debug, Parser)]
#[command(name = "sprout", version, about, long_about = None)]
pub struct Cli {
    /// The site folder (with config.toml, content/, templates/ or themes/).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    pub root: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// Use this base URL instead of config.toml's `base_url`.
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Write the site here instead of config.toml's `output_dir`.
        #[arg(long, short = 'o')]
        output_dir: Option<PathBuf>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Make every link relative and end in index.html, to browse the copy from file://
        /// (a USB stick, a computer without internet).
        #[arg(long)]
        relative: bool,
        /// Print how long each step of the build took.
        #[arg(long)]
        timings: bool,
        /// A build to publish: fail while `base_url` is still a placeholder such as
        /// example.org (QR codes would point nowhere). Also on when SPROUT_ENV=production.
        #[arg(long)]
        production: bool,
    },
    /// Build, serve the site on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        /// The address to listen on.
        #[arg(long, short = 'i', default_value = "127.0.0.1")]
        interface: IpAddr,
        /// The port to listen on.
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Build in memory and report every problem: links, anchors, aliases, translations, alt
    /// text, indicator data. Exits non-zero on any error.
    Check {
        /// Also check links to other websites (needs internet access).
        #[arg(long)]
        external: bool,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Record in a translation that it matches its source as it is now
    /// (writes `[extra] source_hash`).
    Stamp {
        /// Translation files, e.g. content/plan/health.en.md.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_to_loopback_1111() {
        let cli = Cli::parse_from(["sprout", "serve"]);
        match cli.command {
            Command::Serve {
                interface, port, ..
            } => {
                assert_eq!(interface.to_string(), "127.0.0.1");
                assert_eq!(port, 1111);
            }
            _ => panic!("expected serve"),
        }
    }
}
