#!/usr/bin/env node
// npm run bench: tracegate's overhead against a bare Worker, direct calls and Portkey, side by side in one run.
//
// Starts a mock OpenAI upstream and an OTLP receiver on loopback, builds tracegate and a bare pass-through Worker with
// `wrangler deploy --dry-run --outdir` and serves each bundle on its own `workerd serve` process, starts Portkey's
// gateway on Node, then measures every system against the same mock, alternating the systems and repeating:
//   - added latency at concurrency 1 (zero-delay and fixed 50 ms upstream), each request timed with process.hrtime
//   - throughput and p99 at concurrency 32 (autocannon)
//   - streaming: time to first chunk and total time of a paced SSE stream (64 chunks, 20 ms apart)
//   - peak RSS (VmHWM) of each serving process, error counts
//   - cold start: workerd spawn to first answered request, tracegate and the bare Worker
//   - the same bare Worker and tracegate under `wrangler dev` (what a developer sees locally)
// Writes bench/results/latest.json and latest.md and, with --readme, the table into README.md between
// <!-- bench:start --> and <!-- bench:end -->.
//
// Options: --quick (a smoke run, ~1 minute), --no-wrangler-dev, --readme, --rounds N.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../scripts/free-port.mjs";
import { startMockUpstream, STREAM_CHUNKS } from "./mock-upstream.mjs";
import { startOtlpReceiver } from "./otlp-receiver.mjs";
import { buildWorker, root, spawnWorkerd, workerdBinary, writeWorkerdConfig } from "./workerd.mjs";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const WRANGLER_DEV = !args.includes("--no-wrangler-dev");
const UPDATE_README = args.includes("--readme");
const roundsAt = args.indexOf("--rounds");

const P = QUICK
  ? { rounds: 1, c1Warmup: 50, c1N: 300, latencyN: 10, c32Seconds: 2, streamsPerRound: 4, coldStarts: 2, devN: 100, devSeconds: 2 }
  : { rounds: 3, c1Warmup: 200, c1N: 1500, latencyN: 30, c32Seconds: 5, streamsPerRound: 16, coldStarts: 5, devN: 400, devSeconds: 4 };
if (roundsAt >= 0) P.rounds = Math.max(1, Number(args[roundsAt + 1]) || P.rounds);
const STREAM_CONCURRENCY = 16;
const STREAM_STAGGER_MS = 97; // not a multiple of the mock's 20 ms chunk interval

