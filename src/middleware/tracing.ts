import {
  context as apiContext,
  ROOT_CONTEXT,
  trace,
  type Span,
  type SpanContext,
  type Tracer,
} from "@opentelemetry/api";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env";
import { tracedRequest, type CallSpanOptions, type CallReport } from "../telemetry/call-span";
import { clientSpanAttributes, endServerSpan, serverAttributes, serverTiming } from "../telemetry/server-span";
import type { ExportDeps } from "../telemetry/export/exporter";
import { exportBuffered } from "../telemetry/export/loop";
import { isolateMetricStore, meteredTrace, RequestMeter } from "../telemetry/metrics/meter";
import { endRequestMetrics } from "../telemetry/metrics/request-end";
import { metricsSettings, type MetricsSettings } from "../telemetry/metrics/settings";
import { newSpanId, newTraceId } from "../telemetry/sdk/ids";
import { passthroughTrace, type RequestTrace } from "../telemetry/request-trace";
import { decide } from "../telemetry/propagation/sampler";
import { readsBody } from "../telemetry/identity";
import { requestHeaderAttributes, tracingSettings, type TracingSettings } from "../telemetry/settings";
import { isolateSpanBuffer } from "../telemetry/sdk/span-buffer";
import { formatTraceparent, parseTraceparent } from "../telemetry/propagation/traceparent";
import { formatTracestate, parseTracestate } from "../telemetry/propagation/tracestate";
import { TraceStateValue } from "../telemetry/propagation/tracestate-value";
import { contextWithRecorder, GatewayTracerProvider, SpanRecorder, startServerSpan } from "../telemetry/sdk/tracer";
import { GATEWAY_SCOPE } from "../telemetry/version";
import { isolateHeldSpans, type HeldRequest } from "../telemetry/keep/held-spans";
import { keptSpans } from "../telemetry/keep/rules";
import { isolateLosses } from "../telemetry/sdk/losses";

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

/** Metrics on: the request's meter and the settings it reports by. */
interface Metering {
  readonly meter: RequestMeter;
  readonly metrics: MetricsSettings;
}

/** Tracing off: the caller's trace headers pass upstream unchanged; metrics, when on, still measure the request. */
function untraced(
  c: HonoContext<AppEnv>,
  next: () => Promise<void>,
  metering: Metering | undefined,
): Promise<void> {
  const passthrough = passthroughTrace(c.req.raw.headers);
  if (!metering) {
    // Not an async function for this, the common case: no frame and promise of its own around next().
    c.set("trace", passthrough);
    return next();
  }
  return untracedMetered(c, next, passthrough, metering);
}

async function untracedMetered(
  c: HonoContext<AppEnv>,
  next: () => Promise<void>,
  passthrough: RequestTrace,
  metering: Metering,
): Promise<void> {
  c.set("trace", meteredTrace(passthrough, metering.meter));
  await next();
  c.executionCtx.waitUntil(endMetrics(c, metering.meter, metering.metrics, matchedRoute(c)));
}

/**
 * Continues (or starts) the trace for each request: sampling decided once here, a SERVER span around the route,
 * `traceresponse`/`Server-Timing` on the response, and the spans exported from `waitUntil` once the response body
 * has ended, never delaying it. With tracing off, the caller's trace headers pass upstream unchanged.
 */
export function tracing(provider: GatewayTracerProvider): MiddlewareHandler<AppEnv> {
  const tracer = provider.getTracer(GATEWAY_SCOPE.name, GATEWAY_SCOPE.version);
  // Not an async function itself: with tracing off the request gets no frame and promise of this step's own.
  return (c, next) => {
    const config = c.get("config");
    const settings = tracingSettings(config, c.env);
    const metrics = metricsSettings(config, c.env);
    // Metrics measure every request, whatever the sampling decided (or with tracing off).
    const meter = metrics && requestMeter(c, metrics);
    const metering = meter && metrics ? { meter, metrics } : undefined;
    if (!settings) return untraced(c, next, metering);
    return tracedStep(c, next, tracer, settings, metering);
  };
}

