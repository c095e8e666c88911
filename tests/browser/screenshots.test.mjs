// Full-page screenshots of key pages in both languages at phone and desktop width, and the first
// printed sheet of a safety page, saved to tests/browser/artifacts/screenshots/<set>/ for people
// to look at (SCREENSHOT_SET, default "after"; take a "before" set from another build with
// SITE_DIR). At 390 px nothing scrolls sideways.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";
import { ARTIFACTS, LANGS, ensureDir, openPage, realConsoleErrors, slug, useSiteAndBrowser, visit } from "./helpers.mjs";

const PAGES = ["/", "/plan/health/", "/safety/drowning/", "/age/3-6/", "/indicators/", "/indicators/neonatal-mortality/"];
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
];
const OUT = path.join(ARTIFACTS, "screenshots", process.env.SCREENSHOT_SET || "after");

const env = useSiteAndBrowser();

before(async () => {
  ensureDir(OUT);
});

for (const l of LANGS) {
  for (const p of PAGES) {
    for (const vp of WIDTHS) {
      const sitePath = l.prefix + p;
      test(`${sitePath} at ${vp.width} px`, { timeout: 60_000 }, async () => {
        const { page, log, close } = await openPage(env.browser, vp);
        try {
          const res = await visit(page, env.site, sitePath);
          assert.equal(res.status(), 200);
          const file = path.join(OUT, `${l.code}-${slug(p)}-${vp.width}.png`);
          await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
          assert.ok(statSync(file).size > 0, `${file} is empty`);
          if (vp.width === 390) {
            const widths = await page.evaluate(() => {
              const wide = [];
              for (const el of document.body.querySelectorAll("*")) {
                const r = el.getBoundingClientRect();
                if (r.right > document.documentElement.clientWidth + 1 && r.width > 0) {
                  wide.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : ""} right=${Math.round(r.right)}`);
                }
              }
              return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10) };
            });
            assert.ok(
              widths.scrollWidth <= 390,
              `${sitePath} scrolls sideways at 390 px: scrollWidth ${widths.scrollWidth}; elements past the right edge: ${widths.wide.join(", ")}`,
            );
          }
          assert.deepEqual(realConsoleErrors(log), [], "console errors");
          assert.deepEqual(log.pageErrors, [], "page errors");
          assert.deepEqual(log.foreign, [], "requests to other hosts");
        } finally {
          await close();
        }
      });
    }
  }
}

for (const l of LANGS) {
  const sitePath = `${l.prefix}/safety/drowning/`;
  test(`${sitePath} printed: the first A4 sheet`, { timeout: 60_000 }, async () => {
    const { page, close } = await openPage(env.browser, { width: 1280, height: 900 });
    try {
      await visit(page, env.site, sitePath);
      await page.emulateMedia({ media: "print" });
      const pdf = path.join(OUT, `${l.code}-print-drowning.pdf`);
      writeFileSync(pdf, await page.pdf({ format: "A4", printBackground: false, preferCSSPageSize: true }));
      execFileSync("pdftoppm", ["-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, pdf.replace(/\.pdf$/, "")]);
      assert.ok(statSync(pdf.replace(/\.pdf$/, ".png")).size > 0);
    } finally {
      await close();
    }
  });
}
