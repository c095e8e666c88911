// What a parent on a phone does first, proved in both languages at 390 and 1280 px: the emergency
// numbers are tap-to-call links near the top of the home page and of every safety page; a safety
// page's emergency steps are one tap away from above the fold; every practical page shows its
// contents; age tags go to the page's own advice for that age; an age page quotes that advice; the
// header stays small and nothing scrolls sideways at 320 px.

import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { LANGS, VIEWPORTS, openPage, realConsoleErrors, useSiteAndBrowser, visit } from "./helpers.mjs";

const env = useSiteAndBrowser();

const STRIP = ["120", "110", "119", "12345", "12356"];

/** Site paths of every page in a content section, read from the built site (zh paths). */
function sectionPages(section) {
  const dir = path.join(env.site.dir, section);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "index.html")))
    .map((e) => `/${section}/${e.name}/`);
}

async function clean(log, what) {
  assert.deepEqual(realConsoleErrors(log), [], `${what}: console errors`);
  assert.deepEqual(log.pageErrors, [], `${what}: page errors`);
  assert.deepEqual(log.foreign, [], `${what}: requests to other hosts`);
}

/** The tel: numbers of the emergency strip and the strip's top edge (page coordinates). */
async function strip(page) {
  return page.evaluate(() => {
    const s = document.querySelector("main .emergency-strip");
    if (!s) return null;
    const links = [...s.querySelectorAll('a[href^="tel:"]')].map((a) => a.getAttribute("href").slice(4));
    return { links, top: s.getBoundingClientRect().top + scrollY, count: document.querySelectorAll("main .emergency-strip").length };
  });
}

