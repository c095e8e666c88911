// The offline copy (`sprout build --relative`) opened from file:// as on a USB stick: pages load,
// links lead to pages, styles apply, and the search page says search needs a web server.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { ROOT, SPROUT } from "./helpers.mjs";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let dir;
let browser;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sprout-offline-"));
  execFileSync(SPROUT, ["build", "--root", ROOT, "--relative", "--output-dir", dir], { stdio: "pipe" });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (rel) => pathToFileURL(path.join(dir, rel)).href;

test("pages open from file:// with their styles, and navigation links lead to pages", async () => {
  const page = await browser.newPage();
  const failed = [];
  page.on("requestfailed", (r) => failed.push(r.url()));
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) failed.push(`left the copy: ${r.url()}`);
  });
  await page.goto(url("index.html"));
  const bg = await page.$eval(".site-header", (el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the stylesheet applies");

  // Follow the main navigation, then a card on the safety section, then the language switcher.
  for (const [selector, expected] of [
    [".main-nav a[href*='safety']", "safety/index.html"],
    // The first safety card is the emergency page (what to do now comes first).
    ["ul.cards li a", "safety/emergencies/index.html"],
    [".lang a", "en/safety/emergencies/index.html"],
    [".crumbs a", "en/index.html"],
  ]) {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
    assert.ok(page.url().endsWith(expected), `${selector} led to ${page.url()}, expected …/${expected}`);
    assert.ok(await page.$eval("h1", (h) => h.textContent.trim().length > 0), `${page.url()} has a heading`);
  }
  assert.deepEqual(failed, [], "every request of the copy succeeds and stays on file://");
  await page.close();
});

test("every link of every offline page points to a file of the copy", async () => {
  const page = await browser.newPage();
  const missing = [];
  for (const rel of ["index.html", "en/plan/health/index.html", "safety/drowning/index.html", "en/indicators/neonatal-mortality/index.html", "schools/index.html", "topics/index.html"]) {
    await page.goto(url(rel));
    const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
    for (const h of hrefs) {
      if (!h.startsWith("file://")) continue;
      const file = decodeURIComponent(new URL(h).pathname);
      if (!existsSync(file)) missing.push(`${rel} → ${file}`);
    }
  }
  assert.deepEqual(missing, []);
  await page.close();
});

test("the offline search page explains that search needs a web server and offers the A–Z list", async () => {
  const page = await browser.newPage();
  await page.goto(`${url("search/index.html")}?q=${encodeURIComponent("溺水")}`);
  const text = await page.textContent("#search-fallback");
  assert.match(text, /本机文件/);
  const link = await page.getAttribute("#search-fallback a", "href");
  assert.ok(link.endsWith("topics/index.html"), link);
  assert.equal(await page.$$eval("#search-results li", (l) => l.length), 0);
  await page.close();
});
