// Shared helpers for the browser tests: build the bundled site once per test file, serve it on
// 127.0.0.1 with a tiny static server, launch headless Chromium, and watch every page for console
// errors, page errors and requests that leave this machine.
//
// Environment:
//   SITE_DIR    reuse an already built site instead of building one. It must have been built with
//               `--base-url http://127.0.0.1:<port>/` (the port it is served on is read from its
//               canonical links) so that every link stays on this machine.
//   SPROUT_BIN  the sprout binary (default: target/release/sprout).
//   KEEP_SITE=1 keep the temporary build folder after the tests.

import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, "..", "..");
export const ARTIFACTS = path.join(HERE, "artifacts");
export const SPROUT = process.env.SPROUT_BIN || path.join(ROOT, "target", "release", "sprout");
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
];
export const LANGS = [
  { code: "zh", tag: "zh-Hans", prefix: "" },
  { code: "en", tag: "en", prefix: "/en" },
];

// One page of every page type, as a path without the language prefix.
export const PAGE_TYPES = [
  { type: "home", path: "/" },
  { type: "plan section index", path: "/plan/" },
  { type: "plan domain page", path: "/plan/health/" },
  { type: "plan page without domain", path: "/plan/notice/" },
  { type: "glossary", path: "/plan/glossary/" },
  { type: "guidance section", path: "/guidance/" },
  { type: "guidance page", path: "/guidance/nutrition/" },
  { type: "safety section", path: "/safety/" },
  { type: "safety page", path: "/safety/drowning/" },
  { type: "schools page", path: "/schools/" },
  { type: "safety cards page", path: "/schools-cards/" },
  { type: "search page", path: "/search/" },
  { type: "topics page", path: "/topics/" },
  { type: "taxonomy term page", path: "/age/3-6/" },
  { type: "taxonomy list", path: "/age/" },
  { type: "indicators dashboard", path: "/indicators/" },
  { type: "indicator domain page", path: "/indicators/health/" },
  { type: "indicator page", path: "/indicators/neonatal-mortality/" },
  { type: "about", path: "/about/" },
  { type: "accessibility statement", path: "/accessibility/" },
  { type: "404", path: "/no-such-page/", status: 404 },
];

/** Every page type in both languages: { type, lang, tag, path, status }. */
export function pageMatrix() {
  const out = [];
  for (const l of LANGS) {
    for (const p of PAGE_TYPES) {
      out.push({ type: p.type, lang: l.code, tag: l.tag, path: l.prefix + p.path, status: p.status || 200 });
    }
  }
  return out;
}

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".pagefind": "application/octet-stream",
  ".pf_meta": "application/octet-stream",
  ".pf_index": "application/octet-stream",
  ".pf_fragment": "application/octet-stream",
  ".pdf": "application/pdf",
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] || "application/octet-stream";
}

/** Headers for every path from the site's Netlify/Cloudflare-style `_headers` file, if any. */
function readHeadersFile(dir) {
  const file = path.join(dir, "_headers");
  const rules = [];
  if (!existsSync(file)) return rules;
  let current = null;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    if (!raw.trim() || raw.trim().startsWith("#")) continue;
    if (!/^\s/.test(raw)) {
      current = { pattern: raw.trim(), headers: [] };
      rules.push(current);
    } else if (current) {
      const i = raw.indexOf(":");
      if (i > 0) current.headers.push([raw.slice(0, i).trim(), raw.slice(i + 1).trim()]);
    }
  }
  return rules;
}

function ruleMatches(pattern, urlPath) {
  if (pattern.endsWith("*")) return urlPath.startsWith(pattern.slice(0, -1));
  return pattern === urlPath;
}

/** URL paths of every HTML file of the site: `a/index.html` → `/a/`, `en/404.html` → `/en/404.html`. */
export function htmlPages(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith(".html")) out.push({ file: r, path: "/" + r.replace(/(^|\/)index\.html$/, "$1") });
    }
  };
  walk("");
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every file of the site (relative paths). */
export function allFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk("");
  return out.sort();
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server.address().port);
    });
  });
}

