//! `sprout serve` end to end: a real server process on a free port, serving a temporary copy of
//! a fixture site (tests/fixtures/serve-*), checked over HTTP: pages and live-reload injection,
//! MIME types, per-language 404 pages, refused path traversal, rebuild on edit, a broken edit
//! that keeps the last good site and reports over server-sent events, a site under a sub-path,
//! and a bounded load test with `wrk`.

use crate::common::copy_fixture;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sprout");

/// The load test takes this for writing so that it runs alone; the other tests read-lock it.
static LOAD: RwLock<()> = RwLock::new(());

fn shared() -> std::sync::RwLockReadGuard<'static, ()> {
    LOAD.read().unwrap_or_else(|e| e.into_inner())
}

/// `sprout build` of the site at `root` (with `args`) into a new temporary folder.
fn build_copy(root: &std::path::Path, args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let built = Command::new(BIN)
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .arg("--output-dir")
        .arg(out.path())
        .output()
        .expect("run sprout build");
    assert!(
        built.status.success(),
        "sprout build failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running `sprout serve`; killed when dropped, also when a test panics.
struct Server {
    child: Child,
    port: u16,
    site: tempfile::TempDir,
    /// Everything the server printed (stdout and stderr).
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Serve a copy of fixture `name`; `base` is the sub-path the site lives under (`/`).
    fn start(name: &str, base: &str) -> Server {
        let site = copy_fixture(name);
        Server::start_in(site, base)
    }

    fn start_in(site: tempfile::TempDir, base: &str) -> Server {
        Server::start_until(site, base, 200)
    }

    /// Start serving `site` and wait until `base` answers with `ready` (503 for a site that does
    /// not build yet).
    fn start_until(mut site: tempfile::TempDir, base: &str, ready: u16) -> Server {
        let mut last_log = String::new();
        // A port found free can be taken before the server binds it: try a few.
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(BIN)
                .arg("serve")
                .arg("--root")
                .arg(site.path())
                .arg("--port")
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start sprout serve");
            let log = Arc::new(Mutex::new(String::new()));
            for out in [
                Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
                Box::new(child.stderr.take().expect("stderr")),
            ] {
                let log = log.clone();
                std::thread::spawn(move || {
                    let mut out = out;
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = out.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        let text = String::from_utf8_lossy(&buf[..n]).to_string();
                        log.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push_str(&text);
                    }
                });
            }
            let mut server = Server {
                child,
                port,
                site,
                log,
            };
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = server.child.try_wait() {
                    break;
                }
                if let Ok(r) = raw_request(port, &format!("GET {base} HTTP/1.1"), &[])
                    && r.status == ready
                {
                    return server;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            last_log = server.log();
            // Keep the site for the next attempt; the server is killed by Drop.
            site = std::mem::replace(
                &mut server.site,
                tempfile::tempdir().expect("placeholder temp dir"),
            );
        }
        panic!("sprout serve did not answer on {base}; it printed:\n{last_log}");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The log once it contains `needle` (another thread reads the server's pipes), or after
    /// five seconds.
    fn log_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.log().contains(needle) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.log()
    }

    fn get(&self, path: &str) -> Reply {
        get(&self.url(path))
    }

    /// Replace `from` with `to` in the site's `file`, then wait (10 s at most) until `path`
    /// serves `to`; the last answer.
    fn edit_until_served(&self, file: &str, from: &str, to: &str, path: &str) -> Reply {
        let text = self.read(file);
        assert!(text.contains(from), "{file} does not contain {from:?}");
        self.write(file, &text.replace(from, to));
        let (ok, last) = wait_for(self, path, to, Duration::from_secs(10));
        assert!(
            ok,
            "the edit was not served within 10 s; last answer {}:\n{}\nserver log:\n{}",
            last.status,
            last.text(),
            self.log()
        );
        last
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.site.path().join(rel), text).expect("edit the site");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.path().join(rel)).expect("read the site")
    }
}

/// One HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    location: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(15)))
        .build()
        .into()
}

fn get(url: &str) -> Reply {
    let mut resp = agent()
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type").unwrap_or_default();
    let location = header("location");
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("GET {url}: reading the body: {e}"));
    Reply {
        status,
        content_type,
        location,
        headers,
        body,
    }
}

