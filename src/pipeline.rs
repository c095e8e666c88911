//! The build, as a readable list of named, timed steps from `config.toml` to an `Output`
//! (with `finish_into`, its pages already in the staging folder). Nothing here prints; the
//! caller decides what to show.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, Mode, SearchEngine};
use crate::content::{self, LoadOptions, RenderedSite, Site, translations};
pub use crate::diagnostics::Cancel;
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics};
use crate::indicators;
use crate::output::statics;
use crate::output::{Body, Output, Staging};
use crate::passes::pages::PagePass;
use crate::passes::{headers, links, search};
use crate::render::Renderer;
use crate::templates::resize::ImageQueue;
use crate::templates::values::Values;
use crate::templates::{Shared, TemplateCache, Templates};

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
    /// When the search index is built.
    pub search: SearchStep,
    /// A build to publish: a placeholder `base_url` is an error, not a warning.
    pub production: bool,
    /// Set by `serve` when a newer edit makes this build pointless.
    pub cancel: Cancel,
    /// Set by `serve`: the templates parsed by its last build, reused while none changed.
    pub template_cache: Option<Arc<TemplateCache>>,
}

/// When the search index is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchStep {
    /// As a step of the build (`build`, `check`).
    Inline,
    /// Left to the caller in `Built::pending_search` (`serve` indexes after the reload).
    Deferred,
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
            search: SearchStep::Inline,
            production: false,
            cancel: Cancel::default(),
            template_cache: None,
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
    pub timings: Vec<Timing>,
    pub config: Config,
    /// The search index still to build, with `SearchStep::Deferred`.
    pub pending_search: Option<search::Pending>,
}

/// How long a step took, and the process's resident memory after it (Linux), for `--timings`.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub step: &'static str,
    pub took: Duration,
    pub resident_kb: Option<u64>,
}

/// `      markdown:    32.6 ms      70 MB resident`, as `--timings` prints a step.
impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.took.as_secs_f64() * 1000.0;
        write!(f, "{:>16}: {ms:>7.1} ms", self.step)?;
        match self.resident_kb {
            Some(kb) => write!(f, "  {:>6} MB resident", kb / 1024),
            None => Ok(()),
        }
    }
}

/// The process's resident memory in KiB, from `/proc/self/status` (`None` elsewhere).
pub fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Steps {
    timings: Vec<Timing>,
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
        self.timings.push(Timing {
            step: name,
            took: start.elapsed(),
            resident_kb: resident_kb(),
        });
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
    finish(prepare(opts)?, opts)
}

/// A build up to its pages: the site loaded, its Markdown rendered and every value the
/// templates read, ready to render any page. `finish` renders them all; `serve` first renders
/// the page the browser asks for (`Prepared::pages`).
pub struct Prepared {
    config: Config,
    site: Arc<Site>,
    data: indicators::Data,
    renderer: Arc<Renderer>,
    early: Output,
    images: Arc<ImageQueue>,
    findings: Vec<Diagnostic>,
    /// Read before the Markdown is released: the report hashes each source's body.
    translations: translations::Report,
    steps: Steps,
}

impl Prepared {
    /// The site's pages, each rendered when it is asked for.
    pub fn pages(&self) -> crate::render::OnDemand {
        crate::render::OnDemand::new(self.renderer.clone())
    }

    /// Where the site is written: `--output-dir`, or `output_dir` of `config.toml`.
    pub fn output_dir(&self, opts: &BuildOptions) -> PathBuf {
        output_dir(opts, &self.config)
    }

    /// Whether `serve` minifies the pages it sends.
    pub fn minify_html(&self) -> bool {
        self.config.minify_html
    }
}

