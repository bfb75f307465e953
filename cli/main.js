// @ts-check
// `tracegate` command line: `traces` runs the receiver; `trace` and `stats` read a running one over HTTP.
import { parseArgs } from "node:util";
import { startReceiver } from "../viewer/receiver.js";
import { DEFAULT_MAX_TRACES } from "../viewer/store.js";

const USAGE = `usage:
  tracegate traces [--port 4318] [--host 127.0.0.1] [--file traces.jsonl] [--max-traces 1000]
  tracegate trace [last|<trace-id or 8-char prefix>] [--where key=value]... [--since 5m|2h|1d] [--limit N]
                  [--list] [--json] [-v] [--url http://127.0.0.1:4318]
  tracegate stats [--since 1h] [--where key=value]... [--json] [--url http://127.0.0.1:4318]
  tracegate hash-key [--new] [key]     (SHA-256 for auth.keys[].key_sha256; the key may also come on stdin)`;

/** @param {string[]} argv @returns {Promise<number>} exit code; the receiver keeps the process alive */
export async function main(argv) {
  const [command, ...rest] = argv;
  // `tracegate <command> --help` prints the usage instead of failing on an option the command does not declare.
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    if (command === "traces" || command === "serve") return await runReceiver(rest);
    if (command === "trace") return await (await import("./trace.js")).runTrace(rest);
    if (command === "stats") return await (await import("./trace.js")).runStats(rest);
    if (command === "hash-key") return await (await import("./hash-key.js")).runHashKey(rest);
    if (command === "help" || command === "--help" || command === "-h" || command === undefined) {
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    }
    console.error(`tracegate: unknown command "${command}"\n${USAGE}`);
    return 1;
  } catch (err) {
    console.error(`tracegate: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** @param {string[]} args */
async function runReceiver(args) {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: process.env.TRACEGATE_RECEIVER_PORT ?? "4318" },
      host: { type: "string", default: "127.0.0.1" },
      file: { type: "string" },
      "max-traces": { type: "string", default: String(DEFAULT_MAX_TRACES) },
    },
  });
  const port = Number(values.port);
  const maxTraces = Number(values["max-traces"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  if (!Number.isInteger(maxTraces) || maxTraces < 1) throw new Error(`invalid --max-traces ${values["max-traces"]}`);
  const receiver = await startReceiver({ port, host: values.host, file: values.file, maxTraces });
  const loaded = receiver.store.size > 0 ? ` (${receiver.store.size} traces loaded from ${values.file})` : "";
  console.log(`tracegate: OTLP/HTTP receiver on ${receiver.url}/v1/traces${loaded}`);
  console.log(`tracegate: traces in the browser at ${receiver.url}/ ; in the terminal: npx tracegate trace`);
  const stop = () => {
    void receiver.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return -1;
}
