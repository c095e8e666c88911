// With JavaScript off every page type still shows its content, the search page offers the A–Z
// list of topics instead, and nothing is logged as an error.

import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, pageMatrix, realConsoleErrors, useSiteAndBrowser, visit } from "./helpers.mjs";

const env = useSiteAndBrowser();

for (const p of pageMatrix()) {
  test(`no JavaScript: ${p.lang} ${p.type} ${p.path}`, { timeout: 30_000 }, async () => {
    const { page, log, close } = await openPage(env.browser, { width: 390, height: 844, javaScriptEnabled: false });
    try {
      const res = await visit(page, env.site, p.path);
      assert.equal(res.status(), p.status, `HTTP status of ${p.path}`);
      const h1 = page.locator("main h1").first();
      assert.ok(await h1.isVisible(), `${p.path}: the main heading (main h1) is visible without JavaScript`);
      assert.ok((await h1.textContent()).trim().length > 0, `${p.path}: the main heading is not empty`);
      const mainText = (await page.locator("main").innerText()).trim();
      assert.ok(mainText.length > 20, `${p.path}: main shows content without JavaScript`);

      if (p.type === "search page") {
        const topics = p.lang === "en" ? "/en/topics/" : "/topics/";
        const link = page.locator(`main a[href$="${topics}"], main a[href$="${topics}index.html"]`).first();
        assert.ok(await link.isVisible(), `${p.path}: without JavaScript the search page shows a link to the A–Z topics page ${topics}`);
      }

      assert.deepEqual(realConsoleErrors(log, p.status), [], `${p.path}: console errors`);
      assert.deepEqual(log.pageErrors, [], `${p.path}: page errors`);
      assert.deepEqual(log.foreign, [], `${p.path}: requests to other hosts`);
    } finally {
      await close();
    }
  });
}