/// The steps up to rendering the pages: configuration, content, templates, Markdown, data
/// checks and template values.
pub fn prepare(opts: &BuildOptions) -> Result<Prepared, BuildFailed> {
    let mut steps = Steps {
        timings: Vec::new(),
        cancel: opts.cancel.clone(),
    };
    let mut findings: Vec<Diagnostic> = Vec::new();
    let config = steps.run("config", || load_config(opts)).map_err(failed)?;
    findings.extend(config.warnings.iter().cloned());
    if opts.mode == Mode::Build {
        // Before anything can fail: a previous site that a killed build left moved aside is
        // back in place even if this build stops.
        crate::output::tidy_abandoned(&output_dir(opts, &config));
    }
    production_base_url(opts, &config).map_err(failed)?;
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
            let theme = config.theme.as_deref();
            match &opts.template_cache {
                Some(cache) => Templates::load_cached(&opts.root, theme, cache),
                None => Templates::load(&opts.root, theme).map(Arc::new),
            }
        })
        .map_err(failed)?;
    // Templates may list the targets while the Markdown renders; the data is checked against
    // the rendered plan afterwards, before anything publishes.
    let raw = steps
        .run("indicators", || indicators::read(&opts.root))
        .map_err(failed)?;
    let directory = Arc::new(raw.as_ref().map(|r| r.directory()).unwrap_or_default());
    let site = Arc::new(site);
    let images = Arc::new(ImageQueue::default());
    // One set of templates per language serves the shortcodes, then the pages: their
    // functions see the site without rendered content until the Markdown is done.
    let shared = Arc::new(Shared::new(
        site.clone(),
        Arc::new(Values::new(&site, RenderedSite::empty(&site))),
        directory,
        images.clone(),
    ));
    let teras = steps.run("languages", || {
        templates.for_languages(&site.config, &shared)
    });
    let (rendered, soft) = steps
        .run("markdown", || {
            let values = shared.values();
            crate::render::markdown::render_all(&site, &templates, &teras, &values, &opts.cancel)
        })
        .map_err(failed)?;
    findings.extend(soft);
    steps.go_on()?;
    let data = steps
        .run("indicator checks", || {
            indicators::load(raw, &site, &rendered)
        })
        .map_err(failed)?;
    let translations = translations::report(&site);
    // Nothing after this reads the Markdown.
    site.release_bodies();
    let virtuals = steps.run("generated pages", || indicators::pages(&site, &data));
    let values = Arc::new(steps.run("values", || Values::new(&site, rendered)));
    shared.set_values(values.clone());
    // Zola's search index comes from the Markdown and is made before the templates render, as
    // Zola makes it, so a template can cachebust its URL. Pagefind indexes the final pages,
    // after the link check.
    let mut early = Output::default();
    if config.default_lang().search.engine == SearchEngine::Zola {
        steps
            .run("search", || {
                crate::passes::zola_search::index(&site, values.rendered(), &mut early)
            })
            .map_err(failed)?;
    }
    shared.know_files(&early);
    let renderer = steps.run("renderer", || {
        Renderer::new(site.clone(), values, templates, virtuals.into(), teras)
    });
    Ok(Prepared {
        config,
        site,
        data,
        renderer: Arc::new(renderer),
        early,
        images,
        findings,
        translations,
        steps,
    })
}

/// Render every page of a prepared build, add the other files and run the checks.
pub fn finish(prepared: Prepared, opts: &BuildOptions) -> Result<Built, BuildFailed> {
    finish_into(prepared, opts, None)
}

