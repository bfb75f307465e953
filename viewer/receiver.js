// @ts-check
// The OTLP/HTTP receiver and the viewer's HTTP API, as one Hono app served by @hono/node-server.
//   POST /v1/traces           OTLP/HTTP, application/json or application/x-protobuf, optionally gzip
//   GET  /api/traces          summaries, newest first (?where=k=v&where=..., ?since=5m, ?limit=N)
//   GET  /api/traces/:id      one trace (full id, 8+ digit prefix, or "last"): its spans and tree
//   GET  /api/stats           per-model table (?since=1h, ?where=...)
//   GET  /, /trace/:id, /models   the browser pages
import { gunzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DecodeError, decodeJson, decodeProtobuf } from "./otlp-decode.js";
import { ExportTraceServiceResponse, RpcStatus } from "./otlp-schema.js";
import { PAGE_HTML, PAGE_SCRIPT, PAGE_STYLE } from "./page.js";
import { buildTree, flatten, spansOf, TraceStore } from "./store.js";
import { matches, modelStats, parseDuration, parseWhere, summarize } from "./summary.js";

/** @typedef {import("./otlp-decode.js").Decoded} Decoded */

/** OTLP receivers accept bodies up to 64 MiB (after decompression too). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";

/** @param {TraceStore} store @param {{ maxBodyBytes?: number }} [limits] */
export function createApp(store, limits = {}) {
  const maxBytes = limits.maxBodyBytes ?? MAX_BODY_BYTES;
  const app = new Hono();

  // Refuses a body over the limit while it streams in (content-length or not), before it is buffered.
  app.post("/v1/traces", bodyLimit({ maxSize: maxBytes, onError: (c) => c.json({ code: 8, message: `body over ${maxBytes} bytes` }, 413) }));
  app.post("/v1/traces", async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const isProto = type === PROTOBUF;
    if (!isProto && type !== JSON_TYPE) {
      return c.json({ code: 3, message: `unsupported content type "${type}": use ${PROTOBUF} or ${JSON_TYPE}` }, 415);
    }
    /** A 400 with a google.rpc.Status (INVALID_ARGUMENT) in the request's encoding. */
    const fail = (/** @type {string} */ message) => {
      if (!isProto) return c.json({ code: 3, message }, 400);
      const body = RpcStatus.encode(RpcStatus.create({ code: 3, message })).finish();
      return c.body(body.slice(), 400, { "content-type": PROTOBUF });
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
    /** @type {Decoded} */
    let decoded;
    try {
      decoded = isProto ? decodeProtobuf(bytes) : decodeJson(new TextDecoder().decode(bytes));
    } catch (err) {
      if (err instanceof DecodeError) return fail(err.message);
      throw err;
    }
    store.add(decoded.spans);
    const partial = decoded.rejected > 0 ? { rejectedSpans: decoded.rejected, errorMessage: decoded.errors.join("; ") } : null;
    if (!isProto) return c.json(partial ? { partialSuccess: { ...partial, rejectedSpans: String(partial.rejectedSpans) } } : {});
    const response = ExportTraceServiceResponse.create(partial ? { partialSuccess: partial } : {});
    return c.body(ExportTraceServiceResponse.encode(response).finish().slice(), 200, { "content-type": PROTOBUF });
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
  app.get("/app.js", () => new Response(PAGE_SCRIPT, { headers: { "content-type": "text/javascript; charset=utf-8" } }));
  app.get("/style.css", () => new Response(PAGE_STYLE, { headers: { "content-type": "text/css; charset=utf-8" } }));
  return app;
}

/**
 * Starts the receiver; resolves once it listens.
 * @param {{ port?: number, host?: string, file?: string | undefined, maxTraces?: number, maxBodyBytes?: number }} [options]
 * @returns {Promise<{ url: string, port: number, store: TraceStore, close(): Promise<void> }>}
 */
export function startReceiver(options = {}) {
  const store = new TraceStore({ maxTraces: options.maxTraces, file: options.file });
  const app = createApp(store, { maxBodyBytes: options.maxBodyBytes });
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 4318, hostname: host }, (info) => {
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${info.port}`;
      resolve({
        url,
        port: info.port,
        store,
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
