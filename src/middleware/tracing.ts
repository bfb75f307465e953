import {
  context as apiContext,
  ROOT_CONTEXT,
  trace,
  type Span,
  type SpanContext,
} from "@opentelemetry/api";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env";
import { tracedRequest, type CallSpanOptions, type CallReport } from "../telemetry/call-span";
import { clientSpanAttributes, endServerSpan, serverAttributes, serverTiming } from "../telemetry/server-span";
import { exportBuffered } from "../telemetry/export/loop";
import { newSpanId, newTraceId } from "../telemetry/sdk/ids";
import { passthroughTrace } from "../telemetry/request-trace";
import { decide } from "../telemetry/propagation/sampler";
import { readsBody } from "../telemetry/identity";
import { requestHeaderAttributes, tracingSettings, type TracingSettings } from "../telemetry/settings";
import { isolateSpanBuffer } from "../telemetry/sdk/span-buffer";
import { formatTraceparent, parseTraceparent } from "../telemetry/propagation/traceparent";
import { formatTracestate, parseTracestate } from "../telemetry/propagation/tracestate";
import { TraceStateValue } from "../telemetry/propagation/tracestate-value";
import { contextWithRecorder, GatewayTracerProvider, SpanRecorder, startServerSpan } from "../telemetry/sdk/tracer";
import { GATEWAY_SCOPE } from "../telemetry/version";

/**
 * The route Hono matched, as registered ("/v1/chat/completions"), or undefined when only middlewares matched (an
 * unknown path, or a method the path has no handler for). Hono matches before the first middleware runs, so this is
 * known here, before next(), also when a middleware answers instead of the route (401, 429); `routePath(c)` would
 * name the middleware itself here, and after next() whichever handler answered last. Middlewares are registered with
 * `use()` (method "ALL"); every route names its method.
 */
function matchedRoute(c: HonoContext<AppEnv>): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL") return route.path;
  }
  return undefined;
}

/**
 * Continues (or starts) the trace for each request: sampling decided once here, a SERVER span around the route,
 * `traceresponse`/`Server-Timing` on the response, and the spans exported from `waitUntil` once the response body
 * has ended, never delaying it. With tracing off, the caller's trace headers pass upstream unchanged.
 */
export function tracing(provider: GatewayTracerProvider): MiddlewareHandler<AppEnv> {
  const tracer = provider.getTracer(GATEWAY_SCOPE.name, GATEWAY_SCOPE.version);
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
      traceState: tracestate ? new TraceStateValue(decision.tracestate, tracestate) : undefined,
      isRemote: false,
    };
    const recorder = new SpanRecorder(settings.limits);
    // Plano's span_attributes go on the SERVER span and on every CLIENT span: mapped once per request.
    const extraAttributes = decision.sampled ? requestHeaderAttributes(settings, headers) : {};
    const route = decision.sampled ? matchedRoute(c) : undefined;
    const server: Span = decision.sampled
      ? startServerSpan(
          recorder,
          spanContext,
          parent && { traceId: parent.traceId, spanId: parent.parentId, traceFlags: parent.flags, isRemote: true },
          route ? `${c.req.method} ${route}` : c.req.method,
          serverAttributes(c.req.raw, route, extraAttributes, c.get("clientName")),
        )
      : trace.wrapSpanContext(spanContext);
    const ctx = trace.setSpan(contextWithRecorder(ROOT_CONTEXT, recorder), server);
    const timings: CallReport = {};
    const opts: CallSpanOptions = {
      captureContent: settings.captureContent,
      contentMaxBytes: settings.contentMaxBytes,
      captureMedia: settings.captureMedia,
      latestGenAi: settings.latestGenAi,
      sampled: decision.sampled,
      flags: decision.flags,
      tracestate,
      extraAttributes: decision.sampled ? clientSpanAttributes(extraAttributes, headers, c.get("clientName")) : extraAttributes,
      identity: readsBody(settings.identity) ? settings.identity : undefined,
    };
    c.set("trace", tracedRequest(tracer, ctx, opts, timings));
    await apiContext.with(ctx, next);

    const traceparent = formatTraceparent(decision.traceId, spanContext.spanId, decision.flags);
    c.res.headers.set("traceresponse", traceparent);
    c.res.headers.append("server-timing", serverTiming(traceparent, timings));
    if (!decision.sampled) return;
    c.executionCtx.waitUntil(finish(server, c.res.status, recorder, timings, settings));
  };
}

/**
 * Ends the SERVER span once every CLIENT span has ended (after a stream's last chunk), with what the calls left
 * behind (a stream that failed or was cancelled after its 200), then exports (coalesced).
 */
async function finish(
  server: Span,
  status: number,
  recorder: SpanRecorder,
  timings: CallReport,
  settings: TracingSettings,
): Promise<void> {
  await recorder.idle();
  endServerSpan(server, status, timings);
  isolateSpanBuffer.add(recorder.spans);
  await exportBuffered(isolateSpanBuffer, settings.targets, settings.resource, {
    fetch: (input, init) => fetch(input, init),
    log: (message) => console.warn(message),
  });
}
