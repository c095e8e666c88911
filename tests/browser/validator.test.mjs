// The Nu HTML Checker (vnu.jar) finds no errors in any page of the built site.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { ARTIFACTS, ensureDir, htmlPages, startSite } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const VNU = path.join(path.dirname(require.resolve("vnu-jar/package.json")), "build", "dist", "vnu.jar");

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

test("Nu HTML Checker: 0 errors in every HTML page", { timeout: 300_000 }, () => {
  const pages = htmlPages(site.dir);
  assert.ok(pages.length > 50, `only ${pages.length} HTML pages in the build`);
  const run = spawnSync("java", ["-jar", VNU, "--errors-only", "--format", "json", "--skip-non-html", site.dir], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 280_000,
  });
  if (run.error) throw run.error;
  // vnu writes its JSON report to stderr.
  const raw = (run.stderr || "").trim() || (run.stdout || "").trim();
  let report;
  try {
    report = JSON.parse(raw);
  } catch {
    throw new Error(`vnu did not produce a JSON report (exit ${run.status}):\n${raw.slice(0, 2000)}`);
  }
  const errors = (report.messages || []).filter((m) => m.type !== "info");
  const where = (m) => {
    let file = m.url || "";
    if (file.startsWith("file:")) file = fileURLToPath(file);
    return path.relative(site.dir, file) || file;
  };
  const lines = errors.map(
    (m) => `${where(m)}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.type}${m.subType ? `/${m.subType}` : ""}: ${m.message}${m.extract ? `\n    ${JSON.stringify(m.extract)}` : ""}`,
  );
  ensureDir(ARTIFACTS);
  writeFileSync(path.join(ARTIFACTS, "vnu-report.json"), JSON.stringify(report, null, 2));
  if (lines.length) console.log(`Nu HTML Checker: ${lines.length} error(s) in ${new Set(errors.map(where)).size} file(s) of ${pages.length}:\n${lines.join("\n")}`);
  else console.log(`Nu HTML Checker: 0 errors in ${pages.length} HTML files`);
  assert.equal(errors.length, 0, `${errors.length} HTML error(s):\n${lines.join("\n")}`);
  assert.equal(run.status, 0, `vnu exited with ${run.status}`);
});
