// Search finds what parents and teachers type: every query in search-queries.json must have its
// page among the first 3 results. The search index loads only when a search starts, and the first
// search of a fresh page transfers less than 250 KB.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ARTIFACTS, HERE, ensureDir, openPage, realConsoleErrors, useSiteAndBrowser } from "./helpers.mjs";

const QUERIES = JSON.parse(readFileSync(path.join(HERE, "search-queries.json"), "utf8"));
// SEARCH_QUERIES=溺水,drowning runs only those queries while working on search.
if (process.env.SEARCH_QUERIES) {
  const only = process.env.SEARCH_QUERIES.split(",");
  for (const lang of ["zh", "en"]) QUERIES[lang] = QUERIES[lang].filter((x) => only.includes(x.q));
}
const FIRST_SEARCH_BUDGET = 250 * 1024;

const env = useSiteAndBrowser();
const results = [];

after(async () => {
  if (!results.length) return;
  const lines = [];
  for (const lang of ["zh", "en"]) {
    const rs = results.filter((r) => r.lang === lang && r.expect !== null);
    const none = results.filter((r) => r.lang === lang && r.expect === null);
    if (rs.length) {
      const hits = rs.filter((r) => r.hit).length;
      lines.push(`hit@3 ${lang}: ${hits}/${rs.length} (${((100 * hits) / rs.length).toFixed(0)}%)`);
    }
    if (none.length) lines.push(`not answered here, ${lang}: ${none.filter((r) => r.hit).length}/${none.length} show the no-results message`);
  }
  const answerable = results.filter((r) => r.expect !== null);
  const hits = answerable.filter((r) => r.hit).length;
  lines.push(`hit@3 all: ${hits}/${answerable.length} (${((100 * hits) / answerable.length).toFixed(0)}%)`);
  for (const r of results.filter((x) => !x.hit)) {
    lines.push(`  miss ${r.lang} "${r.q}": expected ${r.expect}, got ${r.top.map((t) => t.path).join(", ") || r.status}`);
  }
  const bytes = results.map((r) => r.pagefindBytes);
  const firstZh = results.find((r) => r.lang === "zh");
  const firstEn = results.find((r) => r.lang === "en");
  lines.push(
    `first search of a fresh page, bytes under /pagefind/: ${firstZh ? `zh "${firstZh.q}" ${firstZh.pagefindBytes}` : ""}${firstEn ? `, en "${firstEn.q}" ${firstEn.pagefindBytes}` : ""}; min ${Math.min(...bytes)}, max ${Math.max(...bytes)} (budget ${FIRST_SEARCH_BUDGET})`,
  );
  console.log(lines.join("\n"));
  ensureDir(ARTIFACTS);
  writeFileSync(path.join(ARTIFACTS, "search-report.json"), JSON.stringify({ summary: lines, results }, null, 2));
});

const searchPath = (lang) => (lang === "en" ? "/en/search/" : "/search/");

/** Open the search page with ?q= in a fresh browser context and read the results. */
async function search(lang, q) {
  const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
  try {
    env.site.reset();
    await page.goto(`${env.site.url(searchPath(lang))}?q=${encodeURIComponent(q)}`, { waitUntil: "load" });
    await page.waitForFunction(
      () => {
        const status = document.getElementById("search-status");
        const root = document.getElementById("search-page");
        const loading = root ? root.dataset.loading : "";
        const text = status ? status.textContent.trim() : "";
        return document.querySelectorAll("#search-results li").length > 0 || (text && text !== loading);
      },
      null,
      { timeout: 20_000 },
    );
    await page.waitForLoadState("networkidle");
    const status = (await page.locator("#search-status").textContent()) || "";
    const fallback = await page.evaluate(() => {
      const f = document.getElementById("search-fallback");
      return { shown: !!f && !f.hidden && f.getBoundingClientRect().height > 0, text: f ? f.innerText : "", suggestions: f ? f.querySelectorAll("#search-suggestions a").length : 0 };
    });
    const excerpts = await page.$$eval("#search-results li p", (ps) => ps.map((p) => p.textContent));
    const top = await page.$$eval("#search-results li", (lis) =>
      lis.map((li) => {
        const a = li.querySelector("a");
        return { title: a ? a.textContent.trim() : "", path: a ? new URL(a.href).pathname : "", href: a ? a.href : "" };
      }),
    );
    const pagefind = env.site.requests.filter((r) => r.path.startsWith("/pagefind/"));
    return {
      status: status.trim(),
      fallback,
      excerpts,
      top,
      pagefindBytes: pagefind.reduce((s, r) => s + r.bytes, 0),
      pagefindRequests: pagefind.map((r) => `${r.path} ${r.bytes}`),
      consoleErrors: realConsoleErrors(log),
      pageErrors: [...log.pageErrors],
      foreign: [...log.foreign],
    };
  } finally {
    await close();
  }
}

