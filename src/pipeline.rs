//! The build, as a readable list of named, timed steps from `config.toml` to an in-memory
//! `Output`. Nothing here prints; the caller decides what to show.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, Mode};
use crate::content::{self, LoadOptions, Site, translations};
pub use crate::diagnostics::Cancel;
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics};
use crate::indicators;
use crate::markdown::prerender;
use crate::output::Output;
use crate::output::statics;
use crate::passes::{headers, links, relative, search};
use crate::render::Renderer;
use crate::templates::values::Values;
use crate::templates::{Shared, Templates};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub output_dir: Option<PathBuf>,
    pub drafts: bool,
    pub mode: Mode,
    /// Write links relative and ending in `index.html`, for browsing from `file://`.
    pub relative: bool,
    /// Set by `serve` when a newer edit makes this build pointless.
    pub cancel: Cancel,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            base_url: None,
            output_dir: None,
            drafts: false,
            mode: Mode::Build,
            relative: false,
            cancel: Cancel::default(),
        }
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// (language, pages, sections) in config order.
    pub per_language: Vec<(String, usize, usize)>,
    pub generated: usize,
    pub files: usize,
}

/// A finished build, not yet written.
pub struct Built {
    pub output: Output,
    pub output_dir: PathBuf,
    pub summary: Summary,
    /// Warnings, and in `check` mode also the errors that did not stop the build.
    pub findings: Vec<Diagnostic>,
    pub translations: translations::Report,
    pub timings: Vec<(&'static str, Duration)>,
    pub config: Config,
}

struct Steps {
    timings: Vec<(&'static str, Duration)>,
    cancel: Cancel,
}

impl Steps {
    /// Stop here if a newer change cancelled this build.
    fn go_on(&self) -> Result<(), BuildFailed> {
        if self.cancel.is_cancelled() {
            return Err(failed(Diagnostics::from_iter([Diagnostic::error(
                "config.toml",
                "build cancelled: a newer change started another build",
            )])));
        }
        Ok(())
    }

