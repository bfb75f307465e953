import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Bundle budget (issue 6): the minified Worker, gzipped the way `wrangler deploy` reports it, must stay within
// package.json "bundleBudget".gzipBytes, and that budget may never exceed 100 KiB. `npm run size` prints the
// same measurement with the biggest inputs.

interface SizeReport {
  rawBytes: number;
  gzipBytes: number;
  budgetGzipBytes?: number;
  maxBudgetGzipBytes: number;
  withinBudget: boolean;
  wrangler: { rawKiB: number; gzipKiB: number } | null;
  packages: { name: string; bytes: number }[];
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  bundleBudget?: { gzipBytes?: unknown };
};

describe("bundle size", () => {
  it("the budget in package.json is set and never above 100 KiB gzip", () => {
    const budget = pkg.bundleBudget?.gzipBytes;
    expect(typeof budget).toBe("number");
    expect(budget as number).toBeGreaterThan(0);
    expect(budget as number).toBeLessThanOrEqual(100 * 1024);
  });

  it("the minified, gzipped Worker stays within the budget", () => {
    // The script exits 1 when over budget; read its report either way so the failure names the sizes.
    let out: string;
    try {
      out = execFileSync(process.execPath, ["scripts/size.mjs", "--json"], { cwd: root, encoding: "utf8" });
    } catch (err) {
      out = String((err as { stdout?: unknown }).stdout ?? "");
      if (!out.trim()) throw err;
    }
    const report = JSON.parse(out) as SizeReport;
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
  }, 30_000);
});
