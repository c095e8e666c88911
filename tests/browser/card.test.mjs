// A safety page printed for a noticeboard: the first A4 sheet is a card (title, key messages,
// emergency numbers, a QR code at least 30 mm wide that decodes to the page's address, body text
// at least 14 pt), then the full page follows; no sheet is mostly empty (each is at least half
// filled). The "print all safety cards" page prints one card per sheet. Chromium prints to PDF; poppler's pdftoppm renders the
// sheets and jsQR reads the code. PDFs and sheet images go to tests/browser/artifacts/cards/.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { ARTIFACTS, LANGS, ensureDir, htmlPages, openPage, realConsoleErrors, slug, useSiteAndBrowser, visit } from "./helpers.mjs";

const OUT = path.join(ARTIFACTS, "cards");
const DPI = 150;
const MM = DPI / 25.4; // pixels per millimetre in the rendered sheets
const env = useSiteAndBrowser();
const report = {};

before(() => ensureDir(OUT));
after(() => {
  writeFileSync(path.join(OUT, "report.json"), JSON.stringify(report, null, 2));
  console.log(`printed safety pages (sheets, last sheet filled): ${JSON.stringify(report)}`);
});

async function printPdf(page, sitePath) {
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({ format: "A4", printBackground: false, preferCSSPageSize: true });
  const file = path.join(OUT, `${slug(sitePath)}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

/** Every sheet of a PDF as a decoded PNG ({ width, height, data }): the first at DPI, to read its
 * QR code, the others at 40 dpi, enough to see how full they are. */
function sheets(pdfFile) {
  const prefix = pdfFile.replace(/\.pdf$/, "");
  execFileSync("pdftoppm", ["-r", String(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", pdfFile, `${prefix}-first`]);
  execFileSync("pdftoppm", ["-r", "40", "-png", pdfFile, `${prefix}-low`]);
  const files = readdirSync(path.dirname(pdfFile))
    .filter((f) => f.startsWith(`${path.basename(prefix)}-low-`) && f.endsWith(".png"))
    .sort((a, b) => Number(a.match(/-(\d+)\.png$/)[1]) - Number(b.match(/-(\d+)\.png$/)[1]));
  const out = files.map((f) => PNG.sync.read(readFileSync(path.join(path.dirname(pdfFile), f))));
  for (const f of files) rmSync(path.join(path.dirname(pdfFile), f));
  out[0] = PNG.sync.read(readFileSync(`${prefix}-first.png`));
  return out;
}

/** The lowest row with ink, as a share of the sheet's height (0 for a blank sheet). */
function filled(png) {
  const { width, height, data } = png;
  for (let y = height - 1; y >= 0; y--) {
    for (let x = 0; x < width; x += 2) {
      const i = (y * width + x) * 4;
      if (data[i] < 160 || data[i + 1] < 160 || data[i + 2] < 160) return y / height;
    }
  }
  return 0;
}

const safetyPages = () =>
  htmlPages(env.site.dir)
    .map((p) => p.path)
    .filter((p) => /^(\/en)?\/safety\/[^/]+\/$/.test(p));

describe("a safety page prints a noticeboard card first", () => {
  test("every safety page: a one-sheet card, a decodable QR code, then the full page, no mostly empty sheet", { timeout: 600_000 }, async (t) => {
    const pages = safetyPages();
    assert.ok(pages.length >= 20, `safety pages in both languages: ${pages.length}`);
    // CARD_PAGES=/en/safety/drowning/,... checks only those while working on the print style.
    const only = process.env.CARD_PAGES ? process.env.CARD_PAGES.split(",") : pages;
    for (const p of pages.filter((x) => only.includes(x))) {
      await t.test(p, async () => {
        const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
        try {
          await visit(page, env.site, p);
          const title = (await page.locator("main h1").textContent()).trim();
          await page.emulateMedia({ media: "print" });
          const card = await page.evaluate(() => {
            const c = document.querySelector(".print-card");
            if (!c || getComputedStyle(c).display === "none") return null;
            const px = (el) => parseFloat(getComputedStyle(el).fontSize);
            const texts = [...c.querySelectorAll("li, p")].filter((el) => el.textContent.trim());
            const qr = c.querySelector("svg.qr").getBoundingClientRect();
            return {
              title: c.querySelector(".card-title").textContent.trim(),
              messages: c.querySelectorAll(".card-messages li").length,
              numbers: [...c.querySelectorAll(".card-numbers strong")].map((s) => s.textContent.trim()),
              minFontPt: Math.min(...texts.map(px)) * 0.75,
              qrMm: (qr.width * 25.4) / 96,
            };
          });
          assert.ok(card, `${p}: the card is shown in print`);
          assert.equal(card.title, title, `${p}: the card's title`);
          assert.ok(card.messages >= 3, `${p}: the card lists the key messages (${card.messages})`);
          assert.deepEqual(card.numbers, ["120", "110", "119", "12345", "12356"], `${p}: the card's emergency numbers`);
          assert.ok(card.minFontPt >= 14, `${p}: the card's smallest text is ${card.minFontPt.toFixed(1)} pt (at least 14)`);
          assert.ok(card.qrMm >= 30, `${p}: the QR code is ${card.qrMm.toFixed(1)} mm wide (at least 30)`);

          const pdf = await printPdf(page, p);
          const s = sheets(pdf);
          const fill = s.map(filled);
          report[p] = { sheets: s.length, fill: fill.map((f) => Math.round(f * 100)) };
          assert.ok(s.length >= 2 && s.length <= 4, `${p}: ${s.length} sheets (the card, then the page on 1–3 sheets)`);
          const code = jsQR(new Uint8ClampedArray(s[0].data), s[0].width, s[0].height);
          assert.ok(code, `${p}: a QR code is found on the first sheet`);
          assert.equal(code.data, env.site.url(p), `${p}: the card's QR code opens the page`);
          const side = Math.hypot(code.location.topRightCorner.x - code.location.topLeftCorner.x, code.location.topRightCorner.y - code.location.topLeftCorner.y);
          assert.ok(side / MM >= 25, `${p}: the printed code's finder patterns span ${(side / MM).toFixed(1)} mm`);
          // No sheet is mostly empty: the card and every sheet of the page are at least half
          // filled (ink down to half the sheet's height). A page that fails sets print_size.
          for (let i = 0; i < fill.length; i++) {
            const fix = i === fill.length - 1 ? `; set print_size = "smaller" (to end a sheet sooner) or "larger" in the page's [extra]` : "";
            assert.ok(fill[i] >= 0.5, `${p}: sheet ${i + 1} of ${fill.length} is mostly empty (ink down to ${Math.round(fill[i] * 100)} % of its height)${fix}`);
          }
          assert.deepEqual(realConsoleErrors(log), [], "console errors");
          assert.deepEqual(log.foreign, [], "requests to other hosts");
        } finally {
          await close();
        }
      });
    }
  });

  for (const l of LANGS) {
    test(`${l.code}: the print-all-cards page prints one card per sheet`, { timeout: 120_000 }, async () => {
      const { page, log, close } = await openPage(env.browser, { width: 1280, height: 900 });
      try {
        const p = `${l.prefix}/schools-cards/`;
        const res = await visit(page, env.site, p);
        assert.equal(res.status(), 200);
        const n = await page.locator("main .card-list .print-card").count();
        const safety = safetyPages().filter((x) => (l.prefix ? x.startsWith("/en/") : !x.startsWith("/en/"))).length;
        assert.equal(n, safety, "one card per safety page");
        const pdf = await printPdf(page, p);
        const s = sheets(pdf);
        assert.equal(s.length, n, `${p}: ${s.length} sheets for ${n} cards`);
        const code = jsQR(new Uint8ClampedArray(s[0].data), s[0].width, s[0].height);
        assert.ok(code && /\/safety\/[^/]+\/$/.test(new URL(code.data).pathname), `${p}: the first card's QR code opens a safety page (${code && code.data})`);
        const link = page.locator(`a[href$="${p}"]`);
        await visit(page, env.site, `${l.prefix}/schools/`);
        assert.ok((await link.count()) >= 1, "the schools page links to the cards page");
        assert.deepEqual(realConsoleErrors(log), [], "console errors");
      } finally {
        await close();
      }
    });
  }
});
