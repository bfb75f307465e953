// @ts-check
// The OTLP/HTTP receiver and the viewer's HTTP API, as one Hono app served by @hono/node-server.
//   POST /v1/traces           OTLP/HTTP, application/json or application/x-protobuf, optionally gzip
//   POST /v1/metrics          the same for metrics (ExportMetricsServiceRequest)
//   GET  /api/metrics         per time bucket, totals and per model (?since=1h, ?bucket=1m)
//   GET  /api/traces          summaries, newest first (?where=k=v&where=..., ?since=5m, ?limit=N)
//   GET  /api/traces/:id      one trace (full id, 8+ digit prefix, or "last"): its spans and tree
//   GET  /api/stats           per-model table (?since=1h, ?where=...)
//   GET  /, /trace/:id, /models, /metrics   the browser pages
import { gunzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DecodeError, decodeJson, decodeProtobuf } from "./otlp-decode.js";
import { decodeMetricsJson, decodeMetricsProtobuf } from "./metrics-decode.js";
import { metricSeries } from "./metrics-series.js";
import { MetricStore } from "./metric-store.js";
import { ExportMetricsServiceResponse, ExportTraceServiceResponse, RpcStatus } from "./otlp-schema.js";
import { METRICS_SCRIPT, PAGE_HTML, PAGE_SCRIPT, PAGE_STYLE } from "./page.js";
import { buildTree, flatten, spansOf, TraceStore } from "./store.js";
import { matches, modelStats, parseDuration, parseWhere, summarize } from "./summary.js";

/** @typedef {import("./otlp-decode.js").Decoded} Decoded */

/** OTLP receivers accept bodies up to 64 MiB (after decompression too). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";

/**
 * The body of an OTLP POST, decompressed and decoded by `decode` (protobuf or JSON by content type), or the error
 * answer to send: 415 for another content type, 400 (a google.rpc.Status in the request's encoding) when it does
 * not decode.
 * @template T
 * @param {import("hono").Context} c
 * @param {number} maxBytes
 * @param {(bytes: Uint8Array, isProto: boolean) => T} decode
 * @returns {Promise<{ decoded: T, isProto: boolean } | { answer: Response }>}
 */
