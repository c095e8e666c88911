// Page weight: every HTML page ≤ 30 KB (the full plan text under /plan/ and /en/plan/ is exempt,
// and so are the schools page, an index of fifteen QR codes that gzips to about 7 KB, and the
// print-all-cards page, fifteen noticeboard cards with their QR codes, about 11 KB gzipped),
// all CSS ≤ 20 KB together, and no script but the deferred js/site.js (plus js/search.js on the
// search page). That pages read without JavaScript is checked in nojs.test.mjs.

import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ARTIFACTS, allFiles, ensureDir, htmlPages, openPage, pageMatrix, useSiteAndBrowser, visit } from "./helpers.mjs";

const HTML_BUDGET = 30 * 1024;
const CSS_BUDGET = 20 * 1024;
const SEARCH_PAGES = new Set(["/search/", "/en/search/"]);

const env = useSiteAndBrowser();
const weights = {};

after(async () => {
  ensureDir(ARTIFACTS);
  writeFileSync(path.join(ARTIFACTS, "page-weights.json"), JSON.stringify(weights, null, 2));
});

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const isPlan = (p) => /^(\/en)?\/plan\//.test(p);
// The printable index of every safety page with its QR code; its size is the codes themselves.
const isQrIndex = (p) => /^(\/en)?\/schools(-cards)?\/$/.test(p);

describe("budgets", () => {
  test(`every HTML page ≤ ${kb(HTML_BUDGET)} (pages under /plan/ and /en/plan/, and the schools QR index, exempt)`, () => {
    const pages = htmlPages(env.site.dir);
    assert.ok(pages.length > 50, `only ${pages.length} HTML pages in the build`);
    const over = [];
    for (const p of pages) {
      const size = statSync(path.join(env.site.dir, p.file)).size;
      weights[p.path] = size;
      if (!isPlan(p.path) && !isQrIndex(p.path) && size > HTML_BUDGET) over.push(`${p.path}: ${kb(size)}`);
    }
    const plan = Object.entries(weights).filter(([p]) => isPlan(p)).sort((a, b) => b[1] - a[1]);
    const top = Object.entries(weights).filter(([p]) => !isPlan(p)).sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`HTML pages: ${pages.length}; largest outside /plan/: ${top.map(([p, n]) => `${p} ${kb(n)}`).join(", ")}; largest plan pages (exempt): ${plan.slice(0, 3).map(([p, n]) => `${p} ${kb(n)}`).join(", ")}`);
    assert.deepEqual(over, [], `pages over ${kb(HTML_BUDGET)}`);
  });

  test(`all CSS together ≤ ${kb(CSS_BUDGET)}`, () => {
    const css = allFiles(env.site.dir).filter((f) => f.endsWith(".css"));
    assert.ok(css.length > 0, "no CSS in the build");
    const sizes = css.map((f) => [f, statSync(path.join(env.site.dir, f)).size]);
    const total = sizes.reduce((s, [, n]) => s + n, 0);
    console.log(`CSS: ${sizes.map(([f, n]) => `${f} ${kb(n)}`).join(", ")}; total ${kb(total)}`);
    assert.ok(total <= CSS_BUDGET, `CSS totals ${kb(total)} (${sizes.map(([f, n]) => `${f} ${kb(n)}`).join(", ")}), budget ${kb(CSS_BUDGET)}`);
  });

  test("no page has a script but the deferred js/site.js (and js/search.js on the search page)", { timeout: 120_000 }, async () => {
    const { page, close } = await openPage(env.browser, { javaScriptEnabled: true });
    try {
      await visit(page, env.site, "/");
      const pages = htmlPages(env.site.dir).map((p) => p.path);
      const scripts = await page.evaluate(async (paths) => {
        const out = {};
        for (const p of paths) {
          const doc = new DOMParser().parseFromString(await (await fetch(p)).text(), "text/html");
          out[p] = [...doc.querySelectorAll("script")].map((s) => ({
            src: s.hasAttribute("src") ? new URL(s.getAttribute("src"), location.origin + p).pathname : null,
            defer: s.hasAttribute("defer"),
            async: s.hasAttribute("async"),
            type: s.getAttribute("type"),
            inline: s.hasAttribute("src") ? "" : s.textContent.trim().slice(0, 80),
          }));
        }
        return out;
      }, pages);
      const problems = [];
      for (const [p, list] of Object.entries(scripts)) {
        // A redirect page for an old URL (alias) may carry no scripts at all; others load site.js.
        const allowed = new Set(["/js/site.js"]);
        if (SEARCH_PAGES.has(p)) allowed.add("/js/search.js");
        for (const s of list) {
          if (s.type === "application/ld+json" || s.type === "application/json") continue;
          if (!s.src) problems.push(`${p}: inline script ${JSON.stringify(s.inline)}`);
          else if (!allowed.has(s.src)) problems.push(`${p}: script ${s.src}`);
          else if (!s.defer) problems.push(`${p}: ${s.src} is not deferred`);
        }
      }
      assert.deepEqual(problems, [], "scripts that should not be there");
    } finally {
      await close();
    }
  });

  test("in the browser, each page type loads only those scripts", { timeout: 120_000 }, async () => {
    const problems = [];
    for (const p of pageMatrix()) {
      const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
      try {
        const loaded = [];
        page.on("request", (r) => {
          if (r.resourceType() === "script") loaded.push(new URL(r.url()).pathname);
        });
        await visit(page, env.site, p.path);
        await page.waitForTimeout(100);
        const allowed = new Set(["/js/site.js"]);
        if (SEARCH_PAGES.has(p.path)) allowed.add("/js/search.js");
        for (const s of loaded) if (!allowed.has(s)) problems.push(`${p.path}: loads ${s}`);
        if (!loaded.includes("/js/site.js")) problems.push(`${p.path}: does not load /js/site.js`);
        if (log.foreign.length) problems.push(`${p.path}: requests to other hosts ${log.foreign.join(", ")}`);
      } finally {
        await close();
      }
    }
    assert.deepEqual(problems, []);
  });
});
