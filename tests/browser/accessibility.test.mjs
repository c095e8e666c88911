// Every page type in both languages at phone and desktop width: axe-core (WCAG 2.0/2.1 A and AA)
// finds nothing, no console or page errors, no request to another host, the right <html lang>,
// and a language switcher whose links say which language they lead to.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ARTIFACTS, VIEWPORTS, ensureDir, openPage, pageMatrix, realConsoleErrors, useSiteAndBrowser, visit } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const env = useSiteAndBrowser();
const report = [];

after(async () => {
  ensureDir(ARTIFACTS);
  writeFileSync(path.join(ARTIFACTS, "axe-report.json"), JSON.stringify(report, null, 2));
});

function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      target: ${JSON.stringify(n.target)}\n      html:   ${n.html}\n      ${(n.failureSummary || "").replace(/\n/g, " ")}`)
        .join("\n");
      return `  [${v.impact}] ${v.id}: ${v.help}\n${nodes}`;
    })
    .join("\n");
}

for (const vp of VIEWPORTS) {
  describe(`${vp.width}×${vp.height}`, () => {
    for (const p of pageMatrix()) {
      test(`${p.lang} ${p.type} ${p.path}`, { timeout: 60_000 }, async () => {
        const { page, log, close } = await openPage(env.browser, vp);
        try {
          const res = await visit(page, env.site, p.path);
          assert.equal(res.status(), p.status, `HTTP status of ${p.path}`);

          // axe-core goes in through the DevTools protocol: the page's CSP forbids inline scripts
          // and this does not weaken it.
          await page.evaluate(AXE_SOURCE);
          const result = await page.evaluate(
            (tags) =>
              window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
            TAGS,
          );
          const violations = result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
          }));
          report.push({ viewport: `${vp.width}x${vp.height}`, lang: p.lang, type: p.type, path: p.path, violations });

          const htmlLang = await page.evaluate(() => document.documentElement.getAttribute("lang"));
          const switcher = await page.$$eval("nav.lang a", (as) =>
            as.map((a) => ({ text: a.textContent.trim(), lang: a.getAttribute("lang"), href: a.getAttribute("href") })),
          );

          const problems = [];
          if (violations.length) {
            problems.push(`${violations.length} axe violation(s) on ${p.path}:\n${describeViolations(violations)}`);
          }
          const consoleErrors = realConsoleErrors(log, p.status);
          if (consoleErrors.length) problems.push(`console errors on ${p.path}:\n  ${consoleErrors.join("\n  ")}`);
          if (log.pageErrors.length) problems.push(`page errors on ${p.path}:\n  ${log.pageErrors.join("\n  ")}`);
          if (log.foreign.length) problems.push(`requests to other hosts from ${p.path}:\n  ${log.foreign.join("\n  ")}`);
          if (htmlLang !== p.tag) problems.push(`<html lang> is ${JSON.stringify(htmlLang)} on ${p.path}, expected "${p.tag}"`);
          if (!switcher.length) problems.push(`no language switcher link (nav.lang a) on ${p.path}`);
          for (const a of switcher) {
            if (!a.lang) problems.push(`language switcher link ${JSON.stringify(a.text)} (${a.href}) on ${p.path} has no lang attribute`);
          }
          assert.ok(problems.length === 0, problems.join("\n"));
        } finally {
          await close();
        }
      });
    }
  });
}