/** Tracing on: the sampling decision, the SERVER span around the route, the response's trace headers, the export. */
async function tracedStep(
  c: HonoContext<AppEnv>,
  next: () => Promise<void>,
  tracer: Tracer,
  settings: TracingSettings,
  metering: Metering | undefined,
): Promise<void> {
  const meter = metering?.meter;
  const headers = c.req.raw.headers;
  const parent = parseTraceparent(headers.get("traceparent"));
  const incoming = parent ? parseTracestate(headers.get("tracestate")) : undefined;
  const decision = decide(settings.sampler, parent, incoming, newTraceId);
  // `tracing.keep`: a request the head decision dropped is recorded anyway (held), and decided once it has ended;
  // a trusted caller's own decision stands. What leaves before the end (traceparent upstream, traceresponse) says
  // what the head decision said: it cannot know the outcome yet.
  const held =
    !decision.sampled && settings.keep && (!parent || !settings.sampler.trustIncoming)
      ? isolateHeldSpans.forRequest()
      : undefined;
  const recording = decision.sampled || held !== undefined;
  const tracestate = formatTracestate(decision.tracestate);
  const spanContext: SpanContext = {
    traceId: decision.traceId,
    spanId: newSpanId(),
    traceFlags: decision.flags,
    traceState: tracestate ? new TraceStateValue(decision.tracestate, tracestate) : undefined,
    isRemote: false,
  };
  const recorder = new SpanRecorder(settings.limits, isolateLosses, held);
  // Plano's span_attributes go on the SERVER span and on every CLIENT span: mapped once per request.
  const extraAttributes = recording ? requestHeaderAttributes(settings, headers) : {};
  // Matched once: the SERVER span's name and http.route, and the metrics' http.route.
  const route = recording || meter ? matchedRoute(c) : undefined;
  const ray = recording ? headers.get("cf-ray") : null;
  const server: Span = recording
    ? startServerSpan(
        recorder,
        spanContext,
        parent && { traceId: parent.traceId, spanId: parent.parentId, traceFlags: parent.flags, isRemote: true },
        route ? `${c.req.method} ${route}` : c.req.method,
        serverAttributes(c.req.raw, route, extraAttributes, c.get("clientName"), ray),
      )
    : trace.wrapSpanContext(spanContext);
  const ctx = trace.setSpan(contextWithRecorder(ROOT_CONTEXT, recorder), server);
  const timings: CallReport = {};
  const opts: CallSpanOptions = {
    captureContent: settings.captureContent,
    contentMaxBytes: settings.contentMaxBytes,
    captureMedia: settings.captureMedia,
    latestGenAi: settings.latestGenAi,
    recording,
    flags: decision.flags,
    tracestate,
    extraAttributes: recording ? clientSpanAttributes(extraAttributes, ray, c.get("clientName")) : extraAttributes,
    identity: readsBody(settings.identity) ? settings.identity : undefined,
  };
  const traced = tracedRequest(tracer, ctx, opts, timings);
  c.set("trace", meter ? meteredTrace(traced, meter) : traced);
  await apiContext.with(ctx, next);

  const traceparent = formatTraceparent(decision.traceId, spanContext.spanId, decision.flags);
  c.res.headers.set("traceresponse", traceparent);
  c.res.headers.append("server-timing", serverTiming(traceparent, timings));
  const metered = metering ? endMetrics(c, metering.meter, metering.metrics, route) : undefined;
  if (!recording) {
    if (metered) c.executionCtx.waitUntil(metered);
    return;
  }
  // One waitUntil for both ends of the request: each call crosses into the runtime (a promise handed to it).
  const finished = finish(server, c.res.status, recorder, timings, settings, held);
  c.executionCtx.waitUntil(metered ? Promise.all([metered, finished]) : finished);
}

/**
 * Ends the SERVER span once every CLIENT span has ended (after a stream's last chunk), with what the calls left
 * behind (a stream that failed or was cancelled after its 200), then exports (coalesced). A held request is decided
 * here: exported if a `keep` rule matches, else its spans are dropped.
 */
async function finish(
  server: Span,
  status: number,
  recorder: SpanRecorder,
  timings: CallReport,
  settings: TracingSettings,
  held: HeldRequest | undefined,
): Promise<void> {
  await recorder.idle();
  endServerSpan(server, status, timings);
  let spans = recorder.spans;
  if (held) {
    held.release();
    spans = settings.keep ? keptSpans(settings.keep, spans) : [];
    if (spans.length === 0) return;
  }
  for (const decorate of settings.spanDecorators) decorate(spans);
  isolateSpanBuffer.add(spans);
  await exportBuffered(isolateSpanBuffer, settings.targets, settings.resource, EXPORT_DEPS, settings.exportSchedule);
}

const EXPORT_DEPS: ExportDeps = {
  fetch: (input, init) => fetch(input, init),
  log: (message) => console.warn(message),
};

/** The request's meter: into the isolate store when OTLP metrics export, with the client's name when configured. */
function requestMeter(c: HonoContext<AppEnv>, metrics: MetricsSettings): RequestMeter {
  const store = metrics.targets.length > 0 ? isolateMetricStore : undefined;
  return new RequestMeter(store, metrics.clientAttribute ? c.get("clientName") : undefined);
}

/** The request's end for the metrics (duration, Analytics Engine point, export), once its response has ended. */
function endMetrics(
  c: HonoContext<AppEnv>,
  meter: RequestMeter,
  metrics: MetricsSettings,
  route: string | undefined,
): Promise<void> {
  const served = {
    method: c.req.method,
    route,
    scheme: c.req.url.startsWith("https:") ? "https" : "http",
    status: c.res.status,
    client: c.get("clientName"),
  };
  return endRequestMetrics(meter, served, metrics, c.env, EXPORT_DEPS);
}
