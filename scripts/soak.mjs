#!/usr/bin/env node
// Soak test: `wrangler dev` with tracing at 100% (exporting to a local receiver), a mock OpenAI provider, and a
// bounded load — N requests at concurrency C, one in four streamed. Reports status counts and the workerd
// process's memory after warm-up and at the end. Loopback only. Usage: npm run soak -- [--requests 20000] [--concurrency 32]
//
// --hostile (issue 11 D1): the collector accepts the connection and never answers, and every request carries a
// 120 KB User-Agent, a 6 KB `x-app-note` header (recorded through span_attributes) and a 1,000-character model
// name. With --workerd the isolate's JS heap after a forced GC is read over workerd's inspector, before and after:
//   npm run soak -- --workerd --hostile --requests 2000 --concurrency 16
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { freePort } from "./free-port.mjs";
import { createRequire } from "node:module";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg("requests", 20_000);
const CONCURRENCY = arg("concurrency", 32);
const WARMUP = Math.min(1_000, Math.floor(REQUESTS / 10));
const TRACING = !process.argv.includes("--no-tracing");
// --workerd: the built bundle on `workerd serve` (the runtime Cloudflare runs) instead of `wrangler dev`, whose
// local dev stack grows by itself (a bare pass-through Worker grows about as much under it).
const WORKERD = process.argv.includes("--workerd");
const HOSTILE = process.argv.includes("--hostile");
const USER_AGENT = HOSTILE ? "Mozilla/5.0 (soak) ".padEnd(120_000, "u") : undefined;
const NOTE = HOSTILE ? "n".repeat(6_000) : undefined; // with the User-Agent, just under workerd's 128 KiB of headers
const MODEL = HOSTILE ? `soak/${"m".repeat(1_000)}` : "soak/m";

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const completion = JSON.stringify({
  id: "chatcmpl-soak", object: "chat.completion", created: 1, model: "soak",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});
const chunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: "chatcmpl-soak", object: "chat.completion.chunk", created: 1, model: "soak", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-soak", object: "chat.completion.chunk", created: 1, model: "soak", choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`;

