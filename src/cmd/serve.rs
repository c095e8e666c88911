//! `sprout serve`: build in memory, serve on 127.0.0.1 under the base URL's sub-path, watch the
//! site's folders, rebuild on change and reload open pages over server-sent events. After an
//! edit to pages or templates, open pages reload as soon as the site is prepared and each page
//! renders when it is asked for, while the full build (feeds, checks, search) finishes behind.
//! A broken edit keeps the last good site and shows the error in the terminal and in the
//! browser.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{DebouncedEvent, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::config::Mode;
use crate::output::Output;
use crate::pipeline::{BuildOptions, Cancel, SearchStep, finish, prepare};
use crate::render::OnDemand;

/// Paths the server owns, under the site's base path.
const RELOAD_JS: &str = "__sprout/livereload.js";
const EVENTS: &str = "__sprout/events";

/// The live site: the last good build and the error of the last build, if it failed.
pub struct Live {
    pub output: Output,
    pub error: Option<String>,
    /// The base path (`/` or `/children/`) every URL lives under.
    pub base_path: String,
    pub default_language: String,
    pub languages: Vec<String>,
    /// Counts good builds, so a background search index is only added to the build it was
    /// made from.
    pub generation: u64,
    /// Minify each HTML page as it is served (the build leaves it to `serve`).
    pub minify: bool,
    /// After an edit to pages or templates: the new site's pages, rendered as they are asked
    /// for, until the full build of that edit replaces `output`.
    pub fresh: Option<Arc<OnDemand>>,
    /// Files asked for while `fresh` is live that are not fresh pages (styles, feeds, a page
    /// just deleted): answered from the last full build, so open pages reload again if the
    /// full build of the edit changes any of them.
    pub asked_of_last_build: Mutex<HashSet<String>>,
}

/// Where the bytes of a file to send come from.
enum Source {
    /// A page of the fresh build, rendered when it is sent.
    Page(Arc<OnDemand>),
    /// A file of the last full build.
    Bytes(Vec<u8>),
}

impl Live {
    /// Whether the site has `file`: a page of the fresh build, or a file of the last full one.
    fn has(&self, file: &str) -> bool {
        if self.fresh.as_ref().is_some_and(|f| f.has(file)) {
            return true;
        }
        if self.fresh.is_some() {
            self.asked_of_last_build
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(file.to_string());
        }
        self.output.contains(file)
    }

    /// Where `file`'s bytes come from; a fresh page is rendered later, outside the lock.
    fn source(&self, file: &str) -> Option<Source> {
        match &self.fresh {
            Some(f) if f.has(file) => Some(Source::Page(f.clone())),
            _ => self.output.read(file).map(Source::Bytes),
        }
    }

    /// Whether a file answered from the last full build while fresh pages were live is
    /// different, or gone, or new, in `next` (the full build of the same edit).
    fn answered_stale(&self, next: &Output) -> bool {
        let asked = std::mem::take(
            &mut *self
                .asked_of_last_build
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        // The search index is made after the full build, in the background, and replaces its
        // files when it is done: a reload would not show it sooner.
        asked
            .iter()
            .filter(|f| !f.starts_with("pagefind/"))
            .any(|f| self.output.read(f) != next.read(f))
    }

    /// The bytes to send for `file` (a fresh page is rendered here, on a blocking thread, a
    /// panic reported as an error), HTML minified when the site asks for it as `build` does.
    async fn send(source: Source, file: String, minify: bool) -> Result<Vec<u8>, String> {
        let bytes = match source {
            Source::Bytes(b) => b,
            Source::Page(pages) => {
                let name = file.clone();
                let rendered = tokio::task::spawn_blocking(move || {
                    std::panic::catch_unwind(AssertUnwindSafe(|| pages.render(&name)))
                })
                .await;
                match rendered {
                    Ok(Ok(Some(Ok(html)))) => html.into_bytes(),
                    Ok(Ok(Some(Err(problem)))) => return Err(problem.to_string()),
                    Ok(Ok(None)) => return Err(format!("error: no page renders to {file}")),
                    Ok(Err(panic)) => return Err(crashed(&*panic)),
                    Err(e) => return Err(format!("error: rendering {file} stopped ({e})")),
                }
            }
        };
        if minify && file.ends_with(".html") {
            Ok(Output::minified(&bytes))
        } else {
            Ok(bytes)
        }
    }
}

#[derive(Clone)]
struct AppState {
    live: Arc<RwLock<Live>>,
    events: broadcast::Sender<String>,
}

/// mimalloc's `mi_option_purge_delay` (its `include/mimalloc.h`, v3): how long freed memory is
/// kept before it goes back to the system; -1 keeps it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Every rebuild allocates about what the last one freed. mimalloc gives freed memory back to
/// the system after a delay (1 s by default), and the system then zeroes each page again when
/// the next rebuild touches it: a third of the time before an edit shows. The server keeps the
/// memory instead (its resident size stays at its largest build's, as it nearly does anyway).
fn keep_freed_memory() {
    // SAFETY: `mi_option_set` takes two integers and may be called at any time from any thread.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// Run the server until interrupted; `Ok(false)` when `config.toml` has problems (reported).
pub fn serve(root: &Path, interface: IpAddr, port: u16, drafts: bool) -> Result<bool> {
    keep_freed_memory();
    let addr = SocketAddr::new(interface, port);
    let config = match crate::config::Config::load(root) {
        Ok(c) => c,
        Err(problems) => {
            for d in problems.items() {
                eprintln!("{d}");
            }
            return Ok(false);
        }
    };
    let base_path = config.base_path();
    let origin = format!("http://{addr}{}", base_path.trim_end_matches('/'));
    let opts = BuildOptions {
        base_url: Some(origin.clone()),
        drafts,
        mode: Mode::Serve,
        search: SearchStep::Deferred,
        template_cache: Some(Arc::default()),
        ..BuildOptions::new(root)
    };
    let live = Arc::new(RwLock::new(Live {
        output: Output::default(),
        error: None,
        base_path: base_path.clone(),
        default_language: config.default_language.clone(),
        languages: config.languages.iter().map(|l| l.code.clone()).collect(),
        generation: 0,
        minify: false,
        fresh: None,
        asked_of_last_build: Mutex::default(),
    }));
    let (events, _) = broadcast::channel(16);
    let rebuilder = Rebuilder::new(site_build(opts), live.clone(), events.clone());
    rebuilder.run_now();
    let state = AppState {
        live: live.clone(),
        events: events.clone(),
    };
    let _watcher = watch(root, rebuilder)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        println!("serving the site at {origin}/ (Ctrl+C to stop)");
        axum::serve(listener, router(state))
            .await
            .context("server stopped")?;
        Ok(true)
    })
}

