#!/usr/bin/env node
// Micro-benchmark of tracegate's own per-request work, without sockets: the Hono app bundled for Node (esbuild), its
// upstream `fetch` and the OTLP receiver replaced by in-memory responses, so what remains is the gateway's CPU time
// per request. Compares a bare pass-through handler, tracegate with tracing off and with tracing 100% exporting,
// and profiles (V8 CPU profiler) where tracegate's time goes, attributed to src/ files.
//
//   node bench/micro.mjs [--n 20000] [--stream] [--ref c4868fa]
//
// Node's fetch/Request/Response (undici) cost more than workerd's native ones, so absolute figures are higher than
// on workerd; the split between files is what this is for.
import { Session } from "node:inspector/promises";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, treeAt } from "./workerd.mjs";

const args = process.argv.slice(2);
const nAt = args.indexOf("--n");
const N = nAt >= 0 ? Number(args[nAt + 1]) : 20_000;
const STREAM = args.includes("--stream");
// --ref REF: that commit's src/ instead of the working tree's (the same harness measures both).
const refAt = args.indexOf("--ref");
const source = refAt >= 0 ? treeAt(args[refAt + 1]) : root;

// ---- bundle the app for Node -----------------------------------------------------------------------------------
const esbuild = createRequire(join(root, "package.json"))("esbuild");
const outdir = mkdtempSync(join(tmpdir(), "tracegate-micro-"));
const entry = join(outdir, "entry.ts");
writeFileSync(entry, `export { app } from ${JSON.stringify(join(source, "src", "app.ts"))};\n`);
const outfile = join(outdir, "app.mjs");
await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outfile,
  loader: { ".yaml": "text" },
  conditions: ["workerd", "worker", "browser"],
  logLevel: "error",
});
const bundleText = readFileSync(outfile, "utf8");
const { app } = await import(pathToFileURL(outfile).href);