const provider = await listen((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    if (JSON.parse(body).stream) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(chunk({ role: "assistant", content: "" }, null) + chunk({ content: "a b c" }, null) + chunk({}, "stop") + usageChunk + "data: [DONE]\n\n");
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end(completion);
    }
  });
});
let spansReceived = 0;
const receiver = await listen((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    spansReceived++;
    if (!HOSTILE) res.writeHead(200, { "content-type": "application/x-protobuf" }).end(); // hostile: never answers
  });
});
const port = await freePort();
const config = {
  model_providers: [{ model: "soak/*", provider_interface: "openai", base_url: `http://127.0.0.1:${provider.address().port}` }],
  auth: "none",
  ...(TRACING
    ? {
        tracing: {
          random_sampling: 100,
          exporters: [{ endpoint: `http://127.0.0.1:${receiver.address().port}/v1/traces` }],
          ...(HOSTILE ? { span_attributes: { header_prefixes: ["x-app-"] } } : {}),
        },
      }
    : {}),
};
let server;
let serverPgid;
let inspectorPort;
if (WORKERD) {
  const { buildWorker, writeWorkerdConfig, spawnWorkerd } = await import("../bench/workerd.mjs");
  const build = buildWorker(new URL("../wrangler.toml", import.meta.url).pathname);
  const capnp = writeWorkerdConfig(build, { port, textBindings: { GATEWAY_CONFIG: JSON.stringify(config) } });
  inspectorPort = port + 1000;
  server = spawnWorkerd(capnp, ["--inspector-addr", `127.0.0.1:${inspectorPort}`]).child;
  serverPgid = undefined;
} else {
  server = spawn(
    "npx",
    ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0", "--log-level", "error",
      "--show-interactive-dev-session=false", "--var", `GATEWAY_CONFIG:${JSON.stringify(config)}`],
    { detached: true, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  serverPgid = server.pid;
}
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 300; i++) {
  try {
    await (await fetch(`${url}/healthz`)).arrayBuffer();
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The isolate's JS heap (KiB) after a forced GC, over workerd's inspector (--workerd only; null if it fails). */
async function isolateHeapKiB() {
  if (inspectorPort === undefined) return null;
  const { WebSocket } = createRequire(import.meta.url)("ws");
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/main`);
  const replies = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data));
    replies.get(msg.id)?.(msg.result);
  });
  let id = 0;
  const send = (method) =>
    new Promise((resolve, reject) => {
      const my = ++id;
      // workerd handles inspector commands when the isolate runs: requests make sure it does until the answer.
      const pump = setInterval(() => fetch(`${url}/healthz`).then((r) => r.arrayBuffer(), () => undefined), 250);
      const timer = setTimeout(() => {
        clearInterval(pump);
        reject(new Error(`${method}: no answer`));
      }, 30_000);
      replies.set(my, (result) => {
        clearTimeout(timer);
        clearInterval(pump);
        resolve(result);
      });
      ws.send(JSON.stringify({ id: my, method, params: {} }));
    });
  try {
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    await send("HeapProfiler.collectGarbage");
    await send("HeapProfiler.collectGarbage");
    const usage = await send("Runtime.getHeapUsage");
    return Math.round(usage.usedSize / 1024);
  } catch (error) {
    console.error(`soak: heap not measured (${error.message})`);
    return null;
  } finally {
    ws.close();
  }
}

/** RSS (KiB) of the workerd process (under wrangler dev: every workerd in wrangler's process group). */
function workerdRss() {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      const ours = serverPgid === undefined ? Number(pid) === server.pid : pgid === serverPgid;
      if (!ours || !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // process gone
    }
  }
  return total;
}

const statuses = new Map();
let unexpected = 0;
async function one(i) {
  const stream = i % 4 === 0;
  try {
    const headers = { "content-type": "application/json" };
    if (HOSTILE) Object.assign(headers, { "user-agent": USER_AGENT, "x-app-note": NOTE });
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: MODEL, stream, messages: [{ role: "user", content: `hi ${i}` }] }),
    });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const ok = res.status === 200 && (stream ? text.endsWith("data: [DONE]\n\n") : text.includes('"content":"ok"'));
    if (!ok) unexpected++;
  } catch {
    statuses.set("network", (statuses.get("network") ?? 0) + 1);
    unexpected++;
  }
}
const samples = [];
async function run(count, sample = false) {
  let next = 0;
  const every = Math.max(1, Math.floor(count / 5));
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      const i = next++;
      if (sample && i > 0 && i % every === 0) samples.push({ requests: i, rssKiB: workerdRss() });
      await one(i);
    }
  });
  await Promise.all(workers);
}

await run(WARMUP);
console.error(`soak: warm-up done (${WARMUP} requests)`);
await new Promise((r) => setTimeout(r, 1_000));
const before = workerdRss();
const heapBefore = await isolateHeapKiB();
const started = Date.now();
await run(REQUESTS, true);
const seconds = (Date.now() - started) / 1000;
await new Promise((r) => setTimeout(r, 2_000));
const after = workerdRss();
const heapAfter = await isolateHeapKiB();
const afterGc = heapAfter === null ? null : workerdRss();
const result = {
  runtime: WORKERD ? "workerd serve" : "wrangler dev", requests: REQUESTS, concurrency: CONCURRENCY, tracing: TRACING, hostile: HOSTILE, streamedShare: 0.25, seconds, rps: Math.round(REQUESTS / seconds),
  statuses: Object.fromEntries(statuses), unexpectedErrors: unexpected, otlpPosts: spansReceived,
  workerdRssKiB: { afterWarmup: before, samples, end: after, endAfterGc: afterGc, growthPercent: before ? Math.round(((after - before) / before) * 1000) / 10 : null },
  isolateHeapAfterGcKiB: heapBefore === null ? null : { afterWarmup: heapBefore, end: heapAfter },
};
console.log(JSON.stringify(result, null, 2));
try {
  if (serverPgid === undefined) server.kill("SIGTERM");
  else process.kill(-serverPgid, "SIGTERM");
} catch {
  // already gone
}
provider.close();
receiver.close();
process.exit(unexpected === 0 ? 0 : 1);