fn router(state: AppState) -> Router {
    Router::new().fallback(get(handle)).with_state(state)
}

/// Builds the site into `Live`. Each change starts a build at once and cancels the one still
/// running, so a slow build never queues behind the edit that fixes it; a failed or panicking
/// build keeps the last good site and records the error for the overlay.
pub struct Rebuilder {
    build: Box<BuildFn>,
    live: Arc<RwLock<Live>>,
    events: broadcast::Sender<String>,
    /// Bumped by every start; a build whose number is no longer current is thrown away.
    generation: AtomicU64,
    /// The running build's cancel flag, and whether a change other than to pages has been
    /// made since the last good build (then every build is a full one until one succeeds:
    /// a page edit must not publish pages beside styles or data that are not rebuilt yet).
    running: Mutex<(Cancel, bool)>,
}

/// One build of the site: the output, or the error to show. When given a `Publish`, the build
/// hands it the site's pages as soon as they can render, before the full build is done.
pub type BuildFn = dyn Fn(&Cancel, Option<&Publish<'_>>) -> Result<Rebuilt, String> + Send + Sync;

/// Takes a build's pages, to render on demand, and whether they are served minified.
pub type Publish<'a> = dyn Fn(OnDemand, bool) + Sync + 'a;

/// What changed, which decides when open pages reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Only Markdown content or templates: every page renders on demand from the new site, so
    /// pages reload before the full build is done.
    Pages,
    /// Anything else (configuration, data, styles, static files): pages reload after the full
    /// build, when every file is new.
    Site,
}

/// A finished build: the site to serve, and its search index still to make (in the background,
/// so the reload does not wait for it).
pub struct Rebuilt {
    pub output: Output,
    pub pending_search: Option<crate::passes::search::Pending>,
    /// `minify_html`: the pages are minified as they are served.
    pub minify: bool,
}

impl Rebuilder {
    pub fn new(
        build: Box<BuildFn>,
        live: Arc<RwLock<Live>>,
        events: broadcast::Sender<String>,
    ) -> Arc<Self> {
        Arc::new(Rebuilder {
            build,
            live,
            events,
            generation: AtomicU64::new(0),
            running: Mutex::new((Cancel::default(), false)),
        })
    }

    /// Cancel the running build, if any, and start a new one on its own thread.
    pub fn start(self: &Arc<Self>, change: Change) -> std::thread::JoinHandle<()> {
        let (generation, cancel, change) = self.next(change);
        let me = self.clone();
        std::thread::spawn(move || me.run(generation, &cancel, change))
    }

    /// Build now, on this thread (the first build, before the server answers).
    pub fn run_now(&self) {
        let (generation, cancel, change) = self.next(Change::Site);
        self.run(generation, &cancel, change);
    }

