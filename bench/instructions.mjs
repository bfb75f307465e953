#!/usr/bin/env node
// Instructions per request, load-independent: builds tracegate at a git ref (or the working tree), serves it on
// `workerd serve` under valgrind's callgrind, warms it up, then sends batches of sequential requests (two unless
// --batches) and dumps the instruction count of each. On a machine shared with other work, wall and CPU time wander;
// the count of instructions for the same binary and inputs does not, but a batch that carries a major GC or a
// recompilation counts more: compare the median of several (`--warmup 2000 --requests 400 --batches 5`, whose
// batches 1-3 agree within about 1%; docs/benchmarks.md, "Tracing off, fourth look").
//
//   node bench/instructions.mjs [--ref c4868fa] [--traced] [--warmup 300] [--requests 200] [--sampling 100] [--env NAME=value]
//                               [--concurrency 1] [--by-function 40] [--batches 2] [--model zero]
//
// Prints per-request instructions of each batch (Ir / requests). Slow: valgrind runs workerd ~50x slower.
// --by-function N: V8 writes a perf map (--perf-basic-prof), and the last batch's instructions are split by the
// function they ran in (JavaScript by name and bundle line, the runtime by symbol, self cost), N rows.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { startMockUpstream } from "./mock-upstream.mjs";
import { startOtlpReceiver } from "./otlp-receiver.mjs";
import { printByFunction } from "./by-function.mjs";
import { buildWorker, treeAt, workerdBinary, writeWorkerdConfig } from "./workerd.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const REF = opt("--ref", undefined);
const WARMUP = Number(opt("--warmup", 300));
const REQUESTS = Number(opt("--requests", 200));
const mock = await startMockUpstream();
const otlp = await startOtlpReceiver();
const provider = { model: "bench/*", provider_interface: "openai", base_url: `${mock.url}/v1`, access_key: "sk-bench" };
const config = { model_providers: [provider], auth: "none" };
// --sampling N: the traced build at another percentage (0: tracing on, nothing recorded: the middleware and
// propagation alone).
const SAMPLING = Number(opt("--sampling", 100));
if (args.includes("--traced")) config.tracing = { random_sampling: SAMPLING, exporters: [{ endpoint: otlp.url }] };

// --tree DIR: an already prepared copy (e.g. treeAt(ref) with a patch, to price one piece of work by taking it out).
const build = buildWorker(join(opt("--tree", undefined) ?? treeAt(REF), "wrangler.toml"));
const port = 20400 + Math.floor(Math.random() * 500);
// --env NAME=value (repeatable): more text bindings, e.g. OTEL_METRICS_EXPORTER=none to price a feature.
const extraEnv = Object.fromEntries(args.flatMap((a, i) => (a === "--env" ? [args[i + 1].split(/=(.*)/s).slice(0, 2)] : [])));
const BY_FUNCTION = Number(opt("--by-function", 0));
const v8Flags = BY_FUNCTION > 0 ? ["--perf-basic-prof"] : [];
const capnp = writeWorkerdConfig(build, { port, textBindings: { GATEWAY_CONFIG: JSON.stringify(config), ...extraEnv }, v8Flags });
const outBase = join(build.outdir, "callgrind.out");
const child = spawn(
  "valgrind",
  ["--tool=callgrind", `--callgrind-out-file=${outBase}.%p`, "--dump-instr=no", "--compress-strings=no", workerdBinary(), "serve", capnp],
  { cwd: dirname(capnp), stdio: ["ignore", "ignore", "pipe"] },
);
process.on("exit", () => child.kill("SIGKILL")); // also when a request fails: no valgrind left behind
let stderr = "";
child.stderr.on("data", (c) => (stderr = (stderr + c).slice(-20_000)));