/// Send `request_line` as it is (no client normalises it) and read the whole answer.
fn raw_request(port: u16, request_line: &str, extra: &[&str]) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut req = format!("{request_line}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for h in extra {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    let mut buf = Vec::new();
    match s.read_to_end(&mut buf) {
        Ok(_) => {}
        // A reset after the answer was sent still leaves the answer in `buf`.
        Err(e) if !buf.is_empty() && e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => return Err(e),
    }
    parse_reply(&buf).ok_or_else(|| {
        std::io::Error::new(
            ErrorKind::InvalidData,
            format!("no HTTP answer: {:?}", String::from_utf8_lossy(&buf)),
        )
    })
}

fn parse_reply(buf: &[u8]) -> Option<Reply> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = buf[end + 4..].to_vec();
    if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    Some(Reply {
        status,
        content_type: find("content-type").unwrap_or_default(),
        location: find("location"),
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]).to_string();
        let Ok(size) = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
        else {
            break;
        };
        data = &data[eol + 2..];
        if size == 0 || data.len() < size {
            out.extend_from_slice(&data[..size.min(data.len())]);
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
    out
}

/// Poll `path` until its body contains `needle`; the last reply either way.
fn wait_for(server: &Server, path: &str, needle: &str, within: Duration) -> (bool, Reply) {
    let deadline = Instant::now() + within;
    loop {
        let r = server.get(path);
        if r.status == 200 && r.text().contains(needle) {
            return (true, r);
        }
        if Instant::now() >= deadline {
            return (false, r);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A server-sent-events connection read with a raw socket.
struct EventStream {
    stream: TcpStream,
    /// Everything received so far (headers, chunk sizes and events).
    received: String,
    /// How much of `received` `next_event` has already looked at.
    seen: usize,
}

impl EventStream {
    fn open(port: u16, path: &str) -> EventStream {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect for events");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
        );
        stream
            .write_all(req.as_bytes())
            .expect("send events request");
        let mut es = EventStream {
            stream,
            received: String::new(),
            seen: 0,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        // `fill` turns CRLF into LF, so the head ends at the first blank line.
        while !es.received.contains("\n\n") && Instant::now() < deadline {
            es.fill();
        }
        let head = es.received.split("\n\n").next().unwrap_or("").to_string();
        assert!(
            head.starts_with("HTTP/1.1 200"),
            "{path} did not answer 200: {head:?}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{path} is not an event stream: {head:?}"
        );
        es.seen = es.received.find("\n\n").map_or(0, |i| i + 2);
        es
    }

    fn fill(&mut self) {
        let mut buf = [0u8; 8192];
        match self.stream.read(&mut buf) {
            Ok(0) => std::thread::sleep(Duration::from_millis(50)),
            Ok(n) => self
                .received
                .push_str(&String::from_utf8_lossy(&buf[..n]).replace("\r\n", "\n")),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("reading the event stream: {e}"),
        }
    }

    /// The next event named `name` (its `data:` lines joined), waiting at most `within`.
    fn next_event(&mut self, name: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        let re =
            regex::Regex::new(&format!(r"(?m)^event: ?{}$", regex::escape(name))).expect("regex");
        loop {
            if let Some(m) = re.find(&self.received[self.seen..]) {
                let start = self.seen + m.start();
                let rest = &self.received[start..];
                // An event ends at a blank line.
                if let Some(end) = rest.find("\n\n") {
                    let block = &rest[..end];
                    let data: Vec<&str> = block
                        .lines()
                        .filter_map(|l| l.strip_prefix("data:"))
                        .map(|d| d.strip_prefix(' ').unwrap_or(d))
                        .collect();
                    self.seen = start + end;
                    return Some(data.join("\n"));
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            self.fill();
        }
    }
}

const RELOAD_TAG: &str = "__sprout/livereload.js";

#[test]
fn pages_are_served_as_html_with_the_live_reload_script_that_build_leaves_out() {
    let _g = shared();
    let server = Server::start("serve-site", "/");
    for path in ["/", "/en/", "/about/", "/en/about/"] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        assert_eq!(r.content_type, "text/html; charset=utf-8", "GET {path}");
        let html = r.text();
        assert!(
            html.contains(&format!("<script src=\"/{RELOAD_TAG}\"")),
            "GET {path} has no live-reload script tag:\n{html}"
        );
        assert!(
            html.find(RELOAD_TAG) < html.rfind("</body>"),
            "GET {path}: the live-reload script should be inside <body>:\n{html}"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    assert!(
        server
            .get("/en/about/")
            .text()
            .contains("The original sentence")
    );
    let js = server.get(&format!("/{RELOAD_TAG}"));
    assert_eq!(js.status, 200);
    assert!(
        js.content_type.starts_with("text/javascript"),
        "{}",
        js.content_type
    );
    assert!(js.text().contains("EventSource"), "{}", js.text());

    // The same pages built with `sprout build` carry no live-reload script.
    let out = build_copy(server.site.path(), &[]);
    for file in [
        "index.html",
        "en/index.html",
        "about/index.html",
        "en/about/index.html",
    ] {
        let html = std::fs::read_to_string(out.path().join(file)).expect(file);
        assert!(html.contains("</body>"), "{file} is not a full page");
        assert!(
            !html.contains("__sprout") && !html.contains("livereload"),
            "the built {file} must not contain the live-reload script:\n{html}"
        );
    }
}

#[test]
fn static_files_have_the_right_mime_types() {
    let _g = shared();
    let server = Server::start("serve-site", "/");
    let cases: &[(&str, &[&str])] = &[
        ("/style.css", &["text/css"]),
        ("/app.js", &["text/javascript", "application/javascript"]),
        ("/logo.svg", &["image/svg+xml"]),
        ("/data.json", &["application/json"]),
        ("/table.csv", &["text/csv"]),
        ("/empty.wasm", &["application/wasm"]),
    ];
    for (path, allowed) in cases {
        let r = server.get(path);
        assert_eq!(r.status, 200, "GET {path}");
        let essence = r
            .content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        assert!(
            allowed.contains(&essence.as_str()),
            "GET {path}: Content-Type is {:?}, expected one of {allowed:?}",
            r.content_type
        );
        if essence.starts_with("text/") {
            assert!(
                r.content_type
                    .to_ascii_lowercase()
                    .contains("charset=utf-8"),
                "GET {path}: text should say charset=utf-8: {:?}",
                r.content_type
            );
        }
        let on_disk = std::fs::read(server.site.path().join("static").join(&path[1..]))
            .expect("fixture file");
        assert_eq!(r.body, on_disk, "GET {path} should serve the file as it is");
    }
}

#[test]
fn unknown_paths_get_the_404_page_of_their_language() {
    let _g = shared();
    let server = Server::start("serve-site", "/");
    let en = server.get("/en/no/such/page/");
    assert_eq!(en.status, 404);
    assert_eq!(en.content_type, "text/html; charset=utf-8");
    assert!(
        en.text().contains("English 404"),
        "/en/ should get the English 404 page:\n{}",
        en.text()
    );
    assert!(en.text().contains("lang=\"en\""), "{}", en.text());
    for path in ["/no/such/page/", "/missing.css", "/enx/page/"] {
        let zh = server.get(path);
        assert_eq!(zh.status, 404, "GET {path}");
        assert!(
            zh.text().contains("中文 404"),
            "GET {path} should get the default-language 404 page:\n{}",
            zh.text()
        );
    }
}

#[test]
fn path_traversal_is_refused() {
    let _g = shared();
    let server = Server::start("serve-site", "/");
    // Files outside the site that a traversal would reach.
    let config = server.read("config.toml");
    let targets = [
        "/../Cargo.toml",
        "/../config.toml",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/config.toml",
        "/..%2f..%2fetc/passwd",
        "/..%2fconfig.toml",
        "/%5c..%5cetc",
        "/%5c..%5cconfig.toml",
        "/a\\..\\b",
        "/%00",
        "/index.html%00.css",
        "/en/../../config.toml",
        "/./config.toml",
    ];
    for target in targets {
        let r = raw_request(server.port, &format!("GET {target} HTTP/1.1"), &[])
            .unwrap_or_else(|e| panic!("GET {target}: {e}"));
        assert!(
            r.status == 400 || r.status == 404,
            "GET {target} answered {} (expected 400 or 404):\n{}",
            r.status,
            r.text()
        );
        let body = r.text();
        for leaked in [
            "[package]",
            "root:x:0:0",
            "base_url",
            config.lines().next().unwrap_or("base_url"),
        ] {
            assert!(
                !body.contains(leaked),
                "GET {target} returned a file from outside the site ({leaked:?}):\n{body}"
            );
        }
    }
    // The server is still fine afterwards.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn an_edit_is_served_after_the_rebuild() {
    let _g = shared();
    let server = Server::start("serve-site", "/");
    let mut events = EventStream::open(server.port, "/__sprout/events");
    let last = server.edit_until_served(
        "content/about.en.md",
        "The original sentence about the fixture.",
        "A freshly edited sentence, served live.",
        "/en/about/",
    );
    assert!(!last.text().contains("The original sentence"));
    assert!(
        events
            .next_event("reload", Duration::from_secs(10))
            .is_some(),
        "no `reload` event after a good rebuild; received:\n{}",
        events.received
    );
}

#[test]
fn a_page_edit_reloads_before_the_full_build_and_a_link_it_breaks_is_still_reported() {
    // A Markdown edit publishes the site's pages as soon as they can render (open pages
    // reload then); the full build, link check included, follows and still catches what the
    // edit broke: the error is shown and the last good site comes back.
    let _g = shared();
    let server = Server::start("serve-site", "/");
    let mut events = EventStream::open(server.port, "/__sprout/events");
    let file = "content/about.en.md";
    let text = server.read(file);
    server.write(
        file,
        &text.replace(
            "The original sentence about the fixture.",
            "See [the missing page](@/no-such-page.md).",
        ),
    );
    let error = events
        .next_event("build-error", Duration::from_secs(10))
        .unwrap_or_else(|| {
            panic!(
                "the full build should report the broken link; received:\n{}\nserver log:\n{}",
                events.received,
                server.log()
            )
        });
    assert!(error.contains("no-such-page"), "{error}");
    let received = &events.received;
    let reload = received.find("event: reload");
    assert!(
        reload.is_some_and(|at| at < received.find("event: build-error").unwrap_or(0)),
        "open pages should reload with the published pages, before the error; received:\n{received}"
    );
    assert!(
        server.log().contains("pages ready"),
        "a page edit should publish the pages early:\n{}",
        server.log()
    );
    let page = server.get("/en/about/");
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains("The original sentence about the fixture."),
        "the last good page should be served again:\n{}",
        page.text()
    );
}

#[test]
fn a_minified_site_is_served_as_build_writes_it() {
    // With `minify_html`, `serve` minifies each page as it is asked for instead of every page
    // on every rebuild: what it serves is still what `build` writes, plus the reload script.
    let _g = shared();
    let site = copy_fixture("serve-site");
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("minify_html = true\n{text}")).expect("write config");
    let server = Server::start_in(site, "/");
    let served = server.get("/en/about/").text().replace(
        &format!("<script src=\"/{RELOAD_TAG}\" defer></script>"),
        "",
    );
    let origin = format!("http://127.0.0.1:{}", server.port);
    let out = build_copy(server.site.path(), &["--base-url", &origin]);
    let written = std::fs::read_to_string(out.path().join("en/about/index.html")).expect("page");
    assert!(
        !written.contains("\n  <"),
        "the built page is minified:\n{written}"
    );
    assert_eq!(served, written);
}

#[test]
fn a_template_edit_after_a_content_edit_is_served() {
    // `serve` reuses the templates it parsed while none changed: a content edit must not leave
    // a later template edit unseen.
    let _g = shared();
    let server = Server::start("serve-site", "/");
    server.edit_until_served(
        "content/about.en.md",
        "The original sentence about the fixture.",
        "Edited content.",
        "/en/about/",
    );
    let last = server.edit_until_served(
        "templates/page.html",
        "<article>",
        r#"<article class="edited-template">"#,
        "/en/about/",
    );
    assert!(last.text().contains("Edited content."), "{}", last.text());
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_the_error() {
    let _g = shared();
    let server = Server::start("serve-site", "/");
    let file = "content/about.en.md";
    let good = server.read(file);
    let mut events = EventStream::open(server.port, "/__sprout/events");

    // Front matter that is not TOML.
    server.write(
        file,
        "+++\ntitle = \"About\nthis line is not TOML\n+++\nA broken sentence that must not be served.\n",
    );
    let error = events
        .next_event("build-error", Duration::from_secs(10))
        .unwrap_or_else(|| {
            panic!(
                "no `build-error` event within 10 s; received:\n{}\nserver log:\n{}",
                events.received,
                server.log()
            )
        });
    assert!(
        error.contains("about.en.md"),
        "the build-error event should name the broken file:\n{error}"
    );
    let page = server.get("/en/about/");
    assert_eq!(page.status, 200, "the last good page should stay up");
    assert!(
        page.text()
            .contains("The original sentence about the fixture."),
        "the last good page should be served:\n{}",
        page.text()
    );
    assert!(!page.text().contains("A broken sentence"));
    assert_eq!(server.get("/").status, 200);
    // A page opened now learns about the error at once.
    let mut late = EventStream::open(server.port, "/__sprout/events");
    let again = late
        .next_event("build-error", Duration::from_secs(5))
        .unwrap_or_else(|| {
            panic!(
                "a new event stream should start with the current build error; received:\n{}",
                late.received
            )
        });
    assert!(again.contains("about.en.md"), "{again}");
    // The terminal shows it too.
    let log = server.log_with("about.en.md");
    assert!(
        log.contains("about.en.md"),
        "the terminal should show the error:\n{log}"
    );

    // Fix it: the page updates and open pages are told to reload.
    server.write(
        file,
        &good.replace(
            "The original sentence about the fixture.",
            "The repaired sentence is back.",
        ),
    );
    let (ok, last) = wait_for(
        &server,
        "/en/about/",
        "The repaired sentence is back.",
        Duration::from_secs(10),
    );
    assert!(
        ok,
        "the fixed page was not served within 10 s; last answer {}:\n{}\nserver log:\n{}",
        last.status,
        last.text(),
        server.log()
    );
    assert!(
        events
            .next_event("reload", Duration::from_secs(10))
            .is_some(),
        "no `reload` event after the fix; received:\n{}",
        events.received
    );
}

/// Internal URLs of `href` and `src` attributes in `html`, resolved against `page_url`.
fn internal_links(html: &str, page_url: &str, origin: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"\b(?:href|src)="([^"]*)""#).expect("regex");
    let page_dir = &page_url[..page_url.rfind('/').map_or(page_url.len(), |i| i + 1)];
    re.captures_iter(html)
        .filter_map(|c| {
            let link = c[1].replace("&amp;", "&");
            let url = if link.starts_with(origin) {
                link
            } else if link.starts_with("//") || link.contains("://") || link.starts_with('#') {
                return None;
            } else if link.starts_with('/') {
                format!("{origin}{link}")
            } else {
                format!("{page_dir}{link}")
            };
            Some(remove_dot_segments(&url, origin))
        })
        .collect()
}

/// Resolve `.` and `..` in the path of `url` (which starts with `origin`), as a browser does.
fn remove_dot_segments(url: &str, origin: &str) -> String {
    let rest = &url[origin.len()..];
    let (path, tail) = rest
        .find(['?', '#'])
        .map_or((rest, ""), |i| (&rest[..i], &rest[i..]));
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
        if last && matches!(*seg, "." | "..") {
            out.push("");
        }
    }
    format!("{origin}/{}{tail}", out.join("/"))
}

#[test]
fn a_site_with_a_sub_path_base_url_is_served_under_it() {
    let _g = shared();
    let server = Server::start("serve-children", "/children/");
    let origin = server.url("");

    let root = server.get("/");
    assert!(
        matches!(root.status, 301 | 302 | 307 | 308),
        "/ should redirect to /children/, got {}",
        root.status
    );
    assert_eq!(root.location.as_deref(), Some("/children/"));
    let outside = server.get("/en/guide/sleep/");
    assert_eq!(
        outside.status,
        404,
        "pages live only under /children/: {}",
        outside.text()
    );
    let no_slash = server.get("/children/en/guide");
    assert!(matches!(no_slash.status, 301 | 308), "{}", no_slash.status);
    assert_eq!(no_slash.location.as_deref(), Some("/children/en/guide/"));

    let page_url = server.url("/children/en/guide/sleep/");
    let page = get(&page_url);
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    let html = page.text();
    assert!(
        html.contains("<script src=\"/children/__sprout/livereload.js\""),
        "the live-reload script should live under the base path:\n{html}"
    );
    assert_eq!(
        get(&server.url("/children/__sprout/livereload.js")).status,
        200
    );
    let _events = EventStream::open(server.port, "/children/__sprout/events");

    let links = internal_links(&html, &page_url, &origin);
    assert!(
        links.len() >= 8,
        "expected the page's internal links, found {links:?} in\n{html}"
    );
    let mut followed_pages = 0;
    for url in &links {
        let path = &url[origin.len()..];
        assert!(
            path.starts_with("/children/"),
            "internal link {url} on {page_url} leaves the base path"
        );
        let (without_frag, frag) = url.split_once('#').unwrap_or((url, ""));
        let r = get(without_frag);
        assert_eq!(
            r.status,
            200,
            "link {url} on {page_url} answers {}: {}",
            r.status,
            r.text()
        );
        if r.content_type.starts_with("text/html") {
            followed_pages += 1;
            if !frag.is_empty() {
                assert!(
                    r.text().contains(&format!("id=\"{frag}\"")),
                    "link {url}: the target has no id {frag:?}"
                );
            }
        }
    }
    assert!(followed_pages >= 4, "followed only {followed_pages} pages");
    // The link from the page to its sibling is among them, and the sibling links back.
    let sibling = server.url("/children/en/guide/play/");
    assert!(links.iter().any(|l| l.starts_with(&sibling)), "{links:?}");
    let back = get(&sibling).text();
    assert!(
        internal_links(&back, &sibling, &origin)
            .iter()
            .any(|l| l == &format!("{page_url}#bedtime")),
        "the sibling should link back to {page_url}#bedtime:\n{back}"
    );
    // Unknown paths under the base path get the right 404 page.
    let en404 = server.get("/children/en/nothing-here/");
    assert_eq!(en404.status, 404);
    assert!(en404.text().contains("Not found"), "{}", en404.text());
    let zh404 = server.get("/children/nothing-here/");
    assert_eq!(zh404.status, 404);
    assert!(zh404.text().contains("页面不存在"), "{}", zh404.text());
}

/// A number from wrk's report, e.g. `Requests/sec:  12345.67`.
fn wrk_number(report: &str, label: &str) -> Option<f64> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[test]
fn the_home_page_holds_up_under_load() {
    let _alone = LOAD.write().unwrap_or_else(|e| e.into_inner());
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {
            // Skipped, loudly: the rest of the suite must not need a load generator.
            eprintln!(
                "SKIPPED the_home_page_holds_up_under_load: wrk is not installed; install it with `apt-get install -y wrk` to run the load test"
            );
            return;
        }
        Err(e) => panic!("cannot run wrk: {e}"),
    }
    let server = Server::start("serve-site", "/");
    let url = server.url("/");
    assert_eq!(get(&url).status, 200);
    let out = Command::new("wrk")
        .args(["-t2", "-c32", "-d10s", "--latency", &url])
        .output()
        .expect("run wrk");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "wrk failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("wrk -t2 -c32 -d10s --latency {url}\n{report}");
    let rps = wrk_number(&report, "Requests/sec:").expect("wrk prints Requests/sec");
    let latency = report
        .lines()
        .find(|l| l.trim_start().starts_with("Latency") && l.split_whitespace().count() >= 4)
        .unwrap_or("Latency: not reported");
    println!("sprout serve /: {rps:.0} requests/s; {}", latency.trim());
    let total: u64 = report
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("wrk prints the number of requests");
    assert!(total > 0, "no requests were made:\n{report}");
    assert!(
        !report.contains("Socket errors"),
        "wrk saw socket errors:\n{report}"
    );
    assert!(
        !report.contains("Non-2xx"),
        "wrk saw responses other than 2xx:\n{report}"
    );
    // The server is still healthy afterwards.
    assert_eq!(get(&url).status, 200);
}

#[test]
fn a_site_that_does_not_build_yet_shows_its_error_until_fixed() {
    let _guard = shared();
    let site = copy_fixture("serve-site");
    let page = site.path().join("content/_index.md");
    let good = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, "+++\ntitel = \"oops\"\n+++\n").unwrap();
    let server = Server::start_until(site, "/", 503);
    let reply = server.get("/");
    let body = reply.text();
    assert_eq!(reply.status, 503);
    assert!(
        body.contains("content/_index.md:2:1") && body.contains("titel"),
        "{body}"
    );
    assert!(
        body.contains("__sprout/livereload.js"),
        "the error page reloads once fixed"
    );
    assert!(
        server
            .log_with("nothing built yet")
            .contains("nothing built yet"),
        "{}",
        server.log()
    );
    server.write("content/_index.md", &good);
    let (ok, last) = wait_for(&server, "/", "<html", Duration::from_secs(15));
    assert!(
        ok && last.status == 200,
        "after the fix the site is served: {} {}",
        last.status,
        last.text()
    );
}
