#!/usr/bin/env node
// Cause-finding experiment for the missed throughput targets: builds tracegate from a temporary copy of the repo
// with one candidate fix applied at a time (src/ itself is never touched), serves each bundle on workerd next to the
// unmodified build and the bare Worker, and compares throughput at concurrency 32 against the same mock, alternating.
//
//   node bench/variants.mjs [--seconds 5] [--rounds 2] [--stream]
//
// Candidates (string patches; a patch that no longer applies is reported and its variant skipped):
//   coalesced-flush  one OTLP export in flight per isolate: a request adds its spans to the isolate buffer and
//                    returns if an export is already running; that export drains the buffer again before it ends
//   no-request-signal  the client's request.signal (enable_request_signal) is not touched: no abort listener per
//                    request (an experiment only: client disconnects would no longer abort the upstream call)
//   signal-streams-only  request.signal is read (and listened to) for streamed calls only: a client that leaves
//                    during a non-streamed call no longer aborts it (a candidate fix that keeps stream aborts)
//   native-stream    (with --stream) a streamed answer is the provider's body stream itself, as in the bare Worker,
//                    instead of pipe.ts's JavaScript ReadableStream (an experiment only: no translation, no
//                    usage stripping, the CLIENT span never ends)
//   raw-body         a pass-through (OpenAI → OpenAI) JSON answer is returned as the provider's text instead of
//                    JSON.parse + Response.json re-serialization (the parse stays: spans and usage need it)
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockUpstream } from "./mock-upstream.mjs";
import { startOtlpReceiver } from "./otlp-receiver.mjs";
import { buildWorker, root, spawnWorkerd, writeWorkerdConfig } from "./workerd.mjs";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const SECONDS = opt("--seconds", 5);
const ROUNDS = opt("--rounds", 2);
const autocannon = (await import(createRequire(join(benchDir, "package.json")).resolve("autocannon"))).default;