    /// Number the new build and cancel the running one (in that order, so the cancelled build
    /// is no longer current when it stops); the change the new build is made for, counting
    /// site changes not yet built.
    fn next(&self, change: Change) -> (u64, Cancel, Change) {
        let cancel = Cancel::default();
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        running.0.cancel();
        running.0 = cancel.clone();
        running.1 |= change == Change::Site;
        let change = if running.1 { Change::Site } else { change };
        (generation, cancel, change)
    }

    /// A good build of `generation` has made every file new, if it is still the current one.
    fn site_built(&self, generation: u64) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::SeqCst) == generation {
            running.1 = false;
        }
    }

    fn run(&self, generation: u64, cancel: &Cancel, change: Change) {
        let published = AtomicBool::new(false);
        let publish = |pages: OnDemand, minify: bool| {
            let mut l = self.live.write().unwrap_or_else(|e| e.into_inner());
            if self.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            l.fresh = Some(Arc::new(pages));
            l.minify = minify;
            l.error = None;
            l.asked_of_last_build
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            drop(l);
            published.store(true, Ordering::SeqCst);
            let _ = self.events.send("reload".to_string());
        };
        let early: Option<&Publish<'_>> = (change == Change::Pages).then_some(&publish);
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| (self.build)(cancel, early)))
            .unwrap_or_else(|panic| Err(crashed(&*panic)));
        let mut l = self.live.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        // A full build, good or not, ends the fresh pages: its own output or the last good
        // site is served from here on.
        l.fresh = None;
        let message = match result {
            Ok(rebuilt) => {
                self.site_built(generation);
                // Open pages reloaded when the fresh pages were published; again only if a
                // file they were given from the last full build has changed since.
                let again = !published.load(Ordering::SeqCst) || l.answered_stale(&rebuilt.output);
                l.output = rebuilt.output;
                l.minify = rebuilt.minify;
                l.error = None;
                l.generation += 1;
                if let Some(pending) = rebuilt.pending_search {
                    index_in_background(pending, self.live.clone(), l.generation);
                }
                if !again {
                    return;
                }
                "reload".to_string()
            }
            Err(msg) => {
                let note = if l.output.is_empty() {
                    "(nothing built yet: pages show this error until it is fixed)"
                } else {
                    "(still serving the last good build)"
                };
                eprintln!("{msg}\n{note}");
                l.error = Some(msg.clone());
                format!("error:{msg}")
            }
        };
        drop(l);
        let _ = self.events.send(message);
    }
}

/// Build the search index of build `generation` and add it to the live site, unless a newer
/// build has replaced that one meanwhile.
fn index_in_background(
    pending: crate::passes::search::Pending,
    live: Arc<RwLock<Live>>,
    generation: u64,
) {
    std::thread::spawn(move || {
        let start = Instant::now();
        match pending.run() {
            Ok(files) => {
                let mut l = live.write().unwrap_or_else(|e| e.into_inner());
                if l.generation == generation {
                    for (path, bytes) in files {
                        l.output
                            .insert(path, crate::output::Body::Bytes(bytes), "pagefind");
                    }
                    println!("search index: {:.2}s", start.elapsed().as_secs_f64());
                }
            }
            Err(d) => {
                let lines: Vec<String> = d.items().iter().map(ToString::to_string).collect();
                eprintln!("search index failed:\n{}", lines.join("\n"));
            }
        }
    });
}

/// The error shown for a build that panicked: a bug in sprout, not in the site.
fn crashed(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!(
        "error: the build crashed ({what}); this is a bug in sprout, please report it with the page you were editing"
    )
}

/// The real build, as `serve` runs it.
fn site_build(opts: BuildOptions) -> Box<BuildFn> {
    Box::new(move |cancel, publish| {
        let start = Instant::now();
        let opts = BuildOptions {
            cancel: cancel.clone(),
            ..opts.clone()
        };
        let prepared = prepare(&opts).map_err(|failed| failed.to_string())?;
        if let Some(publish) = publish {
            publish(prepared.pages(), prepared.minify_html());
            println!(
                "pages ready: {:.3}s (the rest of the build follows)",
                start.elapsed().as_secs_f64()
            );
        }
        let built = finish(prepared, &opts).map_err(|failed| failed.to_string())?;
        if std::env::var_os("SPROUT_TIMINGS").is_some() {
            for t in &built.timings {
                eprintln!("{t}");
            }
        }
        println!(
            "rebuilt: {} files in {:.2}s",
            built.output.len(),
            start.elapsed().as_secs_f64()
        );
        Ok(Rebuilt {
            minify: built.config.minify_html,
            output: built.output,
            pending_search: built.pending_search,
        })
    })
}