    fn run<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.timings.push((name, start.elapsed()));
        out
    }
}

fn failed(d: Diagnostics) -> BuildFailed {
    BuildFailed {
        diagnostics: d.sorted(),
    }
}

/// Build the site at `opts.root` in memory. A problem that stops a step is returned with the
/// others of that step; problems that let the build go on (broken links, missing alt text, two
/// pages at one URL) are gathered through every step and fail the build at the end, except in
/// `check` mode, which returns them in `Built::findings` to report with everything else.
pub fn build(opts: &BuildOptions) -> Result<Built, BuildFailed> {
    let mut steps = Steps {
        timings: Vec::new(),
        cancel: opts.cancel.clone(),
    };
    let mut findings: Vec<Diagnostic> = Vec::new();
    let config = steps.run("config", || load_config(opts)).map_err(failed)?;
    let load = LoadOptions {
        drafts: opts.drafts,
    };
    let (site, soft) = steps
        .run("content", || {
            content::load_site(config.clone(), &opts.root, load)
        })
        .map_err(failed)?;
    findings.extend(soft);
    let templates = steps
        .run("templates", || {
            Templates::load(&opts.root, config.theme.as_deref())
        })
        .map_err(failed)?;
    let (site, soft) = steps
        .run("markdown", || {
            prerender::render_all(site, &templates, &opts.cancel)
        })
        .map_err(failed)?;
    findings.extend(soft);
    steps.go_on()?;
    let data = steps
        .run("indicators", || indicators::load(&site))
        .map_err(failed)?;
    let virtuals = steps.run("generated pages", || indicators::pages(&site, &data));
    let site = Arc::new(site);
    let values = Arc::new(steps.run("values", || Values::new(&site)));
    let shared = Arc::new(Shared::new(site.clone(), values.clone()));
    let renderer = Renderer::new(&site, &values, &templates, &virtuals, shared);
    let mut output = steps.run("render", || renderer.render()).map_err(failed)?;
    steps.go_on()?;
    steps.run("downloads", || {
        indicators::downloads(&site, &data, &mut output)
    });
    steps.run("static", || statics::add(&opts.root, &config, &mut output));
    steps.run("headers", || headers::add(&config, &mut output));
    findings.extend(output.take_problems());
    let sources = sources(&site, &virtuals);
    // Before anything reads the pages as trees (links, search, minify): a page past a limit
    // stops the build here, in `check` mode too.
    let too_big = steps.run("limits", || {
        crate::passes::limits::check_output(&output, &config.limits, &sources)
    });
    if !too_big.is_empty() {
        return Err(failed(too_big.into_iter().collect()));
    }
    findings.extend(steps.run("links", || links::check(&output, &config, &sources)));
    if opts.mode != Mode::Check && findings.iter().any(Diagnostic::is_error) {
        return Err(failed(findings.into_iter().collect()));
    }
    steps.go_on()?;
    steps
        .run("search", || search::index(&site, &mut output))
        .map_err(failed)?;
    let collisions = output.take_problems();
    if !collisions.is_empty() {
        return Err(failed(collisions.into_iter().collect()));
    }
    steps.go_on()?;
    if opts.relative {
        let unwritable = steps.run("relative", || relative::rewrite(&mut output, &config));
        if !unwritable.is_empty() {
            return Err(failed(unwritable.into_iter().collect()));
        }
    }
    if config.minify_html {
        steps.run("minify", || output.minify_html());
    }
    findings.extend(placeholder_base_url(&config));
    let output_dir = opts
        .output_dir
        .clone()
        .unwrap_or_else(|| opts.root.join(&config.output_dir));
    Ok(Built {
        summary: summarise(&site, virtuals.len(), output.len()),
        translations: translations::report(&site),
        output,
        output_dir,
        findings: Diagnostics::from_iter(findings).sorted(),
        timings: steps.timings,
        config,
    })
}

/// QR codes, the sitemap and feeds carry `base_url`: say so while it is still a placeholder.
fn placeholder_base_url(config: &Config) -> Option<Diagnostic> {
    let host = config.base_url.split("://").nth(1)?.split('/').next()?;
    let placeholder = ["example.org", "example.com", "example.net"]
        .iter()
        .any(|p| host == *p || host.ends_with(&format!(".{p}")));
    (placeholder && config.mode == Mode::Build).then(|| {
        Diagnostic::warning(
            "config.toml",
            format!("base_url is {}: QR codes, the sitemap and feeds point there; set it to the site's real address before publishing", config.base_url),
        )
    })
}

fn load_config(opts: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = crate::config::check_base_url(url).map_err(|why| {
            Diagnostics::from_iter([Diagnostic::error(
                "--base-url",
                format!("`--base-url` {why}"),
            )])
        })?;
    }
    config.mode = opts.mode;
    config.relative = opts.relative;
    Ok(config)
}

/// Which content file made each output page, so link problems name a file an author edits.
fn sources(site: &Site, virtuals: &[crate::content::VirtualPage]) -> HashMap<String, PathBuf> {
    let mut map = HashMap::new();
    for p in &site.pages {
        map.insert(
            crate::output::file_for(&p.path),
            Path::new("content").join(&p.file.relative),
        );
    }
    for s in &site.sections {
        map.insert(
            crate::output::file_for(&s.path),
            Path::new("content").join(&s.file.relative),
        );
    }
    for v in virtuals {
        map.insert(
            crate::output::file_for(&v.path),
            PathBuf::from(format!("templates/{}", v.template)),
        );
    }
    map
}

fn summarise(site: &Site, generated: usize, files: usize) -> Summary {
    let per_language = site
        .config
        .languages
        .iter()
        .map(|l| {
            let pages = site
                .pages
                .iter()
                .filter(|p| p.file.lang == l.code && p.meta.render)
                .count();
            let sections = site
                .sections
                .iter()
                .filter(|s| s.file.lang == l.code && s.meta.render)
                .count();
            (l.code.clone(), pages, sections)
        })
        .collect();
    Summary {
        per_language,
        generated,
        files,
    }
}