function canonicalBase(dir) {
  const html = readFileSync(path.join(dir, "index.html"), "utf8");
  const link = html.match(/<link\b[^>]*\brel=["']?canonical\b[^>]*>/i);
  const href = link && link[0].match(/\bhref=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i);
  const url = href && (href[1] || href[2] || href[3]);
  if (!url) throw new Error(`SITE_DIR ${dir}: no canonical link in index.html to read its base URL from`);
  return new URL(url);
}

/**
 * Build the site (or use SITE_DIR) and serve it on 127.0.0.1.
 * Returns { dir, origin, base, url(p), requests, reset(), close() }; `requests` lists every
 * request the server answered: { method, path, status, bytes }.
 */
export async function startSite() {
  const requests = [];
  let dir;
  let basePath = "/";
  let headerRules = [];
  let ownDir = null;

  const server = http.createServer((req, res) => {
    const entry = { method: req.method, url: req.url, path: "", status: 0, bytes: 0 };
    requests.push(entry);
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      urlPath = "/";
    }
    entry.path = urlPath;
    const send = (status, file, extra = {}) => {
      entry.status = status;
      const headers = { "Cache-Control": "no-cache", ...extra };
      for (const rule of headerRules) {
        if (ruleMatches(rule.pattern, urlPath)) for (const [k, v] of rule.headers) headers[k] = v;
      }
      if (!file) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      const size = statSync(file).size;
      headers["Content-Type"] = mimeType(file);
      headers["Content-Length"] = size;
      res.writeHead(status, headers);
      if (req.method === "HEAD") {
        res.end();
        return;
      }
      entry.bytes = size;
      createReadStream(file).pipe(res);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405);
    if (!urlPath.startsWith(basePath)) return notFound();
    const rel = urlPath.slice(basePath.length);
    let file = path.join(dir, rel);
    if (!file.startsWith(dir)) return send(403);
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!urlPath.endsWith("/")) {
        const q = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
        return send(301, null, { Location: urlPath + "/" + q });
      }
      file = path.join(file, "index.html");
    }
    if (existsSync(file) && statSync(file).isFile()) return send(200, file);
    return notFound();

    // The per-language 404 page: /en/... gets en/404.html, everything else 404.html.
    function notFound() {
      const rest = urlPath.startsWith(basePath) ? urlPath.slice(basePath.length) : "";
      const first = rest.split("/")[0];
      const lang404 = first && path.join(dir, first, "404.html");
      if (lang404 && existsSync(lang404)) return send(404, lang404);
      const root404 = path.join(dir, "404.html");
      if (existsSync(root404)) return send(404, root404);
      return send(404);
    }
  });

  let port;
  if (process.env.SITE_DIR) {
    dir = path.resolve(process.env.SITE_DIR);
    const base = canonicalBase(dir);
    if (base.hostname !== "127.0.0.1" || !base.port) {
      throw new Error(
        `SITE_DIR ${dir} was built for ${base.origin}; build it with --base-url http://127.0.0.1:<port>/ so that every link stays on this machine`,
      );
    }
    basePath = base.pathname.replace(/[^/]*$/, "") || "/";
    port = await listen(server, Number(base.port));
  } else {
    // Take a free port first: the site is built for exactly this address.
    port = await listen(server, 0);
    if (!existsSync(SPROUT)) throw new Error(`${SPROUT} not found: run \`cargo build --release\` first`);
    ownDir = await mkdtemp(path.join(tmpdir(), "sprout-browser-"));
    dir = path.join(ownDir, "site");
    try {
      execFileSync(
        SPROUT,
        ["build", "--root", ROOT, "--output-dir", dir, "--base-url", `http://127.0.0.1:${port}/`],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 },
      );
    } catch (e) {
      server.close();
      rmSync(ownDir, { recursive: true, force: true });
      throw new Error(`sprout build failed:\n${e.stdout || ""}${e.stderr || ""}`);
    }
    // The site lives at the root, whatever the configured base_url's sub-path.
    basePath = "/";
  }
  headerRules = readHeadersFile(dir);
  const origin = `http://127.0.0.1:${port}`;

  return {
    dir,
    origin,
    base: origin + basePath,
    requests,
    /** The absolute URL of a site path such as "/safety/drowning/". */
    url: (p) => origin + basePath.replace(/\/$/, "") + p,
    /** Forget the request log. */
    reset: () => {
      requests.length = 0;
    },
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      if (ownDir && !process.env.KEEP_SITE) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export function isLocal(u) {
  const url = typeof u === "string" ? new URL(u) : u;
  if (url.protocol === "data:" || url.protocol === "blob:" || url.protocol === "about:") return true;
  return url.hostname === "127.0.0.1";
}

/**
 * A fresh browser context and page that record console errors, page errors, every request and
 * every request to another host (which is blocked, so that no test waits on the network).
 */
export async function openPage(browser, { width = 1280, height = 900, javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled,
    reducedMotion: "reduce",
    serviceWorkers: "block",
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const log = { consoleErrors: [], pageErrors: [], foreign: [], requests: [], responses: [] };
  await context.route(
    (url) => !isLocal(url),
    (route) => {
      log.foreign.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  context.on("request", (r) => log.requests.push(r.url()));
  context.on("response", (r) => log.responses.push(r));
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") log.consoleErrors.push(`${m.text()} (${m.location()?.url || "?"})`);
  });
  page.on("pageerror", (e) => log.pageErrors.push(String(e && e.stack ? e.stack : e)));
  return {
    context,
    page,
    log,
    close: () => context.close(),
  };
}

/**
 * Console errors that are not about the site: the browser logs "Failed to load resource ... 404"
 * for the main document of a page that is meant to be a 404.
 */
export function realConsoleErrors(log, expectedStatus = 200) {
  // Only the document itself: a missing stylesheet, script or image still counts.
  const isDocument = (m) => /\((http:\/\/127\.0\.0\.1:\d+\/[^)]*?(\/|\.html)(\?[^)]*)?)\)$/.test(m);
  return log.consoleErrors.filter(
    (m) =>
      !(expectedStatus === 404 && /^Failed to load resource: the server responded with a status of 404/.test(m) && isDocument(m)),
  );
}

/** Go to a site path and wait for fonts; returns the main response. */
export async function visit(page, site, p, { waitUntil = "load" } = {}) {
  const res = await page.goto(site.url(p), { waitUntil });
  await page.evaluate(() => document.fonts && document.fonts.ready.then(() => true)).catch(() => {});
  return res;
}

export function ensureDir(p) {
  mkdirSync(p, { recursive: true });
  return p;
}

/** A file-system-safe name for a site path. */
export function slug(p) {
  return p.replace(/^\/|\/$/g, "").replace(/[^a-zA-Z0-9-]+/g, "_") || "home";
}

/**
 * Register hooks that serve the bundled site and launch Chromium before this file's tests and close
 * both after. Returns { site, browser }, filled in once the `before` hook has run.
 */
export function useSiteAndBrowser() {
  const env = { site: undefined, browser: undefined };
  before(async () => {
    env.site = await startSite();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}
