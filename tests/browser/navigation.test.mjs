// The language switcher keeps the reader's place, the skip link works from the keyboard, and
// every page's switcher leads to a page that exists.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { htmlPages, openPage, pageMatrix, realConsoleErrors, useSiteAndBrowser, visit } from "./helpers.mjs";

const env = useSiteAndBrowser();

const pathAndHash = (u) => {
  const url = new URL(u);
  return url.pathname + url.hash;
};

describe("language switcher", () => {
  test("round-trips /plan/safety/#safety-measure-3 through English and back", { timeout: 60_000 }, async () => {
    const { page, log, close } = await openPage(env.browser);
    try {
      await visit(page, env.site, "/plan/safety/#safety-measure-3");
      assert.equal(await page.locator("#safety-measure-3").count(), 1, "#safety-measure-3 exists on /plan/safety/");

      await Promise.all([page.waitForURL(/\/en\/plan\/safety\//), page.locator('nav.lang a[data-lang="en"]').click()]);
      assert.equal(pathAndHash(page.url()), "/en/plan/safety/#safety-measure-3");
      assert.equal(await page.locator("#safety-measure-3").count(), 1, "#safety-measure-3 exists on /en/plan/safety/");
      assert.equal(await page.evaluate(() => document.documentElement.lang), "en");

      const zh = page.locator("nav.lang a", { hasText: "中文" });
      assert.equal(await zh.count(), 1, "the English page has a 中文 link");
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/en/")), zh.click()]);
      assert.equal(pathAndHash(page.url()), "/plan/safety/#safety-measure-3");
      assert.equal(await page.locator("#safety-measure-3").count(), 1);
      assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-Hans");

      assert.deepEqual(realConsoleErrors(log), [], "console errors");
      assert.deepEqual(log.pageErrors, [], "page errors");
      assert.deepEqual(log.foreign, [], "requests to other hosts");
    } finally {
      await close();
    }
  });

  test("every page's switcher points to a page that exists (HTTP 200)", { timeout: 120_000 }, async () => {
    const { page, close } = await openPage(env.browser, { javaScriptEnabled: true });
    try {
      await visit(page, env.site, "/");
      const pages = htmlPages(env.site.dir).map((p) => p.path);
      // Read every page's switcher with the browser's own HTML parser, then ask for each target.
      const found = await page.evaluate(async (paths) => {
        const out = [];
        for (const p of paths) {
          const text = await (await fetch(p)).text();
          const doc = new DOMParser().parseFromString(text, "text/html");
          for (const a of doc.querySelectorAll("nav.lang a[href]")) {
            out.push({ from: p, href: new URL(a.getAttribute("href"), location.origin + p).href, exact: a.hasAttribute("data-exact") });
          }
        }
        return out;
      }, pages);
      assert.ok(found.length > 0, "no language switcher links found at all");
      const targets = [...new Set(found.map((f) => f.href.split("#")[0]))];
      const status = await page.evaluate(async (urls) => {
        const s = {};
        for (const u of urls) {
          const r = await fetch(u, { redirect: "follow" });
          s[u] = r.status;
        }
        return s;
      }, targets);
      const broken = found.filter((f) => status[f.href.split("#")[0]] !== 200);
      const foreign = found.filter((f) => new URL(f.href).origin !== env.site.origin);
      assert.deepEqual(
        foreign.map((f) => `${f.from} → ${f.href}`),
        [],
        "language switcher links that leave the site",
      );
      assert.deepEqual(
        broken.map((f) => `${f.from} → ${f.href} (HTTP ${status[f.href.split("#")[0]]})`),
        [],
        "language switcher links to pages that do not exist",
      );
    } finally {
      await close();
    }
  });

  test("a page without a translation goes to the nearest translated page and says so", { timeout: 60_000 }, async (t) => {
    const { page, close } = await openPage(env.browser);
    try {
      await visit(page, env.site, "/");
      const pages = htmlPages(env.site.dir).map((p) => p.path);
      const fallbacks = await page.evaluate(async (paths) => {
        const out = [];
        for (const p of paths) {
          const doc = new DOMParser().parseFromString(await (await fetch(p)).text(), "text/html");
          for (const a of doc.querySelectorAll("nav.lang a[href]:not([data-exact])")) {
            out.push({ from: p, href: new URL(a.getAttribute("href"), location.origin + p).pathname, note: !!a.parentElement.querySelector(".lang-note") });
          }
        }
        return out;
      }, pages);
      if (!fallbacks.length) {
        t.skip("every page has a translation: no fallback link to test");
        return;
      }
      for (const f of fallbacks) {
        const res = await page.goto(env.site.url(f.href));
        assert.equal(res.status(), 200, `fallback ${f.from} → ${f.href}`);
        assert.ok(f.note, `the fallback link on ${f.from} says that the page is not translated (.lang-note)`);
      }
    } finally {
      await close();
    }
  });
});

describe("keyboard: skip link", () => {
  for (const p of pageMatrix()) {
    test(`${p.lang} ${p.type} ${p.path}: Tab focuses the visible skip link, Enter moves focus to <main id="main">`, { timeout: 30_000 }, async () => {
      const { page, log, close } = await openPage(env.browser, { width: 390, height: 844 });
      try {
        await visit(page, env.site, p.path);
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const el = document.activeElement;
          const r = el.getBoundingClientRect();
          const cs = getComputedStyle(el);
          return {
            tag: el.tagName,
            cls: el.className,
            href: el.getAttribute("href"),
            text: el.textContent.trim(),
            rect: { x: r.x, y: r.y, w: r.width, h: r.height },
            visibility: cs.visibility,
            opacity: cs.opacity,
            clip: cs.clip,
            clipPath: cs.clipPath,
            vw: innerWidth,
            vh: innerHeight,
          };
        });
        assert.equal(focused.tag, "A", `first Tab focuses a link, got ${JSON.stringify(focused)}`);
        assert.equal(focused.href, "#main", `first Tab focuses the skip link, got ${JSON.stringify(focused)}`);
        assert.ok(await page.locator("a.skip, a[href='#main']").first().isVisible(), "skip link is visible when focused");
        const r = focused.rect;
        assert.ok(
          r.w >= 10 && r.h >= 10 && r.x >= 0 && r.y >= 0 && r.x + r.w <= focused.vw && r.y + r.h <= focused.vh &&
            focused.visibility === "visible" && Number(focused.opacity) > 0.5 &&
            (focused.clip === "auto" || focused.clip === "") && (focused.clipPath === "none" || focused.clipPath === ""),
          `skip link is on screen and not clipped when focused: ${JSON.stringify(focused)}`,
        );
        await page.keyboard.press("Enter");
        const active = await page.evaluate(() => ({ tag: document.activeElement.tagName, id: document.activeElement.id }));
        assert.deepEqual(active, { tag: "MAIN", id: "main" }, "Enter on the skip link moves focus to <main id=main>");
        assert.deepEqual(log.foreign, [], "requests to other hosts");
        assert.deepEqual(log.pageErrors, [], "page errors");
        assert.deepEqual(realConsoleErrors(log, p.status), [], "console errors");
      } finally {
        await close();
      }
    });
  }
});
