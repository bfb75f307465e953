import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// One runtime (issue 10): the `worker` unit tests run on the same workerd release as `wrangler dev` (`npm start`,
// these e2e tests, the size check and deploy), and package.json "engines" says which Node versions the toolchain
// supports. Drift — a test pool that brings its own wrangler/miniflare/workerd, or a dependency that needs a newer
// Node than we declare — fails `npm test`.

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Pkg {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  engines?: { node?: string };
}

function readPkg(path: string): Pkg {
  return JSON.parse(readFileSync(path, "utf8")) as Pkg;
}

/**
 * Finds `name`'s package.json the way Node resolves `name` from the package at `fromPkgJson` (its own nested
 * node_modules first, then upwards), without going through "exports", which may not list ./package.json.
 */
function resolvePkg(fromPkgJson: string, name: string): { path: string; pkg: Pkg } {
  for (const dir of createRequire(fromPkgJson).resolve.paths(name) ?? []) {
    const path = join(dir, name, "package.json");
    if (existsSync(path)) return { path: realpathSync(path), pkg: readPkg(path) };
  }
  throw new Error(`${name} is not installed where ${fromPkgJson} can load it`);
}

/** The miniflare and workerd a package runs: its miniflare, that miniflare's workerd, and the binary's `--version`. */
function runtimeOf(fromPkgJson: string) {
  const miniflare = resolvePkg(fromPkgJson, "miniflare");
  const workerd = resolvePkg(miniflare.path, "workerd");
  // workerd's main module exports the path of the platform binary; miniflare spawns exactly that file.
  const workerdMain = createRequire(miniflare.path)("workerd") as { default?: string } | string;
  const binary = typeof workerdMain === "string" ? workerdMain : workerdMain.default;
  if (!binary) throw new Error(`workerd (from ${miniflare.path}) exports no binary path`);
  const binaryVersion = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  return { miniflare: miniflare.pkg.version, workerd: workerd.pkg.version, binary, binaryVersion };
}

const POOL = "@cloudflare/vitest-pool-workers";
const wrangler = resolvePkg(join(root, "package.json"), "wrangler");
const pool = resolvePkg(join(root, "package.json"), POOL);

describe("one workerd for unit tests and wrangler dev", () => {
  it("the vitest pool depends on the very wrangler and miniflare versions the project runs", () => {
    expect(pool.pkg.dependencies?.wrangler, `${POOL}@${pool.pkg.version} pins wrangler`).toBe(wrangler.pkg.version);
    expect(pool.pkg.dependencies?.miniflare, `${POOL}@${pool.pkg.version} pins miniflare`).toBe(
      wrangler.pkg.dependencies?.miniflare,
    );
    // The pool's own wrangler (used to read wrangler.toml) is the project's, not a nested copy.
    expect(resolvePkg(pool.path, "wrangler").path).toBe(wrangler.path);
  });

  it("the pool's miniflare starts the same workerd binary, of the release wrangler declares", () => {
    const forWrangler = runtimeOf(wrangler.path);
    const forTests = runtimeOf(pool.path);
    expect(forWrangler.workerd).toBe(wrangler.pkg.dependencies?.workerd);
    expect(forWrangler.miniflare).toBe(wrangler.pkg.dependencies?.miniflare);
    expect(forTests).toEqual(forWrangler);
    expect(forTests.binaryVersion).toMatch(/^workerd \d{4}-\d{2}-\d{2}$/);
  });

  it("package-lock.json holds one version each of wrangler, miniflare and workerd (binaries included)", () => {
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const versions = new Map<string, Set<string>>();
    for (const [key, entry] of Object.entries(lock.packages)) {
      const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
      if (!key || !entry.version) continue;
      if (!/^(wrangler|miniflare|workerd|@cloudflare\/workerd-[a-z0-9-]+)$/.test(name)) continue;
      const family = name.startsWith("@cloudflare/workerd-") ? "workerd" : name;
      (versions.get(family) ?? versions.set(family, new Set()).get(family)!).add(entry.version);
    }
    expect(Object.fromEntries([...versions].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      wrangler: [wrangler.pkg.version],
      miniflare: [wrangler.pkg.dependencies?.miniflare],
      workerd: [wrangler.pkg.dependencies?.workerd],
    });
  });
});

// --- engines -------------------------------------------------------------------------------------------------------

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`cannot read version "${text}"`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `version` satisfies an npm `engines.node` range. Knows the forms our dependencies use (`>=`, `>`, `<`,
 * `<=`, `^`, `~`, exact, `x`/`*`, AND by spaces, OR by `||`) and throws on anything else rather than guess.
 */
