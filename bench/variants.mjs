#!/usr/bin/env node
// Measures a change before it lands: builds tracegate from the working tree and from a git ref (default HEAD), serves
// each on workerd next to the bare Worker, and compares them at concurrency 32 against the same mock, alternating,
// by throughput and by workerd's CPU time per request (user + system of the serving process: far steadier than RPS
// on a shared machine, and what limits throughput, since workerd runs the Worker on one thread).
//
//   node bench/variants.mjs [--ref HEAD] [--traced] [--keep] [--seconds 4] [--rounds 3] [--stream] [--pairs-only] [--env NAME=value]
//
// A minimal parse-and-forward Worker (bench/minimal-gateway.ts) runs too: the floor for any gateway that reads the
// body it forwards. --traced adds both builds with `random_sampling: 100` exporting to a local receiver; --stream compares the time
// to the first streamed chunk instead; --keep adds the working tree with `random_sampling: 0` and `tracing.keep` (every
// request recorded, then dropped: the mock answers well and fast), the cost of holding spans until the outcome.
// Each build at the ref is measured right next to the same configuration of the working tree, and the CPU ratio of
// each such pair is reported per round (median, range, rounds the working tree was cheaper): machine load drifts
// between rounds, far less between two neighbouring measurements. The least CPU per request of each build is printed
// too: on a VM whose host takes the CPU away now and then (no steal time is reported here, so those ticks count as the
// process's own), contention only ever adds, and the least of many rounds is the closest to the build's own cost.
// --pairs-only leaves out the bare and minimal Workers. Earlier experiments (string patches of src/, since landed or dropped) are
// recorded in docs/benchmarks.md.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockUpstream } from "./mock-upstream.mjs";
import { startOtlpReceiver } from "./otlp-receiver.mjs";
import { buildWorker, processCpuMs, spawnWorkerd, treeAt, writeWorkerdConfig } from "./workerd.mjs";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SECONDS = Number(opt("--seconds", 4));
const ROUNDS = Number(opt("--rounds", 3));
const REF = opt("--ref", "HEAD");
const autocannon = (await import(createRequire(join(benchDir, "package.json")).resolve("autocannon"))).default;

const mock = await startMockUpstream();
const otlp = await startOtlpReceiver();
const provider = { model: "bench/*", provider_interface: "openai", base_url: `${mock.url}/v1`, access_key: "sk-bench" };
const off = JSON.stringify({ model_providers: [provider], auth: "none" });
const traced = JSON.stringify({ model_providers: [provider], auth: "none", tracing: { random_sampling: 100, exporters: [{ endpoint: otlp.url }] } });

const keepAtZero = JSON.stringify({
  model_providers: [provider],
  auth: "none",
  tracing: { random_sampling: 0, keep: { errors: true, slower_than_ms: 10_000 }, exporters: [{ endpoint: otlp.url }] },
});

const atRef = buildWorker(join(treeAt(REF), "wrangler.toml"));
const working = buildWorker(join(treeAt(undefined), "wrangler.toml"));
const bareBuild = () => buildWorker(join(benchDir, "bare-worker.wrangler.toml"));
const minimalBuild = () => buildWorker(join(benchDir, "minimal-gateway.wrangler.toml"));

const STREAM = args.includes("--stream");
const PAIRS_ONLY = args.includes("--pairs-only");
// --env NAME=value (repeatable): a variable for the working tree's builds only, e.g. OTEL_METRICS_EXPORTER=none to
// compare without a feature the ref did not have.
const WORKING_ENV = Object.fromEntries(args.flatMap((a, i) => (a === "--env" ? [args[i + 1].split(/=(.*)/s).slice(0, 2)] : [])));
const plan = [
  ...(PAIRS_ONLY ? [] : [{ id: "bare Worker", build: bareBuild, bindings: { UPSTREAM: mock.url }, model: "zero" }]),
  ...(STREAM || PAIRS_ONLY
    ? []
    : [{ id: "minimal parse-and-forward Worker", build: minimalBuild, bindings: { UPSTREAM: mock.url }, model: "bench/zero" }]),
  { id: `tracegate off, ${REF}`, build: () => atRef, config: off },
  { id: "tracegate off, working tree", build: () => working, config: off },
  ...(args.includes("--traced") && !STREAM
    ? [
        { id: `tracegate 100%, ${REF}`, build: () => atRef, config: traced },
        { id: "tracegate 100%, working tree", build: () => working, config: traced },
      ]
    : []),
  ...(args.includes("--keep") && !STREAM
    ? [{ id: "tracegate 0% + keep, working tree", build: () => working, config: keepAtZero }]
    : []),
];

const systems = [];
let port = 19400 + Math.floor(Math.random() * 500);
for (const p of plan) {
  const b = p.build();
  const extra = p.id.endsWith("working tree") ? WORKING_ENV : {};
  const config = writeWorkerdConfig(b, { port: ++port, textBindings: p.bindings ?? { GATEWAY_CONFIG: p.config, ...extra } });
  const { child } = spawnWorkerd(config);
  systems.push({ id: p.id, port, child, model: p.model ?? "bench/zero", rps: [], cpuUsPerRequest: [], errors: 0, posts: 0 });
}
await new Promise((r) => setTimeout(r, 1500));