describe("search loads nothing before a search starts", () => {
  for (const lang of ["zh", "en"]) {
    test(`${searchPath(lang)} without ?q= requests nothing under /pagefind/`, { timeout: 30_000 }, async () => {
      const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
      try {
        env.site.reset();
        await page.goto(env.site.url(searchPath(lang)), { waitUntil: "load" });
        await page.waitForLoadState("networkidle");
        await page.locator("#search-q").focus();
        await page.waitForTimeout(300);
        const server = env.site.requests.filter((r) => r.path.startsWith("/pagefind/")).map((r) => r.path);
        const browserSide = log.requests.filter((u) => new URL(u).pathname.startsWith("/pagefind/"));
        assert.deepEqual(server, [], "requests under /pagefind/ before any search");
        assert.deepEqual(browserSide, [], "requests under /pagefind/ before any search (browser)");
        assert.deepEqual(realConsoleErrors(log), [], "console errors");
        assert.deepEqual(log.pageErrors, [], "page errors");
        assert.deepEqual(log.foreign, [], "requests to other hosts");
      } finally {
        await close();
      }
    });
  }
});

describe("search queries: the expected page is in the top 3", () => {
  test("the query set has at least 30 Chinese and 20 English queries, some the site cannot answer", { skip: !!process.env.SEARCH_QUERIES }, () => {
    assert.ok(QUERIES.zh.length >= 30, `${QUERIES.zh.length} Chinese queries`);
    assert.ok(QUERIES.en.length >= 20, `${QUERIES.en.length} English queries`);
    for (const lang of ["zh", "en"]) {
      assert.ok(QUERIES[lang].filter((x) => x.expect === null).length >= 2, `${lang}: questions the site cannot answer`);
    }
  });

  for (const lang of ["zh", "en"]) {
    for (const { q, expect } of QUERIES[lang].filter((x) => x.expect === null)) {
      test(`${lang} "${q}" (not answered here) → the no-results message with suggestions`, { timeout: 60_000 }, async () => {
        const r = await search(lang, q);
        results.push({ lang, q, expect: null, hit: r.top.length === 0, status: r.status, top: r.top.slice(0, 3), total: r.top.length, pagefindBytes: r.pagefindBytes, pagefindRequests: r.pagefindRequests });
        assert.deepEqual(r.pageErrors, [], "page errors");
        assert.deepEqual(r.consoleErrors, [], "console errors");
        assert.deepEqual(r.top, [], `"${q}" should find nothing; found ${r.top.map((t) => t.path).join(", ")}`);
        assert.ok(r.status.includes(q), `the message names the query: ${JSON.stringify(r.status)}`);
        assert.ok(r.fallback.shown && r.fallback.suggestions >= 4, `suggestions are shown: ${JSON.stringify(r.fallback)}`);
        assert.doesNotMatch(r.fallback.text + r.status, /JavaScript/, "with JavaScript on, no message blames JavaScript");
      });
    }
    for (const { q, expect } of QUERIES[lang].filter((x) => x.expect !== null)) {
      test(`${lang} "${q}" → ${expect}`, { timeout: 60_000 }, async () => {
        const r = await search(lang, q);
        if (lang === "zh") {
          const spaced = r.excerpts.filter((t) => /[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]\s+[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]/.test(t));
          assert.deepEqual(spaced, [], `"${q}": snippets with a space inside Chinese text`);
        }
        const top3 = r.top.slice(0, 3);
        const hit = top3.some((t) => t.path === expect);
        results.push({ lang, q, expect, hit, status: r.status, top: top3, total: r.top.length, pagefindBytes: r.pagefindBytes, pagefindRequests: r.pagefindRequests });
        assert.deepEqual(r.pageErrors, [], "page errors");
        assert.deepEqual(r.consoleErrors, [], "console errors");
        assert.deepEqual(r.foreign, [], "requests to other hosts");
        assert.ok(
          hit,
          `"${q}": ${expect} is not in the top 3. Status: ${JSON.stringify(r.status)}. Top 3: ${top3.map((t) => `${t.path} (${t.title})`).join(", ") || "none"}`,
        );
        assert.ok(
          r.pagefindBytes < FIRST_SEARCH_BUDGET,
          `the first search for "${q}" transferred ${r.pagefindBytes} bytes under /pagefind/ (budget ${FIRST_SEARCH_BUDGET}):\n  ${r.pagefindRequests.join("\n  ")}`,
        );
      });
    }
  }
});

