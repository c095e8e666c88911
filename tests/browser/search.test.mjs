// Search finds what parents and teachers type: every query in search-queries.json must have its
// page among the first 3 results. The search index loads only when a search starts, and the first
// search of a fresh page transfers less than 250 KB.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ARTIFACTS, HERE, ensureDir, openPage, realConsoleErrors, useSiteAndBrowser } from "./helpers.mjs";

const QUERIES = JSON.parse(readFileSync(path.join(HERE, "search-queries.json"), "utf8"));
const FIRST_SEARCH_BUDGET = 250 * 1024;

const env = useSiteAndBrowser();
const results = [];

after(async () => {
  if (!results.length) return;
  const lines = [];
  for (const lang of ["zh", "en"]) {
    const rs = results.filter((r) => r.lang === lang);
    if (!rs.length) continue;
    const hits = rs.filter((r) => r.hit).length;
    lines.push(`hit@3 ${lang}: ${hits}/${rs.length} (${((100 * hits) / rs.length).toFixed(0)}%)`);
  }
  const hits = results.filter((r) => r.hit).length;
  lines.push(`hit@3 all: ${hits}/${results.length} (${((100 * hits) / results.length).toFixed(0)}%)`);
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
    const top = await page.$$eval("#search-results li", (lis) =>
      lis.map((li) => {
        const a = li.querySelector("a");
        return { title: a ? a.textContent.trim() : "", path: a ? new URL(a.href).pathname : "", href: a ? a.href : "" };
      }),
    );
    const pagefind = env.site.requests.filter((r) => r.path.startsWith("/pagefind/"));
    return {
      status: status.trim(),
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
  test("the query set has at least 20 Chinese and 15 English queries", () => {
    assert.ok(QUERIES.zh.length >= 20, `${QUERIES.zh.length} Chinese queries`);
    assert.ok(QUERIES.en.length >= 15, `${QUERIES.en.length} English queries`);
  });

  for (const lang of ["zh", "en"]) {
    for (const { q, expect } of QUERIES[lang]) {
      test(`${lang} "${q}" → ${expect}`, { timeout: 60_000 }, async () => {
        const r = await search(lang, q);
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