/// `finish`, writing each page into `staging` as soon as it is rendered and checked, and
/// keeping only what the link check and the search index need of it (`sprout build`); the rest
/// of the output is written there by `Output::write_atomic`. `finish` keeps every page in
/// memory (`check`, `serve`).
pub fn finish_into(
    prepared: Prepared,
    opts: &BuildOptions,
    staging: Option<&Staging>,
) -> Result<Built, BuildFailed> {
    let Prepared {
        config,
        site,
        data,
        renderer,
        early,
        images,
        mut findings,
        translations,
        mut steps,
    } = prepared;
    let pagefind = config.default_lang().search.engine == SearchEngine::Pagefind;
    let picker = pagefind.then(|| search::Picker::new(&site)).flatten();
    // `serve` minifies each page when it is asked for (`Built::config.minify_html` says so).
    let minify = config.minify_html && opts.mode != Mode::Serve;
    let pass = PagePass::new(&config, picker, minify, staging);
    let mut output = steps
        .run("render", || {
            renderer.render(&|file, html| pass.page(file, html))
        })
        .map_err(failed)?;
    output.append(early);
    steps.go_on()?;
    add_files(
        &mut steps,
        opts,
        &config,
        &site,
        &data,
        &images,
        &mut output,
    )?;
    findings.extend(output.take_problems());
    let virtuals = renderer.virtuals.clone();
    drop(renderer);
    let sources = sources(&site, &virtuals);
    steps.run("other pages", || pass.rest(&mut output));
    let kept = pass.into_kept();
    // A page past a limit stops the build here, in `check` mode too; the pass left it unread
    // by the search index, the offline copy and the minifier.
    let too_big = steps.run("limits", || {
        crate::passes::limits::check_output(&kept.scans, &config.limits, &sources)
    });
    if !too_big.is_empty() {
        return Err(failed(too_big.into_iter().collect()));
    }
    findings.extend(steps.run("links", || {
        links::check(&kept.scans, &output, &config, &sources)
    }));
    if opts.mode != Mode::Check && findings.iter().any(Diagnostic::is_error) {
        return Err(failed(findings.into_iter().collect()));
    }
    steps.go_on()?;
    let pending_search = match pagefind {
        true => search_step(&mut steps, opts, &site, kept.picked, &mut output)?,
        false => SearchOutcome::default(),
    };
    findings.extend(pending_search.warnings);
    let collisions = output.take_problems();
    if !collisions.is_empty() {
        return Err(failed(collisions.into_iter().collect()));
    }
    if !kept.problems.is_empty() {
        return Err(failed(kept.problems.into_iter().collect()));
    }
    steps.go_on()?;
    if config.mode == Mode::Build {
        findings.extend(placeholder_base_url(&config));
        findings.extend(unset_site_details(&config));
    }
    Ok(Built {
        output_dir: output_dir(opts, &config),
        summary: summarise(&site, virtuals.len(), output.len()),
        translations,
        output,
        findings: Diagnostics::from_iter(findings).sorted(),
        timings: steps.timings,
        config,
        pending_search: pending_search.deferred,
    })
}

/// The files beside the rendered pages: indicator downloads, static files, resized images,
/// compiled Sass, highlighting stylesheets and `_headers`.
fn add_files(
    steps: &mut Steps,
    opts: &BuildOptions,
    config: &Config,
    site: &Site,
    data: &indicators::Data,
    images: &ImageQueue,
    output: &mut Output,
) -> Result<(), BuildFailed> {
    steps.run("downloads", || indicators::downloads(site, data, output));
    steps.run("static", || statics::add(&opts.root, config, output));
    steps
        .run("images", || process_images(&opts.root, images, output))
        .map_err(failed)?;
    steps
        .run("sass", || {
            crate::output::sass::add(&opts.root, config, output)
        })
        .map_err(failed)?;
    if let Some(hl) = &config.markdown.highlighting {
        // As Zola: the class style's stylesheets, unless the site ships its own.
        for (name, css) in crate::markdown::highlight::theme_css(hl) {
            if !output.contains(name) {
                output.insert_text(name, css, "[markdown.highlighting]");
            }
        }
    }
    steps.run("headers", || headers::add(config, output));
    Ok(())
}

/// The Pagefind index of the pages the page pass picked: built now (`build`, `check`) or left
/// for `serve` to build after the reload.
#[derive(Default)]
struct SearchOutcome {
    deferred: Option<search::Pending>,
    /// Pages whose text was cut at `[limits] max_search_bytes`.
    warnings: Vec<Diagnostic>,
}