/// Watch the site's input folders; debounce, and start a rebuild for each burst of changes.
fn watch(
    root: &Path,
    rebuilder: Arc<Rebuilder>,
) -> Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>> {
    let (tx, rx) = std::sync::mpsc::channel();
    // Short enough that an edit shows within 100 ms; an editor's save comes in one burst.
    let mut debouncer = new_debouncer(Duration::from_millis(20), None, tx)?;
    for name in [
        "zola.toml",
        "config.toml",
        "content",
        "data",
        "static",
        "sass",
        "templates",
        "themes",
    ] {
        let p: PathBuf = root.join(name);
        if p.exists() {
            debouncer.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    // The watcher may report paths under the site's real path (macOS resolves links).
    let roots: Vec<PathBuf> = [Some(root.to_path_buf()), root.canonicalize().ok()]
        .into_iter()
        .flatten()
        .collect();
    std::thread::spawn(move || {
        while let Ok(res) = rx.recv() {
            let Ok(events) = res else {
                continue;
            };
            // Reading files (our own builds included) is not a change.
            let changes: Vec<&DebouncedEvent> = events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                .collect();
            if changes.is_empty() {
                continue;
            }
            let pages_only = changes
                .iter()
                .flat_map(|e| e.paths.iter())
                .all(|p| roots.iter().any(|root| changes_only_pages(root, p)));
            rebuilder.start(if pages_only {
                Change::Pages
            } else {
                Change::Site
            });
        }
    });
    Ok(debouncer)
}

/// Whether a change to `path` can only change rendered pages: Markdown under `content/`, or a
/// file under a `templates/` folder (the site's or a theme's). Colocated files, data, styles,
/// static files and configuration are copied or read by other steps.
pub fn changes_only_pages(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    match parts.next().as_deref() {
        Some("content") => path.extension().is_some_and(|e| e == "md"),
        Some("templates") => true,
        Some("themes") => parts.nth(1).as_deref() == Some("templates"),
        _ => false,
    }
}

async fn handle(State(state): State<AppState>, req: Request<HttpBody>) -> Response<HttpBody> {
    let raw = req.uri().path().to_string();
    let (base, has_error) = {
        let l = state.live.read().unwrap_or_else(|e| e.into_inner());
        (l.base_path.clone(), l.error.clone())
    };
    let Some(path) = clean_path(&raw) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "bad request: the path is not allowed",
        );
    };
    if !path.starts_with(&base) {
        if path == "/" || path == base.trim_end_matches('/') {
            return redirect(&base);
        }
        return plain(
            StatusCode::NOT_FOUND,
            "not found: this site lives under its base path",
        );
    }
    let rel = &path[base.len()..];
    if rel == RELOAD_JS {
        return typed(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            RELOAD_SCRIPT.as_bytes().to_vec(),
        );
    }
    if rel == EVENTS {
        return events(state, has_error).await.into_response();
    }
    serve_file(&state, rel, &path).await
}

/// What to answer for a file, decided under the lock and sent after it is released.
enum Answer {
    Now(Response<HttpBody>),
    File {
        status: StatusCode,
        file: String,
        source: Source,
        minify: bool,
        base: String,
    },
}

async fn serve_file(state: &AppState, rel: &str, path: &str) -> Response<HttpBody> {
    match answer(state, rel, path) {
        Answer::Now(response) => response,
        Answer::File {
            status,
            file,
            source,
            minify,
            base,
        } => match Live::send(source, file.clone(), minify).await {
            Ok(bytes) => respond(status, &file, bytes, &base),
            Err(error) => error_page(&error, &base),
        },
    }
}

fn answer(state: &AppState, rel: &str, path: &str) -> Answer {
    let l = state.live.read().unwrap_or_else(|e| e.into_inner());
    if l.output.is_empty() && l.fresh.is_none() {
        let error = l.error.clone().unwrap_or_default();
        return Answer::Now(error_page(&error, &l.base_path));
    }
    let candidates = [
        rel.to_string(),
        format!("{rel}index.html"),
        format!("{rel}/index.html"),
    ];
    let found = candidates.iter().find(|c| l.has(c)).cloned();
    let (status, file) = match found {
        Some(file)
            if file.ends_with("/index.html")
                && !rel.is_empty()
                && !rel.ends_with('/')
                && !rel.ends_with(".html") =>
        {
            return Answer::Now(redirect(&format!("{path}/")));
        }
        Some(file) => (StatusCode::OK, file),
        None => {
            let lang = rel
                .split('/')
                .next()
                .filter(|c| l.languages.iter().any(|x| x == c) && *c != l.default_language);
            let page = lang.map_or("404.html".to_string(), |c| format!("{c}/404.html"));
            (StatusCode::NOT_FOUND, page)
        }
    };
    match l.source(&file) {
        Some(source) => Answer::File {
            status,
            file,
            source,
            minify: l.minify,
            base: l.base_path.clone(),
        },
        None if status == StatusCode::NOT_FOUND => {
            Answer::Now(plain(StatusCode::NOT_FOUND, "not found"))
        }
        None => Answer::Now(plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot read this file",
        )),
    }
}