async function otlpBody(c, maxBytes, decode) {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const isProto = type === PROTOBUF;
  if (!isProto && type !== JSON_TYPE) {
    return { answer: c.json({ code: 3, message: `unsupported content type "${type}": use ${PROTOBUF} or ${JSON_TYPE}` }, 415) };
  }
  const fail = (/** @type {string} */ message) => {
    if (!isProto) return { answer: c.json({ code: 3, message }, 400) };
    const body = RpcStatus.encode(RpcStatus.create({ code: 3, message })).finish();
    return { answer: c.body(body.slice(), 400, { "content-type": PROTOBUF }) };
  };
  let bytes = new Uint8Array(await c.req.arrayBuffer());
  const encoding = (c.req.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "gzip") {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (err) {
      return fail(`invalid gzip body: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (encoding !== "identity" && encoding !== "") {
    return fail(`unsupported content-encoding "${encoding}"`);
  }
  try {
    return { decoded: decode(bytes, isProto), isProto };
  } catch (err) {
    if (err instanceof DecodeError) return fail(err.message);
    throw err;
  }
}

/** @param {TraceStore} store @param {{ maxBodyBytes?: number }} [limits] @param {MetricStore} [metrics] */
export function createApp(store, limits = {}, metrics = new MetricStore()) {
  const maxBytes = limits.maxBodyBytes ?? MAX_BODY_BYTES;
  const app = new Hono();
  const tooLarge = bodyLimit({ maxSize: maxBytes, onError: (c) => c.json({ code: 8, message: `body over ${maxBytes} bytes` }, 413) });

  // Refuses a body over the limit while it streams in (content-length or not), before it is buffered.
  app.post("/v1/traces", tooLarge);
  app.post("/v1/traces", async (c) => {
    const body = await otlpBody(c, maxBytes, (bytes, isProto) => (isProto ? decodeProtobuf(bytes) : decodeJson(new TextDecoder().decode(bytes))));
    if ("answer" in body) return body.answer;
    const { decoded, isProto } = body;
    store.add(decoded.spans);
    const partial = decoded.rejected > 0 ? { rejectedSpans: decoded.rejected, errorMessage: decoded.errors.join("; ") } : null;
    if (!isProto) return c.json(partial ? { partialSuccess: { ...partial, rejectedSpans: String(partial.rejectedSpans) } } : {});
    const response = ExportTraceServiceResponse.create(partial ? { partialSuccess: partial } : {});
    return c.body(ExportTraceServiceResponse.encode(response).finish().slice(), 200, { "content-type": PROTOBUF });
  });

  app.post("/v1/metrics", tooLarge);
  app.post("/v1/metrics", async (c) => {
    const body = await otlpBody(c, maxBytes, (bytes, isProto) =>
      isProto ? decodeMetricsProtobuf(bytes) : decodeMetricsJson(new TextDecoder().decode(bytes)),
    );
    if ("answer" in body) return body.answer;
    metrics.add(body.decoded.points);
    if (!body.isProto) return c.json({});
    const response = ExportMetricsServiceResponse.encode(ExportMetricsServiceResponse.create({})).finish();
    return c.body(response.slice(), 200, { "content-type": PROTOBUF });
  });

  app.get("/api/metrics", (c) => {
    let sinceMs;
    let bucketMs;
    try {
      const since = c.req.query("since") ?? "1h";
      sinceMs = since === "all" ? undefined : parseDuration(since);
      bucketMs = parseDuration(c.req.query("bucket") ?? "1m");
    } catch (err) {
      return c.json({ error: err instanceof Error ? err.message : String(err) }, 400);
    }
    if (!(bucketMs >= 1000)) return c.json({ error: "bucket must be at least 1s" }, 400);
    return c.json({ ...metricSeries(metrics.points, { bucketMs, sinceMs }), held: metrics.size, dropped: metrics.droppedPoints });
  });

  /** The filter from ?where=k=v (repeatable) and ?since=5m. */
  const filterOf = (/** @type {{ queries(k: string): string[] | undefined, query(k: string): string | undefined }} */ req) => {
    const since = req.query("since");
    return { where: (req.queries("where") ?? []).map(parseWhere), sinceMs: since ? parseDuration(since) : undefined };
  };

  app.get("/api/traces", (c) => {
    let filter;
    try {
      filter = filterOf(c.req);
    } catch (err) {
      return c.json({ error: err instanceof Error ? err.message : String(err) }, 400);
    }
    const limit = Math.max(1, Math.min(10_000, Number(c.req.query("limit") ?? 100) || 100));
    const traces = store.list().filter((t) => matches(t, filter)).slice(0, limit);
    return c.json({ traces: traces.map(summarize), total: store.size });
  });

  app.get("/api/traces/:id", (c) => {
    const found = store.find(c.req.param("id"));
    if ("error" in found) return c.json({ error: found.error }, found.status);
    const spans = spansOf(found.trace);
    const order = flatten(buildTree(spans)).map((n) => ({ spanId: n.span.spanId, depth: n.depth, orphan: n.orphan }));
    return c.json({ summary: summarize(found.trace), spans, order });
  });

  app.get("/api/stats", (c) => {
    let filter;
    try {
      filter = filterOf(c.req);
    } catch (err) {
      return c.json({ error: err instanceof Error ? err.message : String(err) }, 400);
    }
    const traces = store.list().filter((t) => matches(t, filter));
    return c.json({ models: modelStats(traces), traces: traces.length });
  });

  const page = () => new Response(PAGE_HTML, { headers: { "content-type": "text/html; charset=utf-8" } });
  app.get("/", page);
  app.get("/trace/:id", page);
  app.get("/models", page);
  app.get("/metrics", page);
  app.get("/app.js", () => new Response(PAGE_SCRIPT, { headers: { "content-type": "text/javascript; charset=utf-8" } }));
  app.get("/metrics.js", () => new Response(METRICS_SCRIPT, { headers: { "content-type": "text/javascript; charset=utf-8" } }));
  app.get("/style.css", () => new Response(PAGE_STYLE, { headers: { "content-type": "text/css; charset=utf-8" } }));
  return app;
}

/**
 * Starts the receiver; resolves once it listens.
 * @param {{ port?: number, host?: string, file?: string | undefined, maxTraces?: number, maxBodyBytes?: number }} [options]
 * @returns {Promise<{ url: string, port: number, store: TraceStore, metrics: MetricStore, close(): Promise<void> }>}
 */
export function startReceiver(options = {}) {
  const store = new TraceStore({ maxTraces: options.maxTraces, file: options.file });
  const metrics = new MetricStore();
  const app = createApp(store, { maxBodyBytes: options.maxBodyBytes }, metrics);
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 4318, hostname: host }, (info) => {
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${info.port}`;
      resolve({
        url,
        port: info.port,
        store,
        metrics,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      });
    });
    server.once("error", reject);
  });
}
