#!/usr/bin/env node
// Bundle size: builds the Worker exactly as `wrangler deploy` would (minified, dry run) and prints the raw and gzip
// sizes of the upload, the budget from package.json ("bundleBudget".gzipBytes) and the biggest inputs (esbuild
// metafile). Exits 1 when the gzip size is over the budget.
//
//   node scripts/size.mjs            human-readable report
//   node scripts/size.mjs --json     one JSON object on stdout (test/e2e/bundle-size.test.ts calls measure())
//   node scripts/size.mjs --top 25   show 25 inputs instead of 15
//
// The gzip figure is computed the way wrangler computes its "Total Upload … gzip:" line: the modules concatenated
// (additional modules first, then the entry) and gzipped at zlib's default level.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const KIB = 1024;
/** The issue's hard ceiling: the budget may never be raised above this. */
export const MAX_BUDGET_GZIP_BYTES = 100 * KIB;

/**
 * Builds the Worker with `wrangler deploy --dry-run --minify --outdir <tmp> --metafile` and measures it.
 * @param {{ keep?: boolean }} [opts] keep the output directory (its path is returned as `outdir`)
 */
export function measure(opts = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "tracegate-size-"));
  const metafile = join(outdir, "meta.json");
  const wrangler = createRequire(join(root, "package.json")).resolve("wrangler/bin/wrangler.js");
  const run = spawnSync(
    process.execPath,
    [wrangler, "deploy", "--dry-run", "--minify", "--outdir", outdir, "--metafile", metafile],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  if (run.status !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`wrangler deploy --dry-run failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const wranglerLine = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(run.stdout);

  // The upload: every module wrangler wrote, except source maps, the metafile and its README.
  const files = readdirSync(outdir)
    .filter((f) => !f.endsWith(".map") && f !== "meta.json" && f !== "README.md" && statSync(join(outdir, f)).isFile())
    .sort();
  const entry = files.includes("index.js") ? "index.js" : files.find((f) => f.endsWith(".js"));
  if (!entry) throw new Error(`no entry module in ${outdir}: ${files.join(", ")}`);
  const ordered = [...files.filter((f) => f !== entry), entry];
  const contents = ordered.map((f) => readFileSync(join(outdir, f)));
  const all = Buffer.concat(contents);
  const modules = ordered.map((name, i) => {
    const content = /** @type {Buffer} */ (contents[i]);
    return { name, rawBytes: content.byteLength, gzipBytes: gzipSync(content).byteLength };
  });

  const inputs = topInputs(metafile);
  const budget = readBudget();
  const result = {
    rawBytes: all.byteLength,
    gzipBytes: gzipSync(all).byteLength,
    budgetGzipBytes: budget,
    maxBudgetGzipBytes: MAX_BUDGET_GZIP_BYTES,
    withinBudget: budget !== undefined && gzipSync(all).byteLength <= budget,
    wrangler: wranglerLine ? { rawKiB: Number(wranglerLine[1]), gzipKiB: Number(wranglerLine[2]) } : null,
    modules,
    inputs: inputs.files,
    packages: inputs.packages,
    outdir: opts.keep ? outdir : null,
  };
  if (!opts.keep) rmSync(outdir, { recursive: true, force: true });
  return result;
}

/** The budget in package.json: "bundleBudget": { "gzipBytes": N }. */
export function readBudget() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const n = pkg?.bundleBudget?.gzipBytes;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** Bytes each input contributes to the minified entry module, by file and by npm package. */
function topInputs(metafile) {
  /** @type {{ outputs: Record<string, { inputs?: Record<string, { bytesInOutput: number }> }> }} */
  let meta;
  try {
    meta = JSON.parse(readFileSync(metafile, "utf8"));
  } catch {
    return { files: [], packages: [] };
  }
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith(".js"));
  if (!output) return { files: [], packages: [] };
  const files = Object.entries(output[1].inputs ?? {})
    .map(([path, v]) => ({ path: relative(root, resolve(root, path)), bytes: v.bytesInOutput }))
    .filter((f) => f.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  /** @type {Map<string, number>} */
  const byPackage = new Map();
  for (const f of files) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.path);
    const key = m ? m[1] : f.path.startsWith("src/") ? "src/ (tracegate)" : "other";
    byPackage.set(key, (byPackage.get(key) ?? 0) + f.bytes);
  }
  const packages = [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { files, packages };
}

const kib = (n) => `${(n / KIB).toFixed(2)} KiB`;

function report(r, top) {
  const lines = [];
  lines.push(`tracegate bundle (wrangler deploy --dry-run --minify)`);
  lines.push(`  raw:    ${kib(r.rawBytes)} (${r.rawBytes} B)`);
  lines.push(`  gzip:   ${kib(r.gzipBytes)} (${r.gzipBytes} B)`);
  if (r.wrangler) lines.push(`  wrangler reports: ${r.wrangler.rawKiB} KiB / gzip: ${r.wrangler.gzipKiB} KiB`);
  if (r.budgetGzipBytes === undefined) lines.push(`  budget: none set (package.json "bundleBudget": { "gzipBytes": N })`);
  else {
    const pct = ((r.gzipBytes / r.budgetGzipBytes) * 100).toFixed(1);
    lines.push(
      `  budget: ${kib(r.budgetGzipBytes)} gzip (${r.budgetGzipBytes} B) — ${pct}% used, ${r.withinBudget ? "OK" : "OVER BUDGET"}`,
    );
  }
  lines.push(`  modules: ${r.modules.map((m) => `${m.name} ${kib(m.rawBytes)} (gzip ${kib(m.gzipBytes)})`).join(", ")}`);
  if (r.packages.length) {
    lines.push(``, `bytes in the minified entry by package:`);
    for (const p of r.packages.slice(0, 10)) lines.push(`  ${kib(p.bytes).padStart(11)}  ${p.name}`);
  }
  if (r.inputs.length) {
    lines.push(``, `biggest inputs (minified bytes in output):`);
    for (const f of r.inputs.slice(0, top)) lines.push(`  ${kib(f.bytes).padStart(11)}  ${f.path}`);
  }
  return lines.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args[topAt + 1]) || 15 : 15;
  const r = measure();
  if (args.includes("--json")) process.stdout.write(`${JSON.stringify(r)}\n`);
  else console.log(report(r, top));
  if (r.budgetGzipBytes !== undefined && !r.withinBudget) process.exitCode = 1;
}