/// Percent-decode and refuse anything that could climb out of the site.
pub fn clean_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .to_string();
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return None;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    Some(decoded)
}

/// MIME type by extension, with the types browsers need for search and data.
pub fn mime_for(file: &str) -> String {
    let ext = file.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8".into(),
        "css" => "text/css; charset=utf-8".into(),
        "js" | "mjs" => "text/javascript; charset=utf-8".into(),
        "json" => "application/json".into(),
        "csv" => "text/csv; charset=utf-8".into(),
        "svg" => "image/svg+xml".into(),
        "wasm" => "application/wasm".into(),
        "xml" => "application/xml".into(),
        "txt" | "_headers" => "text/plain; charset=utf-8".into(),
        "pagefind" | "pf_meta" | "pf_fragment" | "pf_index" | "pf_filter" => {
            "application/octet-stream".into()
        }
        _ => mime_guess::from_path(file)
            .first_or_octet_stream()
            .to_string(),
    }
}

fn respond(status: StatusCode, file: &str, bytes: Vec<u8>, base: &str) -> Response<HttpBody> {
    let mime = mime_for(file);
    let body = if mime.starts_with("text/html") {
        inject_reload(bytes, base)
    } else {
        bytes
    };
    let mut r = typed(status, &mime, body);
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (k, v) in crate::policy::HEADERS {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            r.headers_mut().insert(k, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(crate::policy::CSP) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

/// Add the live-reload script at the end of `<body>` (or of the document when it has none);
/// only `serve` does this, never `build`. The bytes pass through lol_html untouched, so a page
/// that is not UTF-8 keeps its text.
pub fn inject_reload(html: Vec<u8>, base: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{base}{RELOAD_JS}\" defer></script>");
    let mut out = Vec::with_capacity(html.len() + tag.len());
    let mut placed = false;
    let settings = lol_html::Settings::new().append_element_content_handler(lol_html::element!(
        "body",
        |el| {
            el.append(&tag, lol_html::html_content::ContentType::Html);
            placed = true;
            Ok(())
        }
    ));
    let rewritten = {
        let mut rewriter =
            lol_html::HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
        match rewriter.write(&html) {
            Ok(()) => rewriter.end(),
            Err(e) => Err(e),
        }
    };
    if rewritten.is_err() {
        // Serve the page as built rather than an empty one; the reload script goes last.
        out = html;
        placed = false;
    }
    if !placed {
        out.extend_from_slice(tag.as_bytes());
    }
    out
}

/// Shown while the site has never built: the error, and the script that reloads once fixed.
fn error_page(error: &str, base: &str) -> Response<HttpBody> {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>sprout: build error</title></head><body><h1>The site did not build</h1><pre>{}</pre></body></html>",
        html_escape::encode_text(error)
    );
    typed(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/html; charset=utf-8",
        inject_reload(html.into_bytes(), base),
    )
}

fn typed(status: StatusCode, mime: &str, body: Vec<u8>) -> Response<HttpBody> {
    let mut r = Response::new(HttpBody::from(body));
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(mime) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

fn plain(status: StatusCode, text: &str) -> Response<HttpBody> {
    typed(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

fn redirect(to: &str) -> Response<HttpBody> {
    let mut r = plain(StatusCode::MOVED_PERMANENTLY, to);
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

async fn events(
    state: AppState,
    current_error: Option<String>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let first = current_error.map(|e| format!("error:{e}"));
    let initial = tokio_stream::iter(first.into_iter().map(|m| Ok(message(&m))));
    let updates = BroadcastStream::new(state.events.subscribe())
        .filter_map(|m| m.ok().map(|m| Ok(message(&m))));
    Sse::new(initial.chain(updates)).keep_alive(KeepAlive::default())
}

fn message(m: &str) -> Event {
    match m.strip_prefix("error:") {
        Some(err) => Event::default().event("build-error").data(err),
        None => Event::default().event("reload").data("reload"),
    }
}

/// Reload on a good rebuild; show the error over the page on a bad one.
const RELOAD_SCRIPT: &str = r##"(function () {
  var src = document.currentScript && document.currentScript.src;
  var url = src ? src.replace(/livereload\.js$/, "events") : "/__sprout/events";
  var es = new EventSource(url);
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("build-error", function (e) {
    var box = document.getElementById("sprout-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "sprout-error";
      box.setAttribute("role", "alert");
      // Styled through the CSSOM: the site's CSP (`style-src 'self'`) blocks style attributes.
      Object.assign(box.style, {
        position: "fixed", inset: "1rem", zIndex: "9999", margin: "0", padding: "1rem",
        overflow: "auto", background: "#fff", color: "#8a0000", border: "4px solid #8a0000",
        font: "14px/1.4 monospace", whiteSpace: "pre-wrap"
      });
      document.body.appendChild(box);
    }
    box.textContent = "sprout: the last edit did not build; showing the last good version.\n\n" + e.data;
  });
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> Arc<RwLock<Live>> {
        Arc::new(RwLock::new(Live {
            output: Output::default(),
            error: None,
            base_path: "/".into(),
            default_language: "en".into(),
            languages: vec!["en".into()],
            generation: 0,
            minify: false,
            fresh: None,
            asked_of_last_build: Mutex::default(),
        }))
    }

    fn site_with(page: &str) -> Rebuilt {
        let mut output = Output::default();
        output.insert_text("index.html", page.to_string(), "content/_index.md");
        Rebuilt {
            output,
            pending_search: None,
            minify: false,
        }
    }

    #[test]
    fn a_slow_rebuild_is_cancelled_by_the_next_edit() {
        let calls = Arc::new(AtomicU64::new(0));
        let seen = calls.clone();
        // The first build runs until it is cancelled (it would take a minute otherwise); the
        // second one, for the edit that fixes things, is quick.
        let slow_then_quick: Box<BuildFn> = Box::new(move |cancel, _| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                let start = Instant::now();
                while !cancel.is_cancelled() && start.elapsed() < Duration::from_secs(60) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                return Err("cancelled".into());
            }
            Ok(site_with("fixed"))
        });
        let (events, mut rx) = broadcast::channel(16);
        let live = live();
        let r = Rebuilder::new(slow_then_quick, live.clone(), events);
        let started = Instant::now();
        let slow = r.start(Change::Site);
        std::thread::sleep(Duration::from_millis(50));
        r.start(Change::Site).join().unwrap();
        slow.join().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the slow build was not cancelled"
        );
        assert_eq!(rx.try_recv().unwrap(), "reload");
        assert!(
            rx.try_recv().is_err(),
            "the cancelled build must not report"
        );
        let l = live.read().unwrap();
        assert_eq!(l.output.read("index.html").unwrap(), b"fixed");
        assert!(l.error.is_none());
    }

    #[test]
    fn a_panicking_rebuild_keeps_the_last_good_site_and_reports() {
        let calls = Arc::new(AtomicU64::new(0));
        let seen = calls.clone();
        let good_then_panic: Box<BuildFn> = Box::new(move |_, _| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                return Ok(site_with("good"));
            }
            panic!("boom in a step");
        });
        let (events, mut rx) = broadcast::channel(16);
        let live = live();
        let r = Rebuilder::new(good_then_panic, live.clone(), events);
        r.run_now();
        r.start(Change::Site).join().unwrap();
        assert_eq!(rx.try_recv().unwrap(), "reload");
        let error = rx.try_recv().unwrap();
        assert!(
            error.starts_with("error:") && error.contains("boom in a step"),
            "{error}"
        );
        let l = live.read().unwrap();
        assert_eq!(l.output.read("index.html").unwrap(), b"good");
        assert!(l.error.as_deref().unwrap().contains("crashed"));
    }

    /// What `serve` sends for `file` (a fresh page rendered), unminified.
    fn body(l: &Live, file: &str) -> Vec<u8> {
        match l.source(file).expect("the file") {
            Source::Bytes(b) => b,
            Source::Page(pages) => pages.render(file).unwrap().unwrap().into_bytes(),
        }
    }

    #[test]
    fn a_page_edit_after_an_unbuilt_site_change_waits_for_the_full_build() {
        // A style or data edit whose build a page edit cancels: the page edit's build must be
        // a full one, or open pages would reload with the new pages beside the old styles.
        let early = Arc::new(Mutex::new(Vec::new()));
        let seen = early.clone();
        let build: Box<BuildFn> = Box::new(move |cancel, publish| {
            let mut calls = seen.lock().unwrap();
            calls.push(publish.is_some());
            let first = calls.len() == 1;
            drop(calls);
            if first {
                // The site change's build runs until the page edit cancels it.
                while !cancel.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(2));
                }
                return Err("cancelled".into());
            }
            Ok(site_with("built"))
        });
        let (events, _rx) = broadcast::channel(16);
        let r = Rebuilder::new(build, live(), events);
        let site = r.start(Change::Site);
        while early.lock().unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(2));
        }
        r.start(Change::Pages).join().unwrap();
        site.join().unwrap();
        // Once a full build has succeeded, a page edit publishes early again.
        r.start(Change::Pages).join().unwrap();
        assert_eq!(*early.lock().unwrap(), vec![false, false, true]);
    }

    #[test]
    fn open_pages_reload_again_when_a_file_they_got_from_the_last_build_changed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let (to_finish, may_finish) = std::sync::mpsc::channel::<()>();
        let may_finish = Mutex::new(may_finish);
        let build: Box<BuildFn> = Box::new(move |_, publish| {
            let mut out = site_with("full");
            let Some(publish) = publish else {
                out.output
                    .insert_text("style.css", "old".to_string(), "static/style.css");
                return Ok(out);
            };
            publish(fresh_pages(&root, "fresh"), false);
            may_finish.lock().unwrap().recv().unwrap();
            out.output
                .insert_text("style.css", "new".to_string(), "static/style.css");
            Ok(out)
        });
        let (events, mut rx) = broadcast::channel(16);
        let live = live();
        let r = Rebuilder::new(build, live.clone(), events);
        let running = good_build_then_page_edit_published(&r, &live, &mut rx);
        {
            // The reloaded page asks for its stylesheet: the last full build's.
            let l = live.read().unwrap();
            assert!(l.has("style.css"));
            assert_eq!(body(&l, "style.css"), b"old");
        }
        to_finish.send(()).unwrap();
        running.join().unwrap();
        assert_eq!(
            rx.try_recv().unwrap(),
            "reload",
            "the stylesheet changed: open pages reload again"
        );
        assert_eq!(body(&live.read().unwrap(), "style.css"), b"new");
    }

    /// Run a first (good) build, then start a page edit's build and wait until it has published
    /// its pages early; each step reloads open pages once. The page edit's build still runs.
    fn good_build_then_page_edit_published(
        r: &Arc<Rebuilder>,
        live: &Arc<RwLock<Live>>,
        rx: &mut broadcast::Receiver<String>,
    ) -> std::thread::JoinHandle<()> {
        r.run_now();
        assert_eq!(rx.try_recv().unwrap(), "reload");
        let running = r.start(Change::Pages);
        let start = Instant::now();
        while live.read().unwrap().fresh.is_none() {
            assert!(start.elapsed() < Duration::from_secs(10), "not published");
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(rx.try_recv().unwrap(), "reload");
        running
    }

    /// A fake site of one page, rendered on demand from `page`.
    fn fresh_pages(root: &Path, page: &str) -> OnDemand {
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(
            root.join("config.toml"),
            "base_url = \"http://127.0.0.1/\"\n",
        )
        .unwrap();
        std::fs::write(
            root.join("content/_index.md"),
            format!("+++\n+++\n{page}\n"),
        )
        .unwrap();
        std::fs::write(
            root.join("templates/index.html"),
            "{{ section.content | safe }}",
        )
        .unwrap();
        let opts = BuildOptions {
            mode: Mode::Serve,
            ..BuildOptions::new(root)
        };
        crate::pipeline::prepare(&opts).unwrap().pages()
    }

    #[test]
    fn pages_reload_before_the_full_build_and_its_failure_restores_the_last_good_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let calls = Arc::new(AtomicU64::new(0));
        let seen = calls.clone();
        let (to_fail, may_fail) = std::sync::mpsc::channel::<()>();
        let may_fail = Mutex::new(may_fail);
        // The first build is good; the second publishes its pages, then fails (a broken link,
        // say) once the test has looked at what is served meanwhile.
        let build: Box<BuildFn> = Box::new(move |_, publish| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                return Ok(site_with("good"));
            }
            let publish = publish.expect("a page edit publishes its pages early");
            publish(fresh_pages(&root, "fresh"), false);
            may_fail.lock().unwrap().recv().unwrap();
            Err("error: a broken link".into())
        });
        let (events, mut rx) = broadcast::channel(16);
        let live = live();
        let r = Rebuilder::new(build, live.clone(), events);
        // Open pages reload as soon as the pages are ready, and get the new page.
        let running = good_build_then_page_edit_published(&r, &live, &mut rx);
        {
            let l = live.read().unwrap();
            let page = String::from_utf8(body(&l, "index.html")).unwrap();
            assert!(page.contains("fresh"), "{page}");
        }
        to_fail.send(()).unwrap();
        running.join().unwrap();
        let error = rx.try_recv().unwrap();
        assert!(error.contains("a broken link"), "{error}");
        let l = live.read().unwrap();
        assert!(l.fresh.is_none());
        assert_eq!(body(&l, "index.html"), b"good");
        assert!(rx.try_recv().is_err(), "one reload and one error, no more");
    }

    #[test]
    fn a_good_full_build_after_published_pages_does_not_reload_twice() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let build: Box<BuildFn> = Box::new(move |_, publish| {
            if let Some(publish) = publish {
                publish(fresh_pages(&root, "fresh"), false);
            }
            Ok(site_with("full"))
        });
        let (events, mut rx) = broadcast::channel(16);
        let live = live();
        let r = Rebuilder::new(build, live.clone(), events);
        r.start(Change::Pages).join().unwrap();
        assert_eq!(rx.try_recv().unwrap(), "reload");
        assert!(rx.try_recv().is_err(), "a second reload");
        let l = live.read().unwrap();
        assert!(
            l.fresh.is_none(),
            "the full build replaces the pages on demand"
        );
        assert_eq!(body(&l, "index.html"), b"full");
    }

    #[test]
    fn only_markdown_and_template_edits_reload_before_the_full_build() {
        let root = Path::new("/site");
        for (path, pages) in [
            ("/site/content/about.md", true),
            ("/site/content/plan/_index.en.md", true),
            ("/site/templates/page.html", true),
            ("/site/templates/shortcodes/tel.html", true),
            ("/site/themes/bayannur/templates/base.html", true),
            ("/site/content/safety/diagram.png", false),
            ("/site/themes/bayannur/static/site.css", false),
            ("/site/themes/bayannur/theme.toml", false),
            ("/site/config.toml", false),
            ("/site/data/indicators.toml", false),
            ("/site/static/print.css", false),
            ("/site/sass/site.scss", false),
            ("/elsewhere/content/about.md", false),
        ] {
            assert_eq!(changes_only_pages(root, Path::new(path)), pages, "{path}");
        }
    }

    #[test]
    fn the_purge_delay_option_is_the_one_mimalloc_documents() {
        // mimalloc v3's default `purge_delay` is 1000 ms (its `src/options.c`); a wrong option
        // number would read another option (and `keep_freed_memory` would change that one).
        // SAFETY: reads one option; no other test sets any.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(delay, 1000);
        }
    }

    #[test]
    fn traversal_is_refused() {
        assert_eq!(clean_path("/a/b/"), Some("/a/b/".into()));
        assert_eq!(clean_path("/../etc/passwd"), None);
        assert_eq!(clean_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(clean_path("/a/..%2F..%2Fetc"), None);
        assert_eq!(clean_path("/a\\..\\b"), None);
        assert_eq!(clean_path("/a%5c..%5cb"), None);
        assert_eq!(clean_path("/a%00b"), None);
    }

    #[test]
    fn mime_types_cover_search_and_data() {
        assert_eq!(
            mime_for("pagefind/wasm.zh.pagefind"),
            "application/octet-stream"
        );
        assert_eq!(mime_for("x.wasm"), "application/wasm");
        assert_eq!(mime_for("a.svg"), "image/svg+xml");
        assert_eq!(mime_for("indicators/x.csv"), "text/csv; charset=utf-8");
        assert_eq!(mime_for("indicators/indicators.json"), "application/json");
    }

    #[test]
    fn reload_script_is_injected_before_body_end() {
        let out = String::from_utf8(inject_reload(
            b"<html><body><p>x</p></body></html>".to_vec(),
            "/kids/",
        ))
        .unwrap();
        assert!(
            out.contains("<script src=\"/kids/__sprout/livereload.js\" defer></script></body>")
        );
    }

    #[test]
    fn reload_script_keeps_a_page_that_is_not_utf8() {
        // Regression: a windows-1252 page (`é` is byte 0xE9) was served empty.
        let page =
            b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9</p></body></html>";
        let out = inject_reload(page.to_vec(), "/");
        let text = String::from_utf8_lossy(&out);
        assert!(out.windows(4).any(|w| w == b"caf\xe9"), "{text}");
        assert!(
            text.contains("<script src=\"/__sprout/livereload.js\" defer></script></body>"),
            "{text}"
        );
    }

    #[test]
    fn reload_script_goes_last_in_a_fragment_without_body() {
        let out = String::from_utf8(inject_reload(b"<p>x</p>".to_vec(), "/")).unwrap();
        assert_eq!(
            out,
            "<p>x</p><script src=\"/__sprout/livereload.js\" defer></script>"
        );
    }

    #[test]
    fn error_overlay_is_not_styled_by_a_style_attribute() {
        // Regression: the overlay set a `style` attribute, which the site's own CSP
        // (`style-src 'self'`, no 'unsafe-inline') blocks, so it showed unstyled.
        assert!(crate::policy::CSP.contains("style-src 'self'"));
        assert!(!crate::policy::CSP.contains("unsafe-inline"));
        assert!(!RELOAD_SCRIPT.contains("\"style\""), "{RELOAD_SCRIPT}");
        assert!(!RELOAD_SCRIPT.contains("cssText"), "{RELOAD_SCRIPT}");
        assert!(RELOAD_SCRIPT.contains("box.style"), "{RELOAD_SCRIPT}");
    }
}