describe("search finishes the job", () => {
  test("every result is reachable: “more results” loads the rest, 8 at a time", { timeout: 60_000 }, async () => {
    const { page, log, close } = await openPage(env.browser, { width: 390, height: 844 });
    try {
      await page.goto(`${env.site.url("/search/")}?q=${encodeURIComponent("儿童")}`, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 20_000 });
      const status = await page.locator("#search-status").textContent();
      const total = Number((status.match(/(\d+)\s*条/) || [])[1]);
      assert.ok(total > 20, `“儿童” finds more than 20 pages: ${status}`);
      assert.equal(await page.locator("#search-results li").count(), 8, "the first 8 are shown");
      const more = page.locator("#search-more");
      for (let shown = 8; shown < total; shown = Math.min(total, shown + 8)) {
        assert.ok(await more.isVisible(), `“more results” is offered after ${shown} of ${total}`);
        await more.click();
        await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length >= n, Math.min(total, shown + 8));
        const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest("#search-results li") !== null);
        assert.ok(focused, "focus moves to the first new result");
      }
      assert.equal(await page.locator("#search-results li").count(), total, "every result is listed");
      assert.equal(await more.isVisible(), false, "no “more results” once all are shown");
      assert.deepEqual(realConsoleErrors(log), [], "console errors");
    } finally {
      await close();
    }
  });

  test("a slow earlier search does not overwrite a later one's results", { timeout: 60_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 1280, height: 900 });
    try {
      // Pagefind's module, wrapped so that a search for "drowning" answers 1.5 s late.
      const wrapper = `import * as real from "./pagefind.js?real";
export const options = (o) => real.options(o);
export const search = async (q, o) => {
  const found = await real.search(q, o);
  if (q.toLowerCase().includes("drowning")) await new Promise((ok) => setTimeout(ok, 1500));
  return found;
};`;
      await page.route(
        (url) => url.pathname.endsWith("/pagefind/pagefind.js") && !url.search.includes("real"),
        (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: wrapper }),
      );
      await page.goto(env.site.url("/en/search/"), { waitUntil: "load" });
      const box = page.locator("#search-q");
      await box.fill("drowning");
      await box.press("Enter");
      await box.fill("zzqxv");
      await box.press("Enter");
      await page.waitForFunction(() => /zzqxv/.test(document.getElementById("search-status").textContent), null, { timeout: 20_000 });
      await page.waitForTimeout(2500); // the slow search has answered by now
      const status = await page.locator("#search-status").textContent();
      assert.match(status, /zzqxv/, "the status still speaks of the last query");
      assert.equal(await page.locator("#search-results li").count(), 0, "no results of the earlier query");
    } finally {
      await close();
    }
  });

  test("switching language keeps the query", { timeout: 60_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 1280, height: 900 });
    try {
      await page.goto(`${env.site.url("/search/")}?q=${encodeURIComponent("溺水")}`, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 20_000 });
      await Promise.all([page.waitForURL(/\/en\/search\//), page.locator('nav.lang a[data-lang="en"]').click()]);
      assert.equal(new URL(page.url()).searchParams.get("q"), "溺水");
      assert.equal(await page.locator("#search-q").inputValue(), "溺水", "the English search box holds the query");
    } finally {
      await close();
    }
  });

  test("the A–Z index files 预防溺水 under N (溺水) and Preventing drowning under D", { timeout: 30_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 390, height: 844 });
    try {
      for (const [p, letter, text, href] of [
        ["/topics/", "n", "溺水", "/safety/drowning/"],
        ["/en/topics/", "d", "Drowning", "/en/safety/drowning/"],
      ]) {
        await page.goto(env.site.url(p), { waitUntil: "load" });
        const found = await page.evaluate(
          ([letter, text]) =>
            [...document.querySelectorAll(`#letter-${letter} + ul a`)].filter((a) => a.textContent.startsWith(text)).map((a) => new URL(a.href).pathname),
          [letter, text],
        );
        assert.deepEqual(found, [href], `${p}: under ${letter.toUpperCase()}, an entry starting “${text}”`);
      }
    } finally {
      await close();
    }
  });
});
