// Builds a Worker with `wrangler deploy --dry-run --outdir` and serves the built bundle on `workerd serve` with a
// generated capnp config: the runtime Cloudflare runs, without wrangler dev's local proxy in front.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const requireRoot = createRequire(join(root, "package.json"));

/** The workerd binary wrangler itself uses (node_modules/@cloudflare/workerd-linux-64/bin/workerd on Linux x64). */
export function workerdBinary() {
  const pkg = requireRoot.resolve("workerd/package.json");
  const fromWorkerd = createRequire(pkg);
  try {
    return fromWorkerd.resolve(`@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : process.arch}/bin/workerd`);
  } catch {
    return join(root, "node_modules", ".bin", "workerd");
  }
}

const TREE_FILES = ["src", "wrangler.toml", "package.json", "tsconfig.json", "gateway.config.yaml"];

/** A buildable copy of the repo: the working tree, or `ref` from git; node_modules linked, not copied. */
export function treeAt(ref) {
  const dir = mkdtempSync(join(tmpdir(), "tracegate-variant-"));
  if (ref) {
    const archive = execFileSync("git", ["archive", ref, ...TREE_FILES], { cwd: root, maxBuffer: 64 << 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
  } else {
    for (const f of TREE_FILES) if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** `wrangler deploy --dry-run --outdir <tmp>` for a wrangler config; returns the output dir and its modules. */
export function buildWorker(configPath, { minify = false } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "tracegate-bench-build-"));
  const wrangler = requireRoot.resolve("wrangler/bin/wrangler.js");
  const args = [wrangler, "deploy", "--dry-run", "--config", configPath, "--outdir", outdir];
  if (minify) args.push("--minify");
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  if (run.status !== 0) throw new Error(`wrangler build of ${configPath} failed:\n${run.stdout}\n${run.stderr}`);
  const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const entry = files.includes("index.js") ? "index.js" : files.find((f) => f.endsWith(".js"));
  if (!entry) throw new Error(`no entry module in ${outdir}`);
  return { outdir, entry, modules: files };
}

/** The compatibility date and flags of the repo's wrangler.toml, so both Workers run like tracegate deployed. */
export function compatibility() {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(toml)?.[1] ?? "2026-04-01";
  const flagsText = /compatibility_flags\s*=\s*\[([^\]]*)\]/.exec(toml)?.[1] ?? "";
  const flags = [...flagsText.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  return { date, flags };
}

const capnpString = (s) => JSON.stringify(s); // capnp text strings use the same escapes as JSON for our values

/**
 * Writes a workerd config serving `build` on 127.0.0.1:port. `textBindings` become text bindings (written to
 * files and embedded, so any JSON fits). Outbound fetches may reach loopback (the mock and the OTLP receiver).
 */
export function writeWorkerdConfig(build, { port, textBindings = {}, v8Flags = [] }) {
  const { date, flags } = compatibility();
  const modules = [build.entry, ...build.modules.filter((m) => m !== build.entry)].map((name) => {
    if (name.endsWith(".js") || name.endsWith(".mjs")) return `(name = ${capnpString(name)}, esModule = embed ${capnpString(name)})`;
    if (name.endsWith(".wasm")) return `(name = ${capnpString(name)}, wasm = embed ${capnpString(name)})`;
    if (name.endsWith(".bin")) return `(name = ${capnpString(name)}, data = embed ${capnpString(name)})`;
    return `(name = ${capnpString(name)}, text = embed ${capnpString(name)})`;
  });
  const bindings = Object.entries(textBindings).map(([name, value], i) => {
    const file = `binding-${port}-${i}.txt`; // per port: two systems may share one build directory
    writeFileSync(join(build.outdir, file), value);
    return `(name = ${capnpString(name)}, text = embed ${capnpString(file)})`;
  });
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],${v8Flags.length > 0 ? `\n  v8Flags = [${v8Flags.map(capnpString).join(", ")}],` : ""}
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")}
  ],
  bindings = [
    ${bindings.join(",\n    ")}
  ],
  compatibilityDate = ${capnpString(date)},
  compatibilityFlags = [${flags.map(capnpString).join(", ")}],
  globalOutbound = "internet",
);
`;
  const path = join(build.outdir, `workerd-${port}.capnp`);
  writeFileSync(path, config);
  return path;
}

/**
 * CPU time (user + system, all threads) process `pid` has used so far, in ms. Over a load run, divided by the
 * requests served, it is far steadier than RPS on a shared machine.
 */
export function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Starts `workerd serve <config>`; resolves once it is spawned (not once it answers). */
export function spawnWorkerd(configPath, extraArgs = []) {
  const child = spawn(workerdBinary(), ["serve", configPath, "--verbose", ...extraArgs], {
    cwd: dirname(configPath),
    env: { ...process.env, PWD: dirname(configPath) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c) => {
    stderr += c;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  return { child, stderr: () => stderr };
}