/** @type {Record<string, Array<{ file: string, find: RegExp, replace: string }>>} */
const PATCHES = {
  "coalesced-flush": [
    {
      file: "src/telemetry/middleware.ts",
      find: /isolateSpanBuffer\.add\(recorder\.spans\);\n(\s*)await flush\(isolateSpanBuffer, settings\.targets, settings\.resource, (\{[\s\S]*?\})\);/,
      replace:
        "isolateSpanBuffer.add(recorder.spans);\n$1if (inFlightExport) return;\n$1const deps = $2;\n$1inFlightExport = (async () => {\n$1  try {\n$1    while (isolateSpanBuffer.size > 0) await flush(isolateSpanBuffer, settings.targets, settings.resource, deps);\n$1  } finally {\n$1    inFlightExport = undefined;\n$1  }\n$1})();\n$1await inFlightExport;",
    },
    {
      file: "src/telemetry/middleware.ts",
      find: /\nasync function finish\(/,
      replace: "\nlet inFlightExport: Promise<void> | undefined;\n\nasync function finish(",
    },
  ],
  "no-request-signal": [
    {
      file: "src/exchange/attempt.ts",
      find: /c\.req\.raw\.signal/g,
      replace: "new AbortController().signal",
    },
    {
      file: "src/exchange/handle.ts",
      find: /c\.req\.raw\.signal/g,
      replace: "new AbortController().signal",
    },
  ],
  "signal-streams-only": [
    {
      file: "src/exchange/attempt.ts",
      find: /clientSignal: c\.req\.raw\.signal,/,
      replace: "clientSignal: streaming ? c.req.raw.signal : new AbortController().signal,",
    },
    {
      file: "src/exchange/handle.ts",
      find: /const signal = c\.req\.raw\.signal;/,
      replace: "const signal = streaming ? c.req.raw.signal : new AbortController().signal;",
    },
  ],
  "native-stream": [
    {
      file: "src/exchange/attempt.ts",
      find: /const body = pipeStream\(exchange, plan\.stream\(\), source\);/,
      replace: "const body = source ? pipeStream(exchange, plan.stream(), source) : upstream.body;",
    },
  ],
  "raw-body": [
    {
      file: "src/exchange/attempt.ts",
      find: /return \{ kind: "answer", response: Response\.json\(plan\.response\(json\), \{ headers \}\) \};/,
      replace:
        'const answerJson = plan.response(json);\n  return { kind: "answer", response: answerJson === json ? new Response(text, { headers: { "content-type": "application/json", ...headers } }) : Response.json(answerJson, { headers }) };',
    },
  ],
};

/** A copy of the repo (src, config, wrangler.toml; node_modules linked) with the named patches applied. */
function variantTree(names) {
  const dir = mkdtempSync(join(tmpdir(), "tracegate-variant-"));
  for (const f of ["src", "wrangler.toml", "package.json", "tsconfig.json", "gateway.config.yaml"]) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  for (const name of names) {
    for (const p of PATCHES[name]) {
      const path = join(dir, p.file);
      const text = readFileSync(path, "utf8");
      p.find.lastIndex = 0;
      if (!p.find.test(text)) throw new Error(`patch ${name} no longer applies to ${p.file}`);
      writeFileSync(path, text.replace(p.find, p.replace));
    }
  }
  return dir;
}

const mock = await startMockUpstream();
const otlp = await startOtlpReceiver();
const provider = { model: "bench/*", provider_interface: "openai", base_url: `${mock.url}/v1`, access_key: "sk-bench" };
const off = JSON.stringify({ model_providers: [provider], auth: "none" });
const traced = JSON.stringify({ model_providers: [provider], auth: "none", tracing: { random_sampling: 100, exporters: [{ endpoint: otlp.url }] } });

const builds = new Map();
function build(names) {
  const key = names.join("+") || "as committed";
  if (!builds.has(key)) {
    const dir = variantTree(names);
    builds.set(key, buildWorker(join(dir, "wrangler.toml")));
  }
  return builds.get(key);
}

const STREAM = args.includes("--stream");
const plan = STREAM
  ? [
      { id: "bare Worker", build: () => buildWorker(join(benchDir, "bare-worker.wrangler.toml")), bindings: { UPSTREAM: mock.url }, model: "zero" },
      { id: "tracegate off, as committed", names: [], config: off },
      { id: "tracegate off, native-stream", names: ["native-stream"], config: off },
    ]
  : [
  { id: "bare Worker", build: () => buildWorker(join(benchDir, "bare-worker.wrangler.toml")), bindings: { UPSTREAM: mock.url }, model: "zero" },
  { id: "tracegate off, as committed", names: [], config: off },
  { id: "tracegate off, raw-body", names: ["raw-body"], config: off },
  { id: "tracegate off, no-request-signal", names: ["no-request-signal"], config: off },
  { id: "tracegate off, signal-streams-only + raw-body", names: ["signal-streams-only", "raw-body"], config: off },
  { id: "tracegate 100%, as committed", names: [], config: traced },
  { id: "tracegate 100%, coalesced-flush", names: ["coalesced-flush"], config: traced },
  { id: "tracegate 100%, coalesced-flush + signal-streams-only + raw-body", names: ["coalesced-flush", "signal-streams-only", "raw-body"], config: traced },
    ];

const systems = [];
let port = 19400 + Math.floor(Math.random() * 500);
for (const p of plan) {
  let b;
  try {
    b = p.build ? p.build() : build(p.names);
  } catch (err) {
    console.log(`skip ${p.id}: ${err.message}`);
    continue;
  }
  const config = writeWorkerdConfig(b, { port: ++port, textBindings: p.bindings ?? { GATEWAY_CONFIG: p.config } });
  const { child } = spawnWorkerd(config);
  systems.push({ id: p.id, port, child, model: p.model ?? "bench/zero", rps: [], errors: 0, posts: 0 });
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
    const r = await run(s, SECONDS);
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
console.log("| build | RPS | of bare | OTLP POSTs per 100 requests | errors |\n|---|---|---|---|---|");
for (const s of systems) {
  const rps = med(s.rps);
  const total = s.rps.reduce((a, b) => a + b, 0) * SECONDS;
  console.log(`| ${s.id} | ${Math.round(rps).toLocaleString("en-US")} | ${((100 * rps) / bare).toFixed(1)}% | ${s.posts ? ((100 * s.posts) / total).toFixed(1) : "—"} | ${s.errors} |`);
}
