import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The W3C Trace Context test harness's side of its contract with a service under test (w3c/trace-context
 * test/README.md), on loopback: it POSTs `[{url, arguments}]` with chosen trace headers to the service, which must POST
 * `arguments` to each `url` (here: this harness's callback server), propagating the trace context. What each callback
 * carried is read back with the harness's own grammar, so a header it could not parse fails the test.
 */
export interface TraceContextHarness {
  /**
   * Sends one request to `endpoint` with these header lines (repeated names become repeated lines, names keep their
   * case) asking for `count` callbacks, and returns the header lines of each callback, in order.
   */
  callThrough(endpoint: string, headers: readonly [string, string][], count?: number): Promise<string[][]>;
  close(): Promise<void>;
}

export async function startTraceContextHarness(): Promise<TraceContextHarness> {
  const callbacks = new Map<string, string[]>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      callbacks.set(req.url ?? "", req.rawHeaders);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let next = 0;
  return {
    async callThrough(endpoint, headers, count = 1) {
      const paths = Array.from({ length: count }, () => `/callback/${next++}`);
      const body = JSON.stringify(paths.map((p) => ({ url: `${base}${p}`, arguments: [] })));
      const status = await post(endpoint, headers, body);
      if (status !== 200) throw new Error(`the service answered ${status}`);
      return paths.map((p) => {
        const raw = callbacks.get(p);
        if (!raw) throw new Error(`the service made no callback to ${p}`);
        return raw;
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function post(url: string, lines: readonly [string, string][], body: string): Promise<number> {
  const headers: IncomingHttpHeaders = { "content-type": "application/json" };
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of lines) (grouped[name] ??= []).push(value);
  for (const [name, values] of Object.entries(grouped)) headers[name] = values; // an array: one line per value
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Values of the header lines named `name` (any case), in order. */
function linesNamed(raw: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) values.push(raw[i + 1] ?? "");
  return values;
}

export interface Traceparent {
  readonly version: string;
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: number;
}

/** The callback's one `traceparent`, as the harness reads it: exactly one line, four lowercase hex fields. */
export function traceparentOf(raw: readonly string[]): Traceparent {
  const values = linesNamed(raw, "traceparent");
  if (values.length !== 1) throw new Error(`expected one traceparent header, got ${JSON.stringify(values)}`);
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(values[0] ?? "");
  if (!m || m[1] === "ff") throw new Error(`malformed traceparent ${JSON.stringify(values[0])}`);
  return { version: m[1] ?? "", traceId: m[2] ?? "", parentId: m[3] ?? "", flags: parseInt(m[4] ?? "", 16) };
}

// The harness's grammar (its tracecontext/tracestate.py at acab820): the current W3C key and value rules.
const MEMBER = /^([0-9a-z][_0-9a-z\-*/@]{0,255})=([\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e])$/;

/** The callback's `tracestate` lines combined, first occurrence of a key kept; an invalid member throws. */
export function tracestateOf(raw: readonly string[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const line of linesNamed(raw, "tracestate")) {
    for (const member of line.split(/[ \t]*,[ \t]*/)) {
      if (member === "") continue;
      const m = MEMBER.exec(member);
      if (!m) throw new Error(`illegal key-value format ${JSON.stringify(member)}`);
      const [, key = "", value = ""] = m;
      if (!state.has(key)) state.set(key, value);
    }
  }
  return state;
}
