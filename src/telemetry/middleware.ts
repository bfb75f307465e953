import {
  context as apiContext,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanContext,
} from "@opentelemetry/api";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { tracedRequest, type CallTimings } from "./call-span";
import { exportBuffered } from "./export-loop";
import { newSpanId, newTraceId } from "./ids";
import { passthroughTrace } from "./request-trace";
import { decide } from "./sampler";
import { requestHeaderAttributes, tracingSettings, type TracingSettings } from "./settings";
import { isolateSpanBuffer } from "./span-buffer";
import { formatTraceparent, parseTraceparent } from "./trace-context";
import { formatTracestate, parseTracestate } from "./tracestate";
import { TraceStateValue } from "./tracestate-value";
import { contextWithRecorder, GatewayTracerProvider, SpanRecorder, startServerSpan } from "./tracer";

const ROUTES = new Set(["/v1/chat/completions", "/v1/messages", "/v1/models", "/healthz", "/_conformance/tracecontext"]);

/**
 * The path of an absolute request URL as it arrived (not percent-decoded, like URL.pathname), without a URL object
 * per request. Hono's c.req.path decodes it, which would change what url.path records.
 */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 63 || code === 35) {
      end = i; // "?" or "#"
      break;
    }
  }
  return url.slice(start, end);
}

function serverAttributes(c: HonoContext<AppEnv>, headerAttributes: Attributes): Attributes {
  const req = c.req.raw;
  const url = req.url; // a getter that makes a new string on each read
  const path = rawPath(url);
  const cf = (req as { cf?: { colo?: unknown } }).cf;
  const attributes: Attributes = {
    ...headerAttributes,
    "http.request.method": req.method,
    "url.path": path,
    "url.scheme": url.slice(0, url.indexOf(":")),
  };
  if (ROUTES.has(path)) attributes["http.route"] = path;
  const ua = req.headers.get("user-agent");
  if (ua) attributes["user_agent.original"] = ua;
  const client = req.headers.get("cf-connecting-ip");
  if (client) attributes["client.address"] = client;
  const ray = req.headers.get("cf-ray");
  if (ray) attributes["cloudflare.ray_id"] = ray;
  if (typeof cf?.colo === "string") attributes["cloudflare.colo"] = cf.colo;
  return attributes;
}

function serverTiming(traceparent: string, timings: CallTimings): string {
  let value = `trace;desc="${traceparent}"`;
  if (timings.ttfb !== undefined) value += `, ttfb;dur=${timings.ttfb}`;
  if (timings.upstream !== undefined) value += `, upstream;dur=${timings.upstream}`;
  return value;
}

function waitUntil(c: HonoContext<AppEnv>, work: Promise<unknown>): void {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined; // app.request() in tests has no ExecutionContext: the work still runs
  }
  ctx?.waitUntil(work);
}

/**
 * Continues (or starts) the trace for each request: sampling decided once here, a SERVER span around the route,
 * `traceresponse`/`Server-Timing` on the response, and the spans exported from `waitUntil` once the response body
 * has ended, never delaying it. With tracing off, the caller's trace headers pass upstream unchanged.
 */
export function tracing(provider: GatewayTracerProvider): MiddlewareHandler<AppEnv> {
  const tracer = provider.getTracer();
  return async (c, next) => {
    const settings = tracingSettings(c.get("config"), c.env);
    const headers = c.req.raw.headers;
    if (!settings) {
      c.set("trace", passthroughTrace(headers));
      return next();
    }
    const parent = parseTraceparent(headers.get("traceparent"));
    const incoming = parent ? parseTracestate(headers.get("tracestate")) : undefined;
    const decision = decide(settings.sampler, parent, incoming, newTraceId);
    const tracestate = formatTracestate(decision.tracestate);
    const spanContext: SpanContext = {
      traceId: decision.traceId,
      spanId: newSpanId(),
      traceFlags: decision.flags,
      traceState: tracestate ? new TraceStateValue(decision.tracestate) : undefined,
      isRemote: false,
    };
    const recorder = new SpanRecorder();
    // Plano's span_attributes go on the SERVER span and on every CLIENT span: mapped once per request.
    const extraAttributes = decision.sampled ? requestHeaderAttributes(settings, headers) : {};
    const server: Span = decision.sampled
      ? startServerSpan(
          recorder,
          spanContext,
          parent && { traceId: parent.traceId, spanId: parent.parentId, traceFlags: parent.flags, isRemote: true },
          ROUTES.has(c.req.path) ? `${c.req.method} ${c.req.path}` : c.req.method,
          serverAttributes(c, extraAttributes),
        )
      : trace.wrapSpanContext(spanContext);
    const ctx = trace.setSpan(contextWithRecorder(ROOT_CONTEXT, recorder), server);
    const timings: CallTimings = {};
    const opts = {
      captureContent: settings.captureContent,
      sampled: decision.sampled,
      flags: decision.flags,
      tracestate,
      extraAttributes,
    };
    c.set("trace", tracedRequest(tracer, ctx, opts, timings));
    await apiContext.with(ctx, next);

    const traceparent = formatTraceparent(decision.traceId, spanContext.spanId, decision.flags);
    c.res.headers.set("traceresponse", traceparent);
    c.res.headers.append("server-timing", serverTiming(traceparent, timings));
    if (!decision.sampled) return;
    const status = c.res.status;
    server.setAttribute("http.response.status_code", status);
    if (status >= 500) {
      server.setAttribute("error.type", String(status));
      server.setStatus({ code: SpanStatusCode.ERROR });
    }
    waitUntil(c, finish(server, recorder, settings));
  };
}

/** Ends the SERVER span once every CLIENT span has ended (after a stream's last chunk), then exports (coalesced). */
async function finish(server: Span, recorder: SpanRecorder, settings: TracingSettings): Promise<void> {
  await recorder.idle(1);
  server.end();
  isolateSpanBuffer.add(recorder.spans);
  await exportBuffered(isolateSpanBuffer, settings.targets, settings.resource, {
    fetch: (input, init) => fetch(input, init),
    log: (message) => console.warn(message),
  });
}
