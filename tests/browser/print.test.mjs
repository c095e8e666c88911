// Schools print the safety pages for parents: each prints its card and then the page on at most
// four A4 sheets (tests/browser/card.test.mjs checks the card), shows its web
// address and a QR code, and leaves out the site's navigation. The schools page's printable index
// fits on one sheet. PDFs are saved to tests/browser/artifacts/print/.

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ARTIFACTS, LANGS, ensureDir, htmlPages, openPage, realConsoleErrors, slug, useSiteAndBrowser, visit } from "./helpers.mjs";

const OUT = path.join(ARTIFACTS, "print");

const env = useSiteAndBrowser();
const counts = {};

before(async () => {
  ensureDir(OUT);
});

after(async () => {
  writeFileSync(path.join(OUT, "page-counts.json"), JSON.stringify(counts, null, 2));
  console.log(`PDF page counts: ${JSON.stringify(counts)}`);
});

/** Page objects of a PDF: `/Type /Page` but not `/Type /Pages`. */
function pdfPageCount(buf) {
  const text = buf.toString("latin1");
  return (text.match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length;
}

async function printToPdf(page, sitePath) {
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  writeFileSync(path.join(OUT, `${slug(sitePath)}.pdf`), pdf);
  const n = pdfPageCount(pdf);
  counts[sitePath] = n;
  return n;
}

/** What a printed page shows: header and navigation hidden, QR code and address visible. */
async function printView(page) {
  return page.evaluate(() => {
    const shown = (el) => {
      if (!el) return false;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && cs.display !== "none" && r.width > 0 && r.height > 0;
    };
    const visibleMatches = (sel) => [...document.querySelectorAll(sel)].filter(shown).map((el) => el.outerHTML.slice(0, 120));
    // The page's address is printed at its end; the QR code is the card's on a safety page (the
    // end repeats only the address) and the end's own on other pages.
    const qr = document.querySelector(".qr-block");
    return {
      qrVisible: shown(qr),
      qrSvgVisible: [...document.querySelectorAll("svg.qr")].some(shown),
      qrText: qr ? qr.textContent.replace(/\s+/g, " ").trim() : "",
      visibleHeaders: visibleMatches("header, .site-header"),
      visibleNavs: visibleMatches("nav"),
      visibleSkip: visibleMatches(".skip"),
    };
  });
}

const safetyPages = (dir) =>
  htmlPages(dir)
    .map((p) => p.path)
    .filter((p) => /^(\/en)?\/safety\/[^/]+\/$/.test(p));

describe("safety pages in print", () => {
  // The list comes from the built site, so a new safety page is covered without editing this file.
  test("every safety page: ≤ 4 A4 pages (the noticeboard card, then the page), web address and QR code shown, navigation hidden", { timeout: 300_000 }, async (t) => {
    const pages = safetyPages(env.site.dir);
    assert.ok(pages.length >= 2, `safety pages found: ${pages.length}`);
    for (const l of LANGS) {
      assert.ok(pages.some((p) => (l.prefix ? p.startsWith(l.prefix + "/") : !p.startsWith("/en/"))), `no ${l.code} safety pages`);
    }
    const failures = [];
    for (const p of pages) {
      await t.test(p, async () => {
        const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
        try {
          const res = await visit(page, env.site, p);
          assert.equal(res.status(), 200);
          const n = await printToPdf(page, p);
          const view = await printView(page);
          const problems = [];
          if (n > 4) problems.push(`prints on ${n} A4 pages (at most 4: the card, then the page on 1–3)`);
          if (n < 1) problems.push(`the PDF has no pages`);
          if (!view.qrVisible) problems.push(".qr-block (the page's address) is not visible in print");
          if (!view.qrSvgVisible) problems.push("no QR code is visible in print");
          if (!view.qrText.includes(env.site.url(p))) problems.push(`the printed page does not show its address ${env.site.url(p)} (QR block text: ${JSON.stringify(view.qrText)})`);
          if (view.visibleHeaders.length) problems.push(`header visible in print: ${view.visibleHeaders.join(" | ")}`);
          if (view.visibleNavs.length) problems.push(`navigation visible in print: ${view.visibleNavs.join(" | ")}`);
          if (view.visibleSkip.length) problems.push(`skip link visible in print`);
          const consoleErrors = realConsoleErrors(log);
          if (consoleErrors.length) problems.push(`console errors: ${consoleErrors.join("; ")}`);
          if (log.pageErrors.length) problems.push(`page errors: ${log.pageErrors.join("; ")}`);
          if (log.foreign.length) problems.push(`requests to other hosts: ${log.foreign.join(", ")}`);
          if (problems.length) failures.push(`${p}: ${problems.join("; ")}`);
          assert.deepEqual(problems, [], p);
        } finally {
          await close();
        }
      });
    }
    assert.deepEqual(failures, []);
  });
});

describe("schools page in print", () => {
  for (const l of LANGS) {
    const p = `${l.prefix}/schools/`;
    test(`${p} prints its index on 1 A4 page`, { timeout: 60_000 }, async () => {
      const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
      try {
        const res = await visit(page, env.site, p);
        assert.equal(res.status(), 200);
        const n = await printToPdf(page, p);
        const view = await page.evaluate(() => {
          const idx = document.querySelector(".print-index");
          const qrs = idx ? [...idx.querySelectorAll("svg.qr")].filter((s) => s.getBoundingClientRect().width > 0).length : 0;
          const header = document.querySelector(".site-header");
          return { index: !!idx && getComputedStyle(idx).display !== "none", qrs, headerShown: !!header && getComputedStyle(header).display !== "none" };
        });
        assert.ok(view.index, "the printable index (.print-index) is shown in print");
        assert.ok(view.qrs > 0, "the printable index shows QR codes");
        assert.equal(view.headerShown, false, "the site header is hidden in print");
        assert.equal(n, 1, `${p} prints on ${n} A4 pages, expected 1`);
        assert.deepEqual(realConsoleErrors(log), [], "console errors");
        assert.deepEqual(log.pageErrors, [], "page errors");
        assert.deepEqual(log.foreign, [], "requests to other hosts");
      } finally {
        await close();
      }
    });
  }
});