const body = (model) => JSON.stringify({ model, messages: [{ role: "user", content: "Say hello to the benchmark." }], max_tokens: 16 });
const run = (s, seconds) =>
  autocannon({
    url: `http://127.0.0.1:${s.port}/v1/chat/completions`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body(s.model),
    connections: 32,
    duration: seconds,
  });
if (STREAM) {
  const http = await import("node:http");
  const streamOnce = (s, agent) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify({ model: s.model, stream: true, messages: [{ role: "user", content: "hi" }] });
      const t0 = process.hrtime.bigint();
      let first = 0;
      const req = http.request(
        { agent, host: "127.0.0.1", port: s.port, path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
        (res) => {
          res.on("data", () => {
            if (!first) first = Number(process.hrtime.bigint() - t0) / 1000;
          });
          res.on("end", () => (res.statusCode === 200 ? resolve(first) : reject(new Error(String(res.statusCode)))));
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  for (const s of systems) s.ttfc = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 ? [...systems].reverse() : systems) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      await Promise.allSettled(Array.from({ length: 8 }, () => streamOnce(s, agent)));
      for (let b = 0; b < 4; b++) {
        for (const r of await Promise.allSettled(Array.from({ length: 8 }, () => streamOnce(s, agent)))) {
          if (r.status === "fulfilled") s.ttfc.push(r.value);
          else s.errors++;
        }
      }
      agent.destroy();
    }
  }
  for (const s of systems) s.child.kill("SIGTERM");
  await mock.close();
  await otlp.close();
  const medUs = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const bareTtfc = medUs(systems[0].ttfc);
  console.log(`\nstreaming time to first chunk on workerd (p50 of ${ROUNDS} x 32 streams, 8 at a time), alternating:\n`);
  console.log("| build | first chunk p50 | over bare | errors |\n|---|---|---|---|");
  for (const s of systems) {
    const t = medUs(s.ttfc);
    console.log(`| ${s.id} | ${Math.round(t).toLocaleString("en-US")} us | ${s === systems[0] ? "—" : `+${Math.round(t - bareTtfc).toLocaleString("en-US")} us`} | ${s.errors} |`);
  }
  process.exit(0);
}

for (let round = 0; round < ROUNDS; round++) {
  for (const s of round % 2 ? [...systems].reverse() : systems) {
    await run(s, 1);
    const before = otlp.stats().posts;
    const cpu0 = processCpuMs(s.child.pid);
    const r = await run(s, SECONDS);
    s.cpuUsPerRequest.push(((processCpuMs(s.child.pid) - cpu0) * 1000) / r.requests.total);
    s.posts += otlp.stats().posts - before;
    s.rps.push(r.requests.total / SECONDS);
    s.errors += r.errors + r.timeouts + r.non2xx;
  }
}
for (const s of systems) s.child.kill("SIGTERM");
await mock.close();
await otlp.close();

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = med(systems[0].rps);
console.log(`\nthroughput at concurrency 32 on workerd (median of ${ROUNDS} x ${SECONDS} s), same mock, alternating:\n`);
console.log(`| build | RPS | ${PAIRS_ONLY ? "of the first row" : "of bare"} | workerd CPU per request (median, least) | OTLP POSTs per 100 requests | errors |\n|---|---|---|---|---|---|`);
for (const s of systems) {
  const rps = med(s.rps);
  const total = s.rps.reduce((a, b) => a + b, 0) * SECONDS;
  console.log(`| ${s.id} | ${Math.round(rps).toLocaleString("en-US")} | ${((100 * rps) / bare).toFixed(1)}% | ${Math.round(med(s.cpuUsPerRequest))} us, ${Math.round(Math.min(...s.cpuUsPerRequest))} us | ${s.posts ? ((100 * s.posts) / total).toFixed(1) : "—"} | ${s.errors} |`);
}
// Paired: each working-tree system against the ref system measured next to it in the same round.
console.log(`\nCPU per request, working tree / ${REF}, per round (the two measured one after the other):\n`);
console.log("| configuration | median | range | rounds cheaper |\n|---|---|---|---|");
for (const s of systems) {
  const ref = systems.find((o) => o.id === s.id.replace("working tree", REF) && o !== s);
  if (!s.id.endsWith("working tree") || !ref) continue;
  const ratios = s.cpuUsPerRequest.map((cpu, i) => cpu / ref.cpuUsPerRequest[i]);
  const pct = (r) => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)}%`;
  console.log(`| ${s.id.replace(", working tree", "")} | ${pct(med(ratios))} | ${pct(Math.min(...ratios))} .. ${pct(Math.max(...ratios))} | ${ratios.filter((r) => r < 1).length} of ${ratios.length} |`);
}