// ---- in-memory upstream --------------------------------------------------------------------------------------------
const COMPLETION = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "zero",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello from the benchmark mock." }, finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
});
const sseChunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: "zero", choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
const SSE = [
  sseChunk({ role: "assistant", content: "" }, null),
  ...Array.from({ length: 62 }, (_, i) => sseChunk({ content: `tok${i} ` }, null)),
  sseChunk({}, "stop"),
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: "zero", choices: [], usage: { prompt_tokens: 9, completion_tokens: 62, total_tokens: 71 } })}\n\n`,
  "data: [DONE]\n\n",
].map((s) => new TextEncoder().encode(s));

let otlpPosts = 0;
globalThis.fetch = async (input) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (url.includes("/v1/traces")) {
    otlpPosts++;
    return new Response(null, { status: 200 });
  }
  if (input instanceof Request) await input.arrayBuffer();
  if (STREAM) {
    let i = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (i < SSE.length) controller.enqueue(SSE[i++]);
        else controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }
  return new Response(COMPLETION, { headers: { "content-type": "application/json" } });
};

// ---- systems -------------------------------------------------------------------------------------------------------
const provider = { model: "bench/*", provider_interface: "openai", base_url: "http://127.0.0.1:9/v1", access_key: "sk-bench" };
const envOff = { GATEWAY_CONFIG: JSON.stringify({ model_providers: [provider], auth: "none" }) };
const envTraced = {
  GATEWAY_CONFIG: JSON.stringify({ model_providers: [provider], auth: "none", tracing: { random_sampling: 100, exporters: [{ endpoint: "http://127.0.0.1:9" }] } }),
};
const body = (model) => JSON.stringify({ model, stream: STREAM, messages: [{ role: "user", content: "Say hello to the benchmark." }], max_tokens: 16 });

const bare = async () => {
  const req = new Request("http://gw/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: body("zero") });
  const up = await fetch(new Request("http://127.0.0.1:9/v1/chat/completions", { method: "POST", headers: req.headers, body: req.body, duplex: "half" }));
  const res = new Response(up.body, { status: up.status, headers: up.headers });
  await res.arrayBuffer();
};
let tracedCalls = 0;
// waitUntil work is not awaited per request: in a Worker the next request never waits for it, and it may wait on
// timers (the span export's pacing, the metrics interval). The event loop turns between requests instead, so the
// export runs alongside, as it would in an isolate.
const waitUntil = () => {};
const gateway = (env) => async () => {
  if (env === envTraced) tracedCalls++;
  const ctx = { waitUntil, passThroughOnException() {}, props: {} };
  const req = new Request("http://gw/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
    body: body("bench/zero"),
  });
  const res = await app.fetch(req, env, ctx);
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  await new Promise((resolve) => setImmediate(resolve));
};
const systems = [
  ["bare pass-through", bare],
  ["tracegate, tracing off", gateway(envOff)],
  ["tracegate, tracing 100%", gateway(envTraced)],
];

async function time(fn, n) {
  for (let i = 0; i < Math.min(2000, n); i++) await fn(); // warm up the JIT
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

const rows = [];
for (let round = 0; round < 3; round++) {
  for (const [name, fn] of systems) {
    const us = await time(fn, Math.floor(N / 3));
    rows.push({ name, us });
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perSystem = systems.map(([name]) => ({ name, us: med(rows.filter((r) => r.name === name).map((r) => r.us)) }));
const bareUs = perSystem[0].us;
console.log(`\nper request, in process (Node ${process.versions.node}, ${STREAM ? "streamed: 66 SSE events" : "JSON"}; median of 3 rounds of ${Math.floor(N / 3)}):`);
for (const s of perSystem) console.log(`  ${s.name.padEnd(26)} ${s.us.toFixed(1).padStart(7)} us  (${s.us === bareUs ? "floor" : `+${(s.us - bareUs).toFixed(1)} us`})`);
console.log(`  OTLP POSTs: ${otlpPosts} for ${tracedCalls} traced requests (requests ending close together share a POST)`);

// ---- where the time goes -------------------------------------------------------------------------------------------
// Map bundle lines to source files with esbuild's "// src/…" module comments.
const fileStarts = [];
bundleText.split("\n").forEach((line, i) => {
  const m = /^\/\/ ((?:src|node_modules)\/\S+|\.\.\/\S+)$/.exec(line.trim());
  if (m) fileStarts.push({ line: i, file: m[1].replace(/^(\.\.\/)+/, "") });
});
const fileOf = (line) => {
  let lo = 0;
  let hi = fileStarts.length - 1;
  let best = "?";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fileStarts[mid].line <= line) {
      best = fileStarts[mid].file;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*/, "node_modules/$1");
};

async function profile(label, fn, n) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
  for (let i = 0; i < n; i++) await fn();
  const { profile: p } = await session.post("Profiler.stop");
  session.disconnect();
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const byFile = new Map();
  const byFn = new Map();
  let total = 0;
  for (const [id, count] of counts) {
    const node = byId.get(id);
    if (!node) continue;
    total += count;
    const cf = node.callFrame;
    let where;
    if (cf.url.endsWith("app.mjs")) where = fileOf(cf.lineNumber);
    else if (cf.url === "" && (cf.functionName === "(garbage collector)" || cf.functionName === "(idle)" || cf.functionName === "(program)")) where = cf.functionName;
    else if (cf.url.startsWith("node:") || cf.url === "") where = "Node runtime (fetch/streams/undici)";
    else if (cf.url.includes("micro.mjs")) where = "bench harness";
    else where = cf.url.replace(/^file:\/\/.*node_modules\//, "node_modules/");
    byFile.set(where, (byFile.get(where) ?? 0) + count);
    if (cf.url.endsWith("app.mjs")) {
      const key = `${cf.functionName || "(anonymous)"} ${fileOf(cf.lineNumber)}`;
      byFn.set(key, (byFn.get(key) ?? 0) + count);
    }
  }
  // Runtime work (fetch, streams, Headers, GC excluded) charged to the nearest tracegate function on the stack:
  // which of tracegate's calls make the runtime work.
  const parent = new Map();
  for (const node of p.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const charged = new Map();
  let runtimeTotal = 0;
  for (const [id, count] of counts) {
    const node = byId.get(id);
    if (!node || node.callFrame.url.endsWith("app.mjs") || !(node.callFrame.url.startsWith("node:") || node.callFrame.url === "")) continue;
    if (node.callFrame.functionName.startsWith("(")) continue;
    runtimeTotal += count;
    let up = parent.get(id);
    let key = "(not under tracegate code: the harness or the event loop)";
    while (up !== undefined) {
      const cf = byId.get(up)?.callFrame;
      if (cf?.url.endsWith("app.mjs")) {
        key = `${cf.functionName || "(anonymous)"} ${fileOf(cf.lineNumber)}`;
        break;
      }
      up = parent.get(up);
    }
    charged.set(key, (charged.get(key) ?? 0) + count);
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(`\nprofile, ${label} (${n} requests; share of CPU samples, self time):`);
  for (const [file, c] of top(byFile, 16)) console.log(`  ${((100 * c) / total).toFixed(1).padStart(5)}%  ${file}`);
  console.log(`  top functions in the bundle:`);
  for (const [fnName, c] of top(byFn, 14)) console.log(`  ${((100 * c) / total).toFixed(1).padStart(5)}%  ${fnName}`);
  console.log(`  runtime samples (${((100 * runtimeTotal) / total).toFixed(1)}% of all) by the tracegate function that called into the runtime:`);
  for (const [fnName, c] of top(charged, 14)) console.log(`  ${((100 * c) / total).toFixed(1).padStart(5)}%  ${fnName}`);
}
await profile("tracegate, tracing off", systems[1][1], Math.floor(N / 2));
await profile("tracegate, tracing 100%", systems[2][1], Math.floor(N / 2));