describe("emergency first", () => {
  for (const l of LANGS) {
    for (const vp of VIEWPORTS) {
      test(`${l.code} ${vp.width} px: the home page shows the emergency numbers as tap-to-call links near the top`, { timeout: 60_000 }, async () => {
        const { page, log, close } = await openPage(env.browser, vp);
        try {
          await visit(page, env.site, `${l.prefix}/`);
          const s = await strip(page);
          assert.ok(s, "the home page has an emergency strip in main");
          assert.deepEqual(s.links, STRIP, "the strip's tel: links");
          assert.ok(s.top < vp.height, `the strip starts above the fold (top ${Math.round(s.top)} px, viewport ${vp.height} px)`);
          const firstTask = await page.evaluate(() => document.querySelector(".tasks")?.getBoundingClientRect().top + scrollY);
          assert.ok(s.top < firstTask, "the strip comes before the list of tasks");
          await clean(log, "home");
        } finally {
          await close();
        }
      });

      test(`${l.code} ${vp.width} px: every safety page opens with the numbers, a jump to the emergency steps and its contents`, { timeout: 180_000 }, async () => {
        const { page, log, close } = await openPage(env.browser, vp);
        try {
          const pages = sectionPages("safety");
          assert.ok(pages.length >= 10, `safety pages found: ${pages.length}`);
          for (const p of pages) {
            const sitePath = l.prefix + p;
            await visit(page, env.site, sitePath);
            const s = await strip(page);
            assert.ok(s, `${sitePath}: an emergency strip in main`);
            assert.equal(s.count, 1, `${sitePath}: one emergency strip, not two`);
            assert.deepEqual(s.links, STRIP, `${sitePath}: the strip's tel: links`);
            assert.ok(s.top < vp.height, `${sitePath}: the strip starts above the fold (top ${Math.round(s.top)} px)`);
            const hasSteps = (await page.locator("main #emergency").count()) === 1;
            if (hasSteps) {
              const jump = page.locator('main a.jump-link[href="#emergency"]');
              assert.equal(await jump.count(), 1, `${sitePath}: a jump link to #emergency`);
              const box = await jump.boundingBox();
              assert.ok(box && box.y + box.height <= vp.height, `${sitePath}: the jump link is above the fold (bottom ${box && Math.round(box.y + box.height)} px)`);
              await jump.click();
              const top = await page.evaluate(() => document.getElementById("emergency").getBoundingClientRect().top);
              assert.ok(top >= -1 && top < vp.height / 2, `${sitePath}: after the jump the emergency steps are at the top of the screen (top ${Math.round(top)} px)`);
              await page.evaluate(() => scrollTo(0, 0));
            }
            const toc = page.locator("main nav.toc");
            assert.equal(await toc.count(), 1, `${sitePath}: an on-page contents list`);
            const tocBox = await toc.boundingBox();
            assert.ok(tocBox.y < vp.height, `${sitePath}: the contents list starts above the fold (top ${Math.round(tocBox.y)} px)`);
            const missing = await page.evaluate(() =>
              [...document.querySelectorAll("main nav.toc a")].map((a) => a.getAttribute("href")).filter((h) => !document.getElementById(h.slice(1))),
            );
            assert.deepEqual(missing, [], `${sitePath}: contents links that lead nowhere`);
          }
          await clean(log, "safety pages");
        } finally {
          await close();
        }
      });
    }
  }

  test("the drowning page has emergency steps to jump to, in both languages", { timeout: 30_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 390, height: 844 });
    try {
      for (const l of LANGS) {
        await visit(page, env.site, `${l.prefix}/safety/drowning/`);
        assert.equal(await page.locator('main a.jump-link[href="#emergency"]').count(), 1, `${l.code}: jump link`);
      }
    } finally {
      await close();
    }
  });

  test("every guidance page shows its contents above the fold at 390 px", { timeout: 120_000 }, async () => {
    const { page, log, close } = await openPage(env.browser, { width: 390, height: 844 });
    try {
      for (const l of LANGS) {
        for (const p of sectionPages("guidance")) {
          await visit(page, env.site, l.prefix + p);
          const n = await page.locator("main h2[id]").count();
          if (n < 2) continue; // a page with one heading has nothing to list
          const toc = page.locator("main nav.toc");
          assert.equal(await toc.count(), 1, `${l.prefix + p}: an on-page contents list`);
          assert.ok((await toc.boundingBox()).y < 844, `${l.prefix + p}: the contents list starts above the fold`);
        }
      }
      await clean(log, "guidance pages");
    } finally {
      await close();
    }
  });

  test("printed, the emergency numbers are plain black text", { timeout: 30_000 }, async () => {
    const { page, close } = await openPage(env.browser);
    try {
      for (const l of LANGS) {
        await visit(page, env.site, `${l.prefix}/safety/drowning/`);
        await page.emulateMedia({ media: "print" });
        const styles = await page.evaluate(() =>
          [...document.querySelectorAll(".emergency-strip a")].map((a) => {
            const c = getComputedStyle(a);
            return { color: c.color, line: c.textDecorationLine, border: c.borderTopWidth };
          }),
        );
        assert.equal(styles.length, STRIP.length);
        for (const s of styles) assert.deepEqual(s, { color: "rgb(0, 0, 0)", line: "none", border: "0px" }, `${l.code}: printed number style`);
        await page.emulateMedia({ media: "screen" });
      }
    } finally {
      await close();
    }
  });
});

