import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measure } from "../../scripts/size.mjs";

// Bundle budget (issue 6): the minified Worker, gzipped the way `wrangler deploy` reports it, must stay within
// package.json "bundleBudget".gzipBytes, and that budget may never exceed 100 KiB. `npm run size` prints the
// same measurement with the biggest inputs. The same build (`wrangler deploy --dry-run --minify --outdir`) is
// checked for test-only code.

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  bundleBudget?: { gzipBytes?: unknown };
};

let report: ReturnType<typeof measure>;
beforeAll(() => {
  report = measure({ keep: true });
}, 60_000);
afterAll(() => {
  if (report?.outdir) rmSync(report.outdir, { recursive: true, force: true });
});

describe("bundle size", () => {
  it("the budget in package.json is set and never above 100 KiB gzip", () => {
    const budget = pkg.bundleBudget?.gzipBytes;
    expect(typeof budget).toBe("number");
    expect(budget as number).toBeGreaterThan(0);
    expect(budget as number).toBeLessThanOrEqual(100 * 1024);
  });

  it("the minified, gzipped Worker stays within the budget", () => {
    expect(report.rawBytes).toBeGreaterThan(10_000);
    // Our gzip figure is wrangler's own (same concatenation, same zlib level), to the 0.01 KiB it prints.
    if (report.wrangler) expect(Math.abs(report.gzipBytes / 1024 - report.wrangler.gzipKiB)).toBeLessThan(0.01);
    const budget = report.budgetGzipBytes ?? 0;
    expect(
      report.gzipBytes,
      `bundle is ${report.gzipBytes} B gzip (${(report.gzipBytes / 1024).toFixed(2)} KiB), budget ${budget} B; ` +
        `largest: ${report.packages
          .slice(0, 4)
          .map((p) => `${p.name} ${(p.bytes / 1024).toFixed(1)} KiB`)
          .join(", ")} — run \`npm run size\``,
    ).toBeLessThanOrEqual(budget);
  });
});

describe("the deployed bundle", () => {
  it("holds no test-only code: no W3C conformance route (it lives in test/conformance/)", () => {
    const outdir = report.outdir ?? "";
    const files = readdirSync(outdir);
    expect(files).toContain("index.js");
    // The modules and the metafile (which names every input file); not the source maps, whose copies of the sources
    // may mention the word in a comment.
    for (const file of files.filter((f) => !f.endsWith(".map"))) {
      expect(readFileSync(join(outdir, file), "utf8"), file).not.toMatch(/conformance/i);
    }
  });
});