const started = Date.now();
const loadAtStart = loadavg()[0];
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- bench-only dependencies (npm test never needs them) -------------------------------------------------------
if (!existsSync(join(benchDir, "node_modules", "autocannon")) || !existsSync(join(benchDir, "node_modules", "@portkey-ai", "gateway"))) {
  log("installing bench dependencies (npm --prefix bench install)");
  const r = spawnSync("npm", ["--prefix", benchDir, "install", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm --prefix bench install failed");
}
const requireBench = createRequire(join(benchDir, "package.json"));
const autocannon = (await import(requireBench.resolve("autocannon"))).default;
const portkeyEntry = join(benchDir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
const portkeyVersion = JSON.parse(readFileSync(join(benchDir, "node_modules", "@portkey-ai", "gateway", "package.json"), "utf8")).version;

// ---- helpers ---------------------------------------------------------------------------------------------------
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
const sortNum = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => percentile(sortNum(xs), 50);

/** One request on a keep-alive agent; resolves with the time in microseconds (or throws). */
function timedRequest(agent, target, body) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { agent, host: "127.0.0.1", port: target.port, path: target.path, method: "POST", headers: { ...target.headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        let n = 0;
        res.on("data", (c) => {
          n += c.length;
        });
        res.on("end", () => {
          const us = Number(process.hrtime.bigint() - t0) / 1000;
          if (res.statusCode !== 200 || n === 0) reject(new Error(`status ${res.statusCode}`));
          else resolve(us);
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const requestBody = (model, extra = {}) =>
  JSON.stringify({ model, messages: [{ role: "user", content: "Say hello to the benchmark." }], max_tokens: 16, ...extra });

/** Concurrency 1: `warmup` untimed then `n` timed requests in sequence on one keep-alive connection. */
async function measureC1(system, model, warmup, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = requestBody(system.model(model));
  const times = [];
  let errors = 0;
  for (let i = 0; i < warmup + n; i++) {
    try {
      const us = await timedRequest(agent, system.target, body);
      if (i >= warmup) times.push(us);
    } catch {
      errors++;
    }
  }
  agent.destroy();
  return { times, errors };
}

/** Concurrency 32 with autocannon: requests per second, latency p50/p99 (ms), errors. */
async function measureC32(system, seconds) {
  const result = await autocannon({
    url: `http://127.0.0.1:${system.target.port}${system.target.path}`,
    method: "POST",
    headers: system.target.headers,
    body: requestBody(system.model("zero")),
    connections: 32,
    duration: seconds,
    pipelining: 1,
  });
  return {
    rps: result.requests.total / seconds,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** One streamed completion: microseconds to the first body bytes and to the end; counts the data events. */
function timedStream(system, agent) {
  return new Promise((resolve, reject) => {
    const body = requestBody(system.model("zero"), { stream: true });
    const t0 = process.hrtime.bigint();
    let first = 0;
    let text = "";
    const req = http.request(
      { agent, host: "127.0.0.1", port: system.target.port, path: system.target.path, method: "POST", headers: { ...system.target.headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (c) => {
          if (!first) first = Number(process.hrtime.bigint() - t0) / 1000;
          text += c;
        });
        res.on("end", () => {
          const total = Number(process.hrtime.bigint() - t0) / 1000;
          const events = (text.match(/^data: /gm) ?? []).length;
          if (res.statusCode !== 200 || !text.includes("[DONE]") || events < STREAM_CHUNKS)
            reject(new Error(`stream status ${res.statusCode}, ${events} events`));
          else resolve({ ttfcUs: first, totalUs: total, events });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function measureStreams(system, count) {
  const ttfc = [];
  const total = [];
  let errors = 0;
  // Keep-alive connections, opened by an untimed concurrent batch first, so the timings hold no TCP handshakes.
  const agent = new http.Agent({ keepAlive: true, maxSockets: STREAM_CONCURRENCY });
  await Promise.allSettled(Array.from({ length: STREAM_CONCURRENCY }, () => timedStream(system, agent)));
  // Streams start STREAM_STAGGER_MS apart, never together: requests arriving at the same instant queue behind each
  // other in the isolate, which would turn the first-chunk figure into a measure of per-request CPU x queue depth.
  const runs = [];
  for (let i = 0; i < count; i++) {
    runs.push(timedStream(system, agent));
    await sleep(STREAM_STAGGER_MS);
  }
  for (const r of await Promise.allSettled(runs)) {
    if (r.status === "fulfilled") {
      ttfc.push(r.value.ttfcUs);
      total.push(r.value.totalUs);
    } else errors++;
  }
  agent.destroy();
  return { ttfc, total, errors };
}

/** Polls until the system answers a zero-delay completion with 200; returns ms from `since`. */
async function waitReady(system, since, timeoutMs = 30_000) {
  const body = requestBody(system.model("zero"));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await timedRequest(false, system.target, body);
      return Number(process.hrtime.bigint() - since) / 1e6;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${system.id} did not answer within ${timeoutMs} ms: ${err}`);
      await sleep(2);
    }
  }
}

/** Peak and current resident set size of a process tree (KiB), from /proc. */
function memoryOf(pid) {
  const pids = [pid, ...childrenOf(pid)];
  let hwm = 0;
  let rss = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      hwm += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      /* exited */
    }
  }
  return { peakRssKiB: hwm, rssKiB: rss, processes: pids.length };
}
function childrenOf(pid) {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    return direct.flatMap((c) => [c, ...childrenOf(c)]);
  } catch {
    return [];
  }
}

function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    child.once("exit", () => resolve(undefined));
    child.kill("SIGTERM");
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }, 3000).unref();
  });
}

// ---- start everything ------------------------------------------------------------------------------------------
const mock = await startMockUpstream();
const otlp = await startOtlpReceiver();
log(`mock upstream ${mock.url}, OTLP receiver ${otlp.url}`);

log("building the bare Worker and tracegate (wrangler deploy --dry-run --outdir)");
const bareBuild = buildWorker(join(benchDir, "bare-worker.wrangler.toml"));
const tgBuild = buildWorker(join(root, "wrangler.toml"));

const provider = { model: "bench/*", provider_interface: "openai", base_url: `${mock.url}/v1`, access_key: "sk-bench" };
const configOff = JSON.stringify({ model_providers: [provider], auth: "none" });
const configTrace = JSON.stringify({
  model_providers: [provider],
  auth: "none",
  tracing: { random_sampling: 100, exporters: [{ endpoint: otlp.url }] },
});

const chatPath = "/v1/chat/completions";
const json = { "content-type": "application/json", authorization: "Bearer sk-bench" };

/** @type {Array<{ id: string, label: string, runtime: string, target: { port: number, path: string, headers: Record<string, string> }, model: (m: string) => string, child?: import("node:child_process").ChildProcess }>} */
const systems = [];
systems.push({ id: "direct", label: "direct to the mock", runtime: "Node http", target: { port: mock.port, path: chatPath, headers: json }, model: (m) => m });

async function startWorkerdSystem(id, label, build, bindings, model) {
  const port = await freePort();
  const config = writeWorkerdConfig(build, { port, textBindings: bindings });
  const { child, stderr } = spawnWorkerd(config);
  const system = { id, label, runtime: "workerd serve", target: { port, path: chatPath, headers: json }, model, child, stderr };
  await waitReady(system, process.hrtime.bigint());
  systems.push(system);
}
await startWorkerdSystem("bare", "bare Worker (workerd)", bareBuild, { UPSTREAM: mock.url }, (m) => m);
await startWorkerdSystem("tracegate", "tracegate, tracing off (workerd)", tgBuild, { GATEWAY_CONFIG: configOff }, (m) => `bench/${m}`);
await startWorkerdSystem("tracegate-traced", "tracegate, tracing 100% → OTLP (workerd)", tgBuild, { GATEWAY_CONFIG: configTrace }, (m) => `bench/${m}`);

{
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", join(benchDir, "portkey-preload.mjs"), portkeyEntry, `--port=${port}`, "--headless"], {
    cwd: benchDir,
    stdio: ["ignore", "ignore", "ignore"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const system = {
    id: "portkey",
    label: `Portkey ${portkeyVersion} (Node)`,
    runtime: `Node ${process.versions.node}`,
    target: { port, path: chatPath, headers: { ...json, "x-portkey-provider": "openai", "x-portkey-custom-host": `${mock.url}/v1` } },
    model: (m) => m,
    child,
  };
  await waitReady(system, process.hrtime.bigint());
  systems.push(system);
}
log(`serving: ${systems.map((s) => `${s.id}@${s.target.port}`).join(", ")}`);

// ---- measure, alternating the systems and rotating the order each round --------------------------------------
/** @type {Record<string, { c1: number[], c1Errors: number, lat50: number[], lat50Errors: number, c32: Array<ReturnType<typeof measureC32> extends Promise<infer T> ? T : never>, ttfc: number[], streamTotal: number[], streamErrors: number }>} */
const acc = Object.fromEntries(systems.map((s) => [s.id, { c1: [], c1Errors: 0, lat50: [], lat50Errors: 0, c32: [], ttfc: [], streamTotal: [], streamErrors: 0 }]));
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

for (let round = 0; round < P.rounds; round++) {
  const order = rotate(systems, round);
  log(`round ${round + 1}/${P.rounds}: concurrency 1, zero-delay (${P.c1N} requests each)`);
  for (const s of order) {
    const r = await measureC1(s, "zero", P.c1Warmup, P.c1N);
    acc[s.id].c1.push(...r.times);
    acc[s.id].c1Errors += r.errors;
  }
  log(`round ${round + 1}/${P.rounds}: concurrency 1, 50 ms upstream (${P.latencyN} requests each)`);
  for (const s of order) {
    const r = await measureC1(s, "latency", 2, P.latencyN);
    acc[s.id].lat50.push(...r.times);
    acc[s.id].lat50Errors += r.errors;
  }
  log(`round ${round + 1}/${P.rounds}: concurrency 32 (${P.c32Seconds} s each)`);
  for (const s of order) {
    await measureC32(s, 1); // warm-up: JIT and 32 connections open
    acc[s.id].c32.push(await measureC32(s, P.c32Seconds));
  }
  log(`round ${round + 1}/${P.rounds}: streaming (${P.streamsPerRound} streams each, started ${STREAM_STAGGER_MS} ms apart)`);
  for (const s of order) {
    const r = await measureStreams(s, P.streamsPerRound);
    acc[s.id].ttfc.push(...r.ttfc);
    acc[s.id].streamTotal.push(...r.total);
    acc[s.id].streamErrors += r.errors;
  }
}

const memory = Object.fromEntries(systems.map((s) => [s.id, s.child?.pid ? memoryOf(s.child.pid) : null]));
const otlpStats = otlp.stats();
for (const s of systems) if (s.child) await stopProcess(s.child);

// ---- cold start ----------------------------------------------------------------------------------------------
log(`cold start: workerd spawn → first answered request (${P.coldStarts} each)`);
const coldStart = {};
for (const [id, build, bindings, model] of [
  ["bare", bareBuild, { UPSTREAM: mock.url }, (m) => m],
  ["tracegate", tgBuild, { GATEWAY_CONFIG: configOff }, (m) => `bench/${m}`],
]) {
  const times = [];
  for (let i = 0; i < P.coldStarts; i++) {
    const port = await freePort();
    const config = writeWorkerdConfig(build, { port, textBindings: bindings });
    const t0 = process.hrtime.bigint();
    const { child } = spawnWorkerd(config);
    times.push(await waitReady({ id, target: { port, path: chatPath, headers: json }, model }, t0));
    await stopProcess(child);
  }
  coldStart[id] = { runsMs: times, medianMs: median(times) };
}
// The floor under both: workerd answering with no Worker code of note is the bare Worker; also note the binary.

// ---- wrangler dev (what a developer sees) --------------------------------------------------------------------
const wranglerDev = {};
if (WRANGLER_DEV) {
  const wranglerJs = createRequire(join(root, "package.json")).resolve("wrangler/bin/wrangler.js");
  for (const [id, configPath, vars, model] of [
    ["bare", join(benchDir, "bare-worker.wrangler.toml"), { UPSTREAM: mock.url }, (m) => m],
    ["tracegate", join(root, "wrangler.toml"), { GATEWAY_CONFIG: configOff }, (m) => `bench/${m}`],
  ]) {
    const port = await freePort();
    const inspector = await freePort();
    const varArgs = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
    log(`wrangler dev: ${id} on ${port}`);
    const child = spawn(
      process.execPath,
      [wranglerJs, "dev", "--config", configPath, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--log-level", "error", ...varArgs],
      { cwd: root, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" }, detached: false },
    );
    let stderr = "";
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const system = { id, target: { port, path: chatPath, headers: json }, model };
    try {
      await waitReady(system, process.hrtime.bigint(), 60_000);
      const c1 = await measureC1(system, "zero", 50, P.devN);
      await measureC32(system, 1);
      const c32 = await measureC32(system, P.devSeconds);
      const sorted = sortNum(c1.times);
      wranglerDev[id] = { c1P50Us: percentile(sorted, 50), c1P99Us: percentile(sorted, 99), c1Errors: c1.errors, c32Rps: c32.rps, c32P99Ms: c32.p99Ms, c32Errors: c32.errors };
    } catch (err) {
      wranglerDev[id] = { error: String(err).slice(0, 300), stderr: stderr.slice(-500) };
    }
    await stopProcess(child);
  }
}
await mock.close();
await otlp.close();

// ---- results -----------------------------------------------------------------------------------------------------
const c1Direct = sortNum(acc.direct.c1);
const lat50Direct = sortNum(acc.direct.lat50);
const directTtfc = median(acc.direct.ttfc);
const results = {
  date: new Date().toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.versions.node,
    workerd: spawnSync(workerdBinary(), ["--version"], { encoding: "utf8" }).stdout.trim(),
    loadAverage: { start: loadAtStart, end: loadavg()[0] },
  },
  parameters: { ...P, streamConcurrency: STREAM_CONCURRENCY, streamStaggerMs: STREAM_STAGGER_MS, streamChunks: STREAM_CHUNKS, streamIntervalMs: 20, quick: QUICK },
  systems: systems.map((s) => {
    const a = acc[s.id];
    const c1 = sortNum(a.c1);
    const lat = sortNum(a.lat50);
    const rpsRuns = a.c32.map((r) => r.rps);
    return {
      id: s.id,
      label: s.label,
      runtime: s.runtime,
      c1: {
        n: c1.length,
        p50Us: percentile(c1, 50),
        p99Us: percentile(c1, 99),
        addedP50Us: percentile(c1, 50) - percentile(c1Direct, 50),
        addedP99Us: percentile(c1, 99) - percentile(c1Direct, 99),
        errors: a.c1Errors,
      },
      latency50ms: { n: lat.length, p50Us: percentile(lat, 50), addedP50Us: percentile(lat, 50) - percentile(lat50Direct, 50), errors: a.lat50Errors },
      c32: {
        rps: median(rpsRuns),
        rpsRuns,
        p99Ms: median(a.c32.map((r) => r.p99Ms)),
        p50Ms: median(a.c32.map((r) => r.p50Ms)),
        requests: a.c32.reduce((n, r) => n + r.requests, 0),
        errors: a.c32.reduce((n, r) => n + r.errors, 0),
      },
      streaming: {
        n: a.ttfc.length,
        ttfcP50Us: median(a.ttfc),
        ttfcAddedUs: median(a.ttfc) - directTtfc,
        totalP50Ms: median(a.streamTotal) / 1000,
        errors: a.streamErrors,
      },
      memory: memory[s.id],
    };
  }),
  coldStart,
  wranglerDev,
  otlp: otlpStats,
};

const by = Object.fromEntries(results.systems.map((s) => [s.id, s]));
const tg = by.tracegate;
const tgt = by["tracegate-traced"];
const bare = by.bare;
const pk = by.portkey;
results.targets = [
  { target: "tracing off: added p50 over the bare Worker at c=1 <= 300 us", value: tg.c1.p50Us - bare.c1.p50Us, unit: "us", met: tg.c1.p50Us - bare.c1.p50Us <= 300 },
  { target: "tracing off: added p99 over the bare Worker at c=1 <= 1 ms", value: tg.c1.p99Us - bare.c1.p99Us, unit: "us", met: tg.c1.p99Us - bare.c1.p99Us <= 1000 },
  { target: "tracing off: throughput at c=32 >= 85% of the bare Worker's", value: (100 * tg.c32.rps) / bare.c32.rps, unit: "%", met: tg.c32.rps >= 0.85 * bare.c32.rps },
  { target: "tracing 100%: throughput at c=32 >= 70% of the bare Worker's", value: (100 * tgt.c32.rps) / bare.c32.rps, unit: "%", met: tgt.c32.rps >= 0.7 * bare.c32.rps },
  { target: "streaming time to first chunk added over the bare Worker <= 1 ms (tracing off)", value: tg.streaming.ttfcP50Us - bare.streaming.ttfcP50Us, unit: "us", met: tg.streaming.ttfcP50Us - bare.streaming.ttfcP50Us <= 1000 },
  { target: "streaming time to first chunk added over the bare Worker <= 1 ms (tracing 100%)", value: tgt.streaming.ttfcP50Us - bare.streaming.ttfcP50Us, unit: "us", met: tgt.streaming.ttfcP50Us - bare.streaming.ttfcP50Us <= 1000 },
  { target: "tracing 100%: throughput >= 3x Portkey's", value: tgt.c32.rps / pk.c32.rps, unit: "x", met: tgt.c32.rps >= 3 * pk.c32.rps },
];

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "—");
const signed = (n, d = 0) => (Number.isFinite(n) ? `${n >= 0 ? "+" : ""}${fmt(n, d)}` : "—");
const mib = (kib) => (kib ? `${fmt(kib / 1024, 0)} MiB` : "—");

function markdown(r) {
  const m = r.machine;
  const lines = [];
  lines.push(`Run ${r.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, workerd ${m.workerd}; ${r.durationSeconds} s${r.parameters.quick ? " (--quick)" : ""}.`);
  lines.push(`Client, mock upstream and systems share the machine; every system is measured against the same mock in one run, alternating, ${r.parameters.rounds} round(s).`);
  lines.push("");
  lines.push("| system | c=1 p50 | added p50 | added p99 | +50 ms upstream, added p50 | c=32 RPS | c=32 p99 | stream first chunk, added | stream total | peak RSS | errors |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const s of r.systems) {
    const errors = s.c1.errors + s.latency50ms.errors + s.c32.errors + s.streaming.errors;
    const direct = s.id === "direct";
    lines.push(
      `| ${s.label} | ${fmt(s.c1.p50Us)} us | ${direct ? "—" : `${signed(s.c1.addedP50Us)} us`} | ${direct ? "—" : `${signed(s.c1.addedP99Us)} us`} | ${direct ? `${fmt(s.latency50ms.p50Us / 1000, 2)} ms` : `${signed(s.latency50ms.addedP50Us)} us`} | ${fmt(s.c32.rps)} | ${fmt(s.c32.p99Ms)} ms | ${direct ? `${fmt(s.streaming.ttfcP50Us)} us` : `${signed(s.streaming.ttfcAddedUs)} us`} | ${fmt(s.streaming.totalP50Ms)} ms | ${direct ? "(mock)" : mib(s.memory?.peakRssKiB)} | ${errors} |`,
    );
  }
  lines.push("");
  lines.push(`Added = system minus direct to the mock (p50 and p99 of per-request times measured with \`process.hrtime\` on one keep-alive connection). c=32: autocannon, 32 connections, median of the rounds. Streaming: 64 chunks 20 ms apart; ${r.parameters.streamsPerRound} streams per round started ${r.parameters.streamStaggerMs} ms apart (up to 14 open at once) on keep-alive connections; p50. Load average (1 min) at start ${r.machine.loadAverage.start.toFixed(2)}, at end ${r.machine.loadAverage.end.toFixed(2)}: other work on the machine moves these figures.`);
  lines.push("");
  const cs = r.coldStart;
  lines.push(`Cold start (workerd spawn → first answered request, median of ${r.parameters.coldStarts}): bare Worker ${fmt(cs.bare?.medianMs, 1)} ms, tracegate ${fmt(cs.tracegate?.medianMs, 1)} ms.`);
  const wd = r.wranglerDev;
  if (wd.bare || wd.tracegate) {
    const one = (x) => (x && "c1P50Us" in x ? `c=1 p50 ${fmt(x.c1P50Us)} us, p99 ${fmt(x.c1P99Us)} us; c=32 ${fmt(x.c32Rps)} RPS, p99 ${fmt(x.c32P99Ms)} ms` : `failed: ${x?.error ?? "not run"}`);
    lines.push(`Under \`wrangler dev\` (its local proxy in front; what a developer sees): bare Worker ${one(wd.bare)}; tracegate ${one(wd.tracegate)}.`);
  }
  lines.push(`OTLP receiver got ${fmt(r.otlp.posts)} POSTs (${fmt(r.otlp.bytes / 1024, 0)} KiB) from the traced run.`);
  lines.push("");
  lines.push("| target | measured | |");
  lines.push("|---|---|---|");
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.unit === "x" ? fmt(t.value, 2) : fmt(t.value, t.unit === "%" ? 1 : 0)} ${t.unit} | ${t.met ? "met" : "**missed**"} |`);
  return lines.join("\n");
}

const md = markdown(results);
const resultsDir = join(benchDir, "results");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, QUICK ? "quick.json" : "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(resultsDir, QUICK ? "quick.md" : "latest.md"), `${md}\n`);
if (UPDATE_README && !QUICK) {
  const readmePath = join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const re = /<!-- bench:start -->[\s\S]*?<!-- bench:end -->/;
  if (re.test(readme)) writeFileSync(readmePath, readme.replace(re, () => `<!-- bench:start -->\n${md}\n<!-- bench:end -->`));
  else log("README.md has no <!-- bench:start --> … <!-- bench:end --> markers; not updated");
}
console.log(md);
log(`done in ${results.durationSeconds} s; results in bench/results/${QUICK ? "quick" : "latest"}.{json,md}`);