fn search_step(
    steps: &mut Steps,
    opts: &BuildOptions,
    site: &Site,
    picked: Vec<(String, search::Picked)>,
    output: &mut Output,
) -> Result<SearchOutcome, BuildFailed> {
    let Some(mut pending) = search::Pending::new(site, picked) else {
        return Ok(SearchOutcome::default());
    };
    let warnings = std::mem::take(&mut pending.warnings);
    let deferred = match opts.search {
        SearchStep::Deferred => Some(pending),
        SearchStep::Inline => {
            steps
                .run("search", || pending.add_to(output))
                .map_err(failed)?;
            None
        }
    };
    Ok(SearchOutcome { deferred, warnings })
}

fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    opts.output_dir
        .clone()
        .unwrap_or_else(|| opts.root.join(&config.output_dir))
}

/// QR codes, the sitemap and feeds carry `base_url`: say so while it is still a placeholder.
fn placeholder_base_url(config: &Config) -> Option<Diagnostic> {
    let host = config.base_url.split("://").nth(1)?.split('/').next()?;
    let placeholder = ["example.org", "example.com", "example.net"]
        .iter()
        .any(|p| host == *p || host.ends_with(&format!(".{p}")));
    placeholder.then(|| {
        Diagnostic::warning(
            &config.file,
            format!("base_url is {}: QR codes, the sitemap and feeds point there; set it to the site's real address before publishing", config.base_url),
        )
    })
}

/// A production build (`--production`, SPROUT_ENV=production) with a placeholder `base_url`
/// fails: printed QR codes would point nowhere.
fn production_base_url(opts: &BuildOptions, config: &Config) -> Result<(), Diagnostics> {
    if !opts.production || placeholder_base_url(config).is_none() {
        return Ok(());
    }
    let line = std::fs::read_to_string(opts.root.join("config.toml"))
        .ok()
        .and_then(|t| {
            t.lines()
                .position(|l| l.trim_start().starts_with("base_url"))
        })
        .map_or(0, |i| i + 1);
    let d = Diagnostic::error(
        "config.toml",
        format!(
            "base_url is {} in a production build: QR codes, the sitemap and feeds would point there; set base_url to the address the site is published at, or pass --base-url",
            config.base_url
        ),
    );
    Err(Diagnostics::from_iter([d.at(line, 1)]))
}

/// `[extra]` keys that tell readers who runs the site, how to report an error and where the
/// government publishes the plan. A site that declares one (the bundled theme shows them) is
/// warned while it is still empty, as for a placeholder `base_url`.
const SITE_DETAILS: &[(&str, &str)] = &[
    (
        "site_owner",
        "who runs the site (a person, office or organisation)",
    ),
    (
        "feedback",
        "how readers report an error or give feedback (an e-mail address or a URL)",
    ),
    (
        "plan_url",
        "the address where the government publishes the official plan",
    ),
];

fn unset_site_details(config: &Config) -> Vec<Diagnostic> {
    SITE_DETAILS
        .iter()
        .filter(|(key, _)| {
            config
                .extra
                .get(key)
                .is_some_and(|v| v.as_str().is_some_and(|s| s.trim().is_empty()))
        })
        .map(|(key, what)| {
            Diagnostic::warning(
                "config.toml",
                format!("[extra] {key} is empty: set it to {what}; the site's footer shows it"),
            )
        })
        .collect()
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

/// Make the images `resize_image` asked for (as Zola's `process_images`, after rendering) and
/// add them to the output under `processed_images/`. Zola writes them into the site's
/// `static/processed_images/` and copies them from there, so a site built with Zola before
/// has copies in its `static/`: the image made now takes their place.
fn process_images(
    root: &Path,
    images: &ImageQueue,
    output: &mut Output,
) -> Result<(), Diagnostics> {
    let mut problems = Diagnostics::default();
    for made in images.process() {
        match made {
            Ok((path, bytes)) => output.replace(path, Body::Bytes(bytes), "resize_image"),
            Err((file, e)) => problems.push(Diagnostic::error(
                crate::diagnostics::rel(root, &file),
                format!(
                    "`resize_image` cannot process this image ({e}); check that it is a valid image"
                ),
            )),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(())
}