// --model NAME: the mock's behaviour (bench/mock-upstream.mjs), e.g. openai-headers for a real provider's headers.
const MODEL = opt("--model", "zero");
const payload = JSON.stringify({ model: `bench/${MODEL}`, messages: [{ role: "user", content: "Say hello to the benchmark." }], max_tokens: 16 });
// A new connection per request (agent: false): under valgrind an idle keep-alive socket may be closed under us.
const once = () =>
  new Promise((resolve, reject) => {
    const req = request(
      { agent: false, host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
// --concurrency N: N requests in flight at once (the batch is shared out), as at the throughput benchmark's c=32,
// where concurrent requests' spans share POSTs.
const CONCURRENCY = Number(opt("--concurrency", 1));
const batch = async (n) => {
  let left = n;
  const worker = async () => {
    // One retry: a reset connection is not the Worker's doing.
    while (left-- > 0) await once().catch(once);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await new Promise((r) => setTimeout(r, 1500)); // let waitUntil work (the export) finish inside the batch
};
for (let i = 0; ; i++) {
  try {
    await once();
    break;
  } catch (e) {
    if (i > 600) throw new Error(`workerd did not answer: ${e}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
let lastDump = "";
const dump = () => {
  execFileSync("callgrind_control", ["--dump", String(child.pid)], { stdio: "ignore" });
  const files = readdirSync(build.outdir).filter((f) => f.startsWith(`callgrind.out.${child.pid}.`));
  const latest = files.sort((a, b) => Number(a.split(".").pop()) - Number(b.split(".").pop())).pop();
  const text = readFileSync(join(build.outdir, latest), "utf8");
  lastDump = text;
  return Number(/^summary:\s+(\d+)/m.exec(text)?.[1] ?? /^totals:\s+(\d+)/m.exec(text)?.[1]);
};
// Self instructions a request in V8's bytecode interpreter (its entry trampoline). A measured batch of a healthy
// run has none; now and then, under valgrind, a whole run's JavaScript never leaves the interpreter and counts
// 15-20% more: such a run is not comparable with another.
const interpreted = (text) => {
  let cost = 0;
  let inside = false;
  let call = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("fn=")) inside = line.includes("Builtins_InterpreterEntryTrampoline");
    else if (line.startsWith("calls=")) call = true;
    else if (inside && /^[0-9+\-*]/.test(line)) {
      if (!call) cost += Number(line.split(" ")[1] ?? 0);
      call = false;
    }
  }
  return Math.round(cost / REQUESTS);
};
await batch(WARMUP);
dump();
// --batches N: more measured batches (default 2); a batch now and then carries a major GC or recompilation, so the
// median of several is the figure to compare.
const BATCHES = Math.max(2, Number(opt("--batches", 2)));
const perRequest = [];
for (let i = 0; i < BATCHES; i++) {
  await batch(REQUESTS);
  perRequest.push(Math.round(dump() / REQUESTS));
  const inInterpreter = interpreted(lastDump);
  if (inInterpreter > 2000) console.warn(`batch ${i + 1}: ${inInterpreter.toLocaleString("en-US")} instructions a request in V8's interpreter: this run's JavaScript was not compiled; discard it`);
}
if (BY_FUNCTION > 0) printByFunction(lastDump, `/tmp/perf-${child.pid}.map`, REQUESTS, BY_FUNCTION);
child.kill("SIGTERM");
await mock.close();
await otlp.close();
const envNote = Object.keys(extraEnv).length > 0 ? `, ${Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`).join(" ")}` : "";
const concurrencyNote = `${CONCURRENCY > 1 ? `, concurrency ${CONCURRENCY}` : ""}${MODEL === "zero" ? "" : `, model ${MODEL}`}`;
const label = `${REF ?? "working tree"}, ${args.includes("--traced") ? `traced ${SAMPLING}%` : "tracing off"}${envNote}${concurrencyNote}`;
const figures = perRequest.map((n) => n.toLocaleString("en-US"));
const median = [...perRequest].sort((x, y) => x - y)[Math.floor((BATCHES - 1) / 2)];
const medianNote = BATCHES > 2 ? `; median ${median.toLocaleString("en-US")}` : "";
console.log(`${label}: ${figures.join(", ")} instructions/request (batches of ${REQUESTS} after ${WARMUP} warm-up${medianNote})`);
process.exit(0);

