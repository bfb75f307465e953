#!/usr/bin/env node
// @ts-check
// `npm start`: the gateway (`wrangler dev`) and the trace receiver (`tracegate traces`) together, their output
// prefixed, stopped together on Ctrl-C / SIGTERM or when either exits.
//   node scripts/start.mjs [--port 8787] [--receiver-port 4318] [--file traces.jsonl] [-- <more wrangler dev args>]
// Ports also from TRACEGATE_PORT / TRACEGATE_RECEIVER_PORT. The Worker is pointed at the receiver with
// OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:<receiver-port> (used when the config lists no `tracing.exporters`).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dash = process.argv.indexOf("--", 2);
const own = dash === -1 ? process.argv.slice(2) : process.argv.slice(2, dash);
const extra = dash === -1 ? [] : process.argv.slice(dash + 1);
const { values } = parseArgs({
  args: own,
  options: {
    port: { type: "string", default: process.env.TRACEGATE_PORT ?? "8787" },
    "receiver-port": { type: "string", default: process.env.TRACEGATE_RECEIVER_PORT ?? "4318" },
    file: { type: "string" },
  },
});
const gatewayUrl = `http://127.0.0.1:${values.port}`;
const receiverUrl = `http://127.0.0.1:${values["receiver-port"]}`;

const require = createRequire(import.meta.url);
const wranglerBin = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");

/** @type {{ name: string, child: import("node:child_process").ChildProcess }[]} */
const children = [];
/** Names of the children that said they listen (waiting for output, not polling, keeps /healthz traces out). */
const ready = new Set();
let announced = false;

/** @param {string} name @param {string[]} args @param {Record<string, string>} env */
function start(name, args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stop() ends wrangler's workerd too
  });
  const prefix = `[${name}]`.padEnd(10);
  const readyLine = name === "gateway" ? "Ready on http" : "OTLP/HTTP receiver on";
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (/** @type {Buffer} */ chunk) => {
      const lines = (rest + chunk.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        process.stdout.write(`${prefix}${line}\n`);
        if (line.includes(readyLine)) ready.add(name);
      }
      if (ready.size === 2 && !announced) announce();
    });
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.log(`${prefix}exited (${signal ?? code}); stopping`);
    void stop(code ?? 1);
  });
  children.push({ name, child });
  return child;
}

let stopping = false;
/** Ends both process groups (SIGTERM, then SIGKILL after 5 s) and exits. */
async function stop(/** @type {number} */ code) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve(undefined);
          const pid = child.pid;
          const kill = (/** @type {NodeJS.Signals} */ sig) => {
            try {
              process.kill(-pid, sig);
            } catch {
              // already gone
            }
          };
          const timer = setTimeout(() => kill("SIGKILL"), 5_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve(undefined);
          });
          kill("SIGTERM");
        }),
    ),
  );
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const receiverArgs = [join(root, "bin", "tracegate.js"), "traces", "--port", String(values["receiver-port"])];
if (values.file) receiverArgs.push("--file", values.file);
start("traces", receiverArgs);
start(
  "gateway",
  [wranglerBin, "dev", "--ip", "127.0.0.1", "--port", String(values.port), "--var", `OTEL_EXPORTER_OTLP_ENDPOINT:${receiverUrl}`, ...extra],
  { WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" },
);

function announce() {
  announced = true;
  console.log(`
  tracegate is running
    gateway   ${gatewayUrl}   (OpenAI: ${gatewayUrl}/v1, Anthropic: ${gatewayUrl})
    traces    ${receiverUrl}   (browser)  ·  npx tracegate trace  (terminal)  ·  OTLP/HTTP ${receiverUrl}/v1/traces
  try:
    curl -s ${gatewayUrl}/v1/chat/completions -H 'content-type: application/json' \\
      -d '{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}'
    npx tracegate trace${values["receiver-port"] === "4318" ? "" : ` --url ${receiverUrl}`}
  Ctrl-C stops both.
`);
}