describe("ages that filter", () => {
  for (const l of LANGS) {
    test(`${l.code}: a page's age tags lead to its own advice for that age`, { timeout: 30_000 }, async () => {
      const { page, log, close } = await openPage(env.browser, { width: 390, height: 844 });
      try {
        await visit(page, env.site, `${l.prefix}/safety/drowning/`);
        const tags = await page.evaluate(() => [...document.querySelectorAll("main .age-tags a")].map((a) => a.getAttribute("href")));
        assert.deepEqual(tags, ["#age-0-3", "#age-3-6", "#age-6-12", "#age-12-18"]);
        await page.locator('main .age-tags a[href="#age-3-6"]').click();
        const top = await page.evaluate(() => document.getElementById("age-3-6").getBoundingClientRect().top);
        assert.ok(top >= -1 && top < 200, `the 3–6 advice is at the top of the screen (top ${Math.round(top)} px)`);
        await clean(log, "age tags");
      } finally {
        await close();
      }
    });

    for (const vp of VIEWPORTS) {
      test(`${l.code} ${vp.width} px: the 3–6 age page quotes each topic's advice for that age`, { timeout: 60_000 }, async () => {
        const { page, log, close } = await openPage(env.browser, vp);
        try {
          const res = await visit(page, env.site, `${l.prefix}/age/3-6/`);
          assert.equal(res.status(), 200);
          const topics = await page.evaluate(() =>
            [...document.querySelectorAll("main .age-topic")].map((t) => ({
              href: t.querySelector("h3 a")?.getAttribute("href") || "",
              items: t.querySelectorAll(".age-advice li").length,
              text: t.querySelector(".age-advice")?.innerText || "",
            })),
          );
          const quoted = topics.filter((t) => t.items > 0);
          assert.ok(topics.length >= 20, `topics listed: ${topics.length}`);
          assert.ok(quoted.length >= 15, `topics with their 3–6 advice quoted as a list: ${quoted.length} of ${topics.length}`);
          for (const t of quoted) assert.match(t.href, /#age-3-6$/, `a quoted topic links to its own 3–6 section: ${t.href}`);
          // The drowning page's 3–6 advice, word for word, and none of its 0–3 advice.
          const drowning = topics.find((t) => /\/safety\/drowning\/#age-3-6$/.test(t.href));
          assert.ok(drowning, "the drowning page is on the 3–6 page");
          assert.match(drowning.text, l.code === "zh" ? /救生衣/ : /life jacket/i);
          assert.doesNotMatch(drowning.text, l.code === "zh" ? /洗澡/ : /\bbath/i, "the 0–3 advice is not quoted");
          const dupes = await page.evaluate(() => {
            const seen = new Map();
            for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
            return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
          });
          assert.deepEqual(dupes, [], "ids used twice");
          if (existsSync(path.join(env.site.dir, "ages"))) {
            const dev = await page.evaluate(() => [...document.querySelectorAll("main .age-dev a")].map((a) => new URL(a.href).pathname));
            assert.ok(dev.length >= 1 && dev.every((p) => /\/ages\/[^/]+\/$/.test(p)), `the age development pages are linked first: ${dev}`);
            assert.ok(dev.some((p) => p.endsWith("/ages/3-6/")), `the 3–6 development page is linked: ${dev}`);
          }
          await clean(log, "age page");
        } finally {
          await close();
        }
      });
    }
  }
});

describe("a phone-sized header", () => {
  const PAGES = ["/", "/safety/drowning/", "/guidance/", "/plan/health/", "/indicators/", "/search/", "/age/3-6/"];
  for (const l of LANGS) {
    test(`${l.code}: at 390×844 the header is at most 120 px tall and search is one tap away`, { timeout: 60_000 }, async () => {
      const { page, log, close } = await openPage(env.browser, { width: 390, height: 844 });
      try {
        for (const p of PAGES) {
          await visit(page, env.site, l.prefix + p);
          const h = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
          assert.ok(h <= 120, `${l.prefix + p}: header height ${h} px`);
          const search = page.locator(".site-header a.search-link");
          assert.equal(await search.count(), 1, `${l.prefix + p}: a search link in the header`);
          assert.match(new URL(await search.evaluate((a) => a.href)).pathname, new RegExp(`^${l.prefix}/search/$`));
          const box = await search.boundingBox();
          assert.ok(box.width >= 24 && box.height >= 24, `${l.prefix + p}: the search link is at least 24×24 px`);
          const navRows = await page.evaluate(() => new Set([...document.querySelectorAll(".main-nav a")].map((a) => Math.round(a.getBoundingClientRect().top))).size);
          assert.equal(navRows, 1, `${l.prefix + p}: the navigation is one row`);
        }
        await clean(log, "header");
      } finally {
        await close();
      }
    });

    test(`${l.code}: nothing scrolls sideways at 320 px`, { timeout: 60_000 }, async () => {
      const { page, close } = await openPage(env.browser, { width: 320, height: 700 });
      try {
        for (const p of PAGES) {
          await visit(page, env.site, l.prefix + p);
          const w = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(w <= 320, `${l.prefix + p}: page is ${w} px wide at 320 px`);
          const h = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
          assert.ok(h <= 130, `${l.prefix + p}: header height ${h} px at 320 px`);
        }
      } finally {
        await close();
      }
    });
  }
});

describe("tap targets and small things", () => {
  for (const l of LANGS) {
    test(`${l.code}: breadcrumb, footer, tag and contents links are at least 24×24 px at 390 px`, { timeout: 60_000 }, async () => {
      const { page, close } = await openPage(env.browser, { width: 390, height: 844 });
      try {
        for (const p of ["/safety/drowning/", "/guidance/nutrition/", "/age/3-6/"]) {
          await visit(page, env.site, l.prefix + p);
          const small = await page.evaluate(() =>
            [...document.querySelectorAll(".crumbs a, .site-footer a, .for-whom a, nav.toc a, .emergency-strip a")]
              .map((a) => ({ text: a.textContent.trim().slice(0, 30), r: a.getBoundingClientRect() }))
              .filter(({ r }) => r.width > 0 && (r.width < 24 || r.height < 24))
              .map(({ text, r }) => `${text} ${Math.round(r.width)}×${Math.round(r.height)}`),
          );
          assert.deepEqual(small, [], `${l.prefix + p}: links smaller than 24×24 px`);
        }
      } finally {
        await close();
      }
    });

    test(`${l.code}: plan contents lists do not number their items twice`, { timeout: 30_000 }, async () => {
      const { page, close } = await openPage(env.browser, { width: 1280, height: 900 });
      try {
        await visit(page, env.site, `${l.prefix}/plan/health/`);
        const numbered = await page.evaluate(() =>
          [...document.querySelectorAll("nav.toc li")]
            .filter((li) => getComputedStyle(li).listStyleType !== "none" || getComputedStyle(li.parentElement).listStyleType !== "none")
            .map((li) => li.firstElementChild.textContent)
            .filter((t) => /^\s*\d/.test(t)),
        );
        assert.deepEqual(numbered, [], "contents items that carry their own number and a list number");
      } finally {
        await close();
      }
    });
  }

  test("the Chinese 404 page is in Chinese only and has one search box", { timeout: 30_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 390, height: 844 });
    try {
      const res = await visit(page, env.site, "/no-such-page/");
      assert.equal(res.status(), 404);
      const text = await page.evaluate(() => {
        // The header and the page itself; the link to the English site is marked lang="en".
        return [document.querySelector(".site-header"), document.querySelector("main")]
          .map((part) => {
            const clone = part.cloneNode(true);
            for (const el of clone.querySelectorAll("[lang]:not([lang^=zh])")) el.remove();
            return clone.textContent;
          })
          .join("\n");
      });
      assert.doesNotMatch(text, /[A-Za-z]{3,}/, `Latin words on the Chinese 404 page: ${(text.match(/[A-Za-z]{3,}/g) || []).join(", ")}`);
      assert.equal(await page.locator("input[type=search]").count(), 1, "one search box");
      assert.match(await page.locator("main h1").textContent(), /找不到/);
    } finally {
      await close();
    }
  });

  test("English counts and durations use the singular for one", { timeout: 30_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 1280, height: 900 });
    try {
      await visit(page, env.site, "/en/indicators/");
      const text = await page.locator("main").innerText();
      assert.doesNotMatch(text, /\b1 targets\b/, "“1 targets”");
      assert.doesNotMatch(text, /\b1 hours\b/, "“1 hours”");
    } finally {
      await close();
    }
  });
});