function satisfies(version: Version, range: string): boolean {
  return range.split("||").some((alternative) => {
    const parts = alternative.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, "$1").split(/\s+/).filter(Boolean);
    if (parts.length === 0) return true;
    return parts.every((part) => {
      if (part === "*" || part === "x") return true;
      const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+(?:\.\d+)?(?:\.\d+)?)(?:\.[x*])*$/.exec(part);
      if (!m) throw new Error(`unsupported engines range "${range}"`);
      const op = m[1] ?? "=";
      const given = m[2]!.split(".").length;
      const v = parseVersion(m[2]!);
      const c = compare(version, v);
      switch (op) {
        case ">=":
          return c >= 0;
        case ">":
          return c > 0;
        case "<=":
          return c <= 0;
        case "<":
          return c < 0;
        case "^":
          return c >= 0 && (v[0] > 0 ? version[0] === v[0] : version[0] === 0 && version[1] === v[1]);
        case "~":
          return c >= 0 && version[0] === v[0] && (given < 2 || version[1] === v[1]);
        default: // exact, or a partial version like "20" / "20.3" meaning that line
          return version[0] === v[0] && (given < 2 || version[1] === v[1]) && (given < 3 || version[2] === v[2]);
      }
    });
  });
}

/** The lowest version of each alternative of a range we declare (`>=A.B.C`, `^A.B.C`; `>=20` is 20.0.0). */
function lowerBounds(range: string): Version[] {
  return range.split("||").map((alternative) => {
    const m = /^\s*(?:>=|\^)(\d+(?:\.\d+){0,2})\s*$/.exec(alternative);
    if (!m) throw new Error(`declare engines.node as ">=A.B.C" / "^A.B.C" alternatives joined by "||", not "${range}"`);
    return parseVersion(m[1]!);
  });
}

describe("package.json engines", () => {
  const declared = readPkg(join(root, "package.json")).engines?.node ?? "";

  it("the range reader agrees with npm on the forms our dependencies use", () => {
    expect(satisfies([20, 19, 0], "^20.19.0 || >=22.12.0")).toBe(true);
    expect(satisfies([21, 7, 0], "^20.0.0 || ^22.0.0 || >=24.0.0")).toBe(false);
    expect(satisfies([20, 2, 0], ">=20.3.0")).toBe(false);
    expect(satisfies([18, 20, 0], "^18.19.0 || >=20.6.0")).toBe(true);
    expect(satisfies([14, 0, 0], "^10 || ^12 || ^13.7 || ^14 || >=15.0.1")).toBe(true);
    expect(satisfies([13, 6, 0], "^10 || ^12 || ^13.7 || ^14 || >=15.0.1")).toBe(false);
    expect(satisfies([20, 0, 0], ">= 18")).toBe(true);
    expect(satisfies([22, 0, 0], "14 || 16 || >=18")).toBe(true);
    expect(satisfies([16, 5, 0], "~16.4")).toBe(false);
  });

  it("the Node running this test is within the declared range", () => {
    expect(satisfies(parseVersion(process.version), declared), `Node ${process.version} vs "${declared}"`).toBe(true);
  });

  it("the lowest Node of each declared line meets every installed package's engines.node", () => {
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; optional?: boolean; engines?: { node?: string } | string[] }>;
    };
    const bounds = lowerBounds(declared);
    const unmet: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      // The root is this project; optional packages (other platforms' binaries) need not install.
      if (!key || entry.optional || !entry.engines || Array.isArray(entry.engines) || !entry.engines.node) continue;
      for (const bound of bounds) {
        if (!satisfies(bound, entry.engines.node)) {
          unmet.push(`${key.replace(/^.*node_modules\//, "")}@${entry.version} needs "${entry.engines.node}", not ${bound.join(".")}`);
        }
      }
    }
    expect(unmet, `package.json engines.node "${declared}" promises too much`).toEqual([]);
  });

  it("the declared range is no stricter than the dependencies need at the bottom of each line", () => {
    // Each lower bound must be required by some installed package (or be the major's .0.0): "engines" says the truth
    // both ways. Checked by stepping one minor below each bound and expecting some package to refuse it.
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
      packages: Record<string, { optional?: boolean; engines?: { node?: string } | string[] }>;
    };
    const ranges = Object.entries(lock.packages)
      .filter(([key, e]) => key && !e.optional && e.engines && !Array.isArray(e.engines) && e.engines.node)
      .map(([, e]) => (e.engines as { node: string }).node);
    for (const bound of lowerBounds(declared)) {
      if (bound[1] === 0 && bound[2] === 0) continue;
      const below: Version = bound[2] > 0 ? [bound[0], bound[1], bound[2] - 1] : [bound[0], bound[1] - 1, 99];
      expect(
        ranges.some((r) => !satisfies(below, r)),
        `nothing installed refuses Node ${below.join(".")}: lower the bound ${bound.join(".")}`,
      ).toBe(true);
    }
  });
});
