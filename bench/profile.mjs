#!/usr/bin/env node
// CPU profile of tracegate inside workerd itself (not Node): builds the Worker, serves it on `workerd serve` with the
// inspector on, drives it at concurrency 32 against the bench mock, samples with the V8 profiler over the DevTools
// protocol, and prints self time by function and by source file, plus workerd's CPU per request.
//
//   node bench/profile.mjs [--traced] [--stream] [--seconds 5] [--top 40] [--out profile.cpuprofile]
//
// Time spent in the runtime's C++ (Request/Response/streams/fetch) is charged to the JavaScript frame that called it
// or shows as "(program)"; "(idle)" is the event loop waiting for I/O.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockUpstream } from "./mock-upstream.mjs";
import { startOtlpReceiver } from "./otlp-receiver.mjs";
import { buildWorker, processCpuMs, root, spawnWorkerd, writeWorkerdConfig } from "./workerd.mjs";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(opt("--seconds", 5));
const TOP = Number(opt("--top", 40));
const requireBench = createRequire(join(benchDir, "package.json"));
const autocannon = (await import(requireBench.resolve("autocannon"))).default;
const { WebSocket } = createRequire(join(root, "package.json"))("ws");

const mock = await startMockUpstream();
const otlp = await startOtlpReceiver();
const provider = { model: "bench/*", provider_interface: "openai", base_url: `${mock.url}/v1`, access_key: "sk-bench" };
const config = { model_providers: [provider], auth: "none" };
if (args.includes("--traced")) config.tracing = { random_sampling: 100, exporters: [{ endpoint: otlp.url }] };

const port = 19900 + Math.floor(Math.random() * 90);
const inspectorPort = port + 1000;
const build = buildWorker(join(root, "wrangler.toml"));
const capnp = writeWorkerdConfig(build, { port, textBindings: { GATEWAY_CONFIG: JSON.stringify(config) } });
const { child } = spawnWorkerd(capnp, ["--inspector-addr", `127.0.0.1:${inspectorPort}`]);
await new Promise((r) => setTimeout(r, 1500));

const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/main`);
await new Promise((resolve, reject) => {
  ws.once("open", resolve);
  ws.once("error", reject);
});
let nextId = 0;
const pending = new Map();
ws.on("message", (data) => {
  const msg = JSON.parse(String(data));
  if (msg.id && pending.has(msg.id)) {
    pending.get(msg.id)(msg);
    pending.delete(msg.id);
  }
});
const send = (method, params = {}) =>
  new Promise((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

const payload = JSON.stringify({
  model: "bench/zero",
  messages: [{ role: "user", content: "Say hello to the benchmark." }],
  max_tokens: 16,
  ...(args.includes("--stream") ? { stream: true } : {}),
});
const load = (seconds) =>
  autocannon({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: payload,
    connections: args.includes("--stream") ? 64 : 32,
    duration: seconds,
  });
const cpuMs = () => processCpuMs(child.pid);

await load(2); // warm-up: JIT, connection pools
const cpuBefore = cpuMs();
const plain = await load(SECONDS);
const cpuPerRequest = ((cpuMs() - cpuBefore) * 1000) / plain.requests.total;
await send("Profiler.enable");
await send("Profiler.setSamplingInterval", { interval: 100 });
await send("Profiler.start");
const profiled = await load(SECONDS);
const { result } = await send("Profiler.stop");
ws.close();
child.kill("SIGTERM");
await mock.close();
await otlp.close();

const profile = result.profile;
if (opt("--out")) writeFileSync(opt("--out"), JSON.stringify(profile));
// The unminified bundle marks each input with a `// path` comment line: map bundle lines back to source files.
const bundleLines = readFileSync(join(build.outdir, build.entry), "utf8").split("\n");
const fileStarts = [];
bundleLines.forEach((line, i) => {
  const m = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
  if (m) fileStarts.push([i, m[1].replace(/^node_modules\/(\.pnpm\/)?/, "")]);
});
const sourceOf = (line) => {
  let found = "(bundle)";
  for (const [start, file] of fileStarts) {
    if (start > line) break;
    found = file;
  }
  return found;
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const counts = new Map();
for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const total = profile.samples.length;
const selfByFn = new Map();
const selfByFile = new Map();
for (const [id, n] of counts) {
  const f = byId.get(id).callFrame;
  const file = f.url ? sourceOf(f.lineNumber) : "(native)";
  const fn = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
  selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + n);
  selfByFile.set(file, (selfByFile.get(file) ?? 0) + n);
}
const pct = (n) => `${((100 * n) / total).toFixed(1)}%`;
console.log(`\nworkerd CPU per request (unprofiled run): ${Math.round(cpuPerRequest)} us; ${Math.round(plain.requests.total / SECONDS)} RPS`);
console.log(`profiled run: ${Math.round(profiled.requests.total / SECONDS)} RPS, ${total} samples, errors ${profiled.errors + profiled.non2xx}\n`);
console.log("self time by function:");
for (const [fn, n] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pct(n).padStart(6)}  ${fn}`);
// Line-level ticks (V8's positionTicks) of the busiest functions: which statement, native call included, costs.
const lineTicks = new Map();
for (const n of profile.nodes) {
  if (!n.callFrame.url || !n.positionTicks) continue;
  for (const { line, ticks } of n.positionTicks) lineTicks.set(line, (lineTicks.get(line) ?? 0) + ticks);
}
const tickTotal = [...lineTicks.values()].reduce((a, b) => a + b, 0) || 1;
console.log("\nbusiest lines (share of JavaScript line ticks):");
for (const [line, n] of [...lineTicks].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`  ${((100 * n) / tickTotal).toFixed(1).padStart(5)}%  ${sourceOf(line - 1).padEnd(34)} ${bundleLines[line - 1]?.trim().slice(0, 90)}`);
}
console.log("\nself time by file:");
for (const [file, n] of [...selfByFile].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${pct(n).padStart(6)}  ${file}`);
