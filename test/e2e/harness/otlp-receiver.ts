import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { ExportTraceServiceRequest } from "../../../viewer/otlp-schema.js";
import { metricPoints, type ReceivedPoint } from "./otlp-metrics";

/** A span as the tests read it: OTLP JSON flattened, attribute values unwrapped. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceState: string;
  /** OTLP `Span.flags`: the W3C trace flags (bits 0-7) and the is-remote bits. */
  readonly flags: number;
  readonly name: string;
  readonly kind: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Record<string, unknown>;
  /** Each attribute's OTLP value type as sent: string, int, double, boolean, or `<type>[]` for arrays. */
  readonly attributeTypes: Record<string, string>;
  /** The body's encoding: "json" or "protobuf". */
  readonly encoding: "json" | "protobuf";
  readonly events: { name: string; timeNs: bigint }[];
  readonly status: { code?: number; message?: string };
  readonly resource: Record<string, unknown>;
  /** The request the span came in: its path (and query) and headers (names lowercase). */
  readonly request: { readonly path: string; readonly headers: Record<string, string> };
}

export type ReceiverMode = "ok" | "hang" | "429" | "500";

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Metric data points received on `/v1/metrics`. */
  readonly metrics: ReceivedPoint[];
  readonly posts: { contentType: string; encoding: string; status: number }[];
  mode: ReceiverMode;
  /** Resolves once at least `count` spans arrived (or rejects after `timeoutMs`). */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /**
   * The spans of one trace, once at least `count` of them arrived; after `timeoutMs` (10 s), those that did, so the
   * test's own assertion names what is missing.
   */
  spansFor(traceId: string, count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}

function unwrap(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(unwrap);
  return undefined;
}

const attrs = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, unwrap(kv.value)]));

/** The OTLP AnyValue case a value was sent as (arrays: their first element's, with "[]"). */
function valueType(v: AnyValue): string {
  if (v.stringValue !== undefined) return "string";
  if (v.intValue !== undefined) return "int";
  if (v.doubleValue !== undefined) return "double";
  if (v.boolValue !== undefined) return "boolean";
  if (v.arrayValue) {
    const [first] = v.arrayValue.values ?? [];
    return `${first ? valueType(first) : "empty"}[]`;
  }
  return "unknown";
}

const types = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, valueType(kv.value)]));

type ExportRequest = {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
};

/** A protobuf body as the OTLP JSON shape (ids still base64, 64-bit values as decimal strings). */
function protobufRequest(body: Buffer): ExportRequest {
  const message = ExportTraceServiceRequest.decode(body);
  return ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number }) as ExportRequest;
}

const base64Hex = (value: unknown) => (typeof value === "string" ? Buffer.from(value, "base64").toString("hex") : "");

/** A request's headers, each as one string. */
function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = String(value);
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
}

/**
 * A real OTLP/HTTP receiver on loopback, JSON or protobuf (by content type), keeping each attribute's value type. Besides
 * OTLP POSTs it answers `GET /spans?trace_id=<id>` with the spans received for that trace (`?model=<m>`: of model
 * calls to m), and `GET /metrics` with the metric data points received on `/v1/metrics`.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedPoint[] = [];
  const posts: OtlpReceiver["posts"] = [];
  const waiters = new Set<() => boolean>();
  const receiver: OtlpReceiver = {
    url: "",
    spans,
    metrics,
    posts,
    mode: "ok",
    waitForSpans(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (spans.length >= count) {
            resolve(spans);
            return true;
          }
          return false;
        };
        if (check()) return;
        const waiter = () => {
          if (!check()) return false;
          clearTimeout(timer);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`only ${spans.length} of ${count} spans arrived`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    spansFor(traceId, count, timeoutMs = 10_000) {
      const ofTrace = () => spans.filter((s) => s.traceId === traceId);
      return new Promise((resolve) => {
        const waiter = () => {
          const found = ofTrace();
          if (found.length < count) return false;
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(ofTrace());
        }, timeoutMs);
        if (!waiter()) waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://receiver").pathname;
    if (req.method === "GET" && path === "/metrics") {
      // `GET /metrics`: every metric data point received so far, for tests in workerd.
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(metrics));
      return;
    }
    if (req.method === "GET") {
      // `GET /spans?trace_id=<id>`: what arrived for one trace, so tests in workerd can read it (bigints as strings).
      // `GET /spans?model=<m>`: the spans of model calls to m (gen_ai.request.model), whatever their trace.
      const params = new URL(req.url ?? "/", "http://receiver").searchParams;
      const traceId = params.get("trace_id");
      const model = params.get("model");
      const found = spans.filter((s) => (model !== null ? s.attributes["gen_ai.request.model"] === model : s.traceId === traceId));
      const json = JSON.stringify(found, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
      res.writeHead(200, { "content-type": "application/json" }).end(json);
      return;
    }
    const body = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const encoding = String(req.headers["content-encoding"] ?? "");
    if (receiver.mode === "hang") return;
    if (receiver.mode === "429" || receiver.mode === "500") {
      const status = receiver.mode === "429" ? 429 : 500;
      posts.push({ contentType, encoding, status });
      res.writeHead(status, { "retry-after": "0" }).end();
      return;
    }
    posts.push({ contentType, encoding, status: 200 });
    const protobuf = contentType.includes("protobuf");
    if (path.endsWith("/v1/metrics")) {
      metrics.push(...metricPoints(body, protobuf));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    const request = { path: req.url ?? "/", headers: headersOf(req) };
    const json: ExportRequest = protobuf ? protobufRequest(body) : (JSON.parse(body.toString("utf8")) as ExportRequest);
    // Ids: hex strings in OTLP JSON, bytes (base64 here) in protobuf.
    const id = (value: unknown) => (protobuf ? base64Hex(value) : String(value ?? ""));
    for (const rs of json.resourceSpans ?? []) {
      const resource = attrs(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          spans.push({
            traceId: id(s.traceId),
            spanId: id(s.spanId),
            parentSpanId: id(s.parentSpanId),
            traceState: String(s.traceState ?? ""),
            flags: Number(s.flags ?? 0),
            name: String(s.name),
            kind: Number(s.kind),
            startNs: BigInt(String(s.startTimeUnixNano)),
            endNs: BigInt(String(s.endTimeUnixNano)),
            attributes: attrs(s.attributes as KeyValue[] | undefined),
            attributeTypes: types(s.attributes as KeyValue[] | undefined),
            encoding: protobuf ? "protobuf" : "json",
            events: ((s.events as { name: string; timeUnixNano: string }[] | undefined) ?? []).map((e) => ({
              name: e.name,
              timeNs: BigInt(e.timeUnixNano),
            })),
            status: (s.status as { code?: number; message?: string } | undefined) ?? {},
            resource,
            request,
          });
        }
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
    for (const waiter of waiters) if (waiter()) waiters.delete(waiter);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}` });
}
