import {
  context as apiContext,
  createContextKey,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { newSpanId } from "./ids";
import { DEFAULT_SPAN_LIMITS, type SpanLimits } from "./limits";
import { isolateLosses, type TelemetryLosses } from "./losses";
import { RecordingSpan, type SpanSink } from "./recording-span";
import type { Scope, SpanData } from "./span-data";
import { GATEWAY_SCOPE } from "../version";

/** Where one request's spans go; found through the active context, so only spans inside a request are kept. */
const RECORDER_KEY = createContextKey("tracegate.span-recorder");

/** Bound on spans kept per request, so a runaway plugin cannot grow memory without limit. */
export const MAX_SPANS_PER_REQUEST = 256;

/** Where a request recorded only in case a `keep` rule matches holds its spans: an isolate-wide bound. */
export interface HeldSpans {
  /** Whether there is room to hold this finished span (false: it is dropped and counted). */
  hold(span: SpanData): boolean;
}

/**
 * Collects a request's finished spans and knows when none is open any more. Spans past the per-request cap are
 * dropped and counted in `losses` (logged, rate-limited, by the export). With `held`, the request's spans are
 * recorded although its head decision said "not sampled" (`tracing.keep` decides once it has ended), within the
 * isolate's bound for such spans.
 */
export class SpanRecorder implements SpanSink {
  readonly spans: SpanData[] = [];
  private open = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly limits: SpanLimits = DEFAULT_SPAN_LIMITS,
    readonly losses: TelemetryLosses = isolateLosses,
    readonly held?: HeldSpans,
  ) {}

  started(): void {
    this.open++;
  }

  ended(span: SpanData): void {
    if (this.spans.length >= MAX_SPANS_PER_REQUEST) this.losses.spansOverRequestCap++;
    else if (this.held && !this.held.hold(span)) this.losses.spansHeldOverBudget++;
    else this.spans.push(span);
    this.release();
  }

  /**
   * Keeps the request open as an open span would, until the returned function is called (once counts): for work that
   * outlives the returned Response and may still start spans (a committed stream's retries).
   */
  hold(): () => void {
    this.open++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.release();
    };
  }

  private release(): void {
    this.open--;
    // Waiters ask for "only the SERVER span left"; it is the last span to end.
    if (this.open <= 1) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  /** Resolves once only the SERVER span itself is open: every other span of the request has ended. */
  idle(): Promise<void> {
    if (this.open <= 1) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(() => resolve()));
  }
}

export function contextWithRecorder(ctx: Context, recorder: SpanRecorder): Context {
  return ctx.setValue(RECORDER_KEY, recorder);
}

function recorderOf(ctx: Context): SpanRecorder | undefined {
  const value = ctx.getValue(RECORDER_KEY);
  return value instanceof SpanRecorder ? value : undefined;
}

const NOTHING_HELD = () => undefined;

/** Holds the recorder of `ctx`'s request open (see SpanRecorder.hold); nothing to hold outside a request. */
export function holdRecorder(ctx: Context): () => void {
  return recorderOf(ctx)?.hold() ?? NOTHING_HELD;
}

/**
 * tracegate's Tracer: a child of the active span, in the same request's recorder. Unsampled parents give
 * non-recording spans that still carry a fresh span id, so propagation works either way, unless the request is held
 * for `tracing.keep` (recorded, its contexts still unsampled: the specification's RECORD_ONLY). Outside a request
 * (no recorder in context) spans are no-ops. Its spans carry the scope it was got with (`getTracer(name, version)`).
 */
export class GatewayTracer implements Tracer {
  constructor(readonly scope: Scope) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = apiContext.active()): Span {
    const parent = options.root ? undefined : trace.getSpanContext(ctx);
    const recorder = recorderOf(ctx);
    if (!parent || !recorder) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const spanContext: SpanContext = {
      traceId: parent.traceId,
      spanId: newSpanId(),
      traceFlags: parent.traceFlags,
      traceState: parent.traceState,
      isRemote: false,
    };
    if ((parent.traceFlags & 0x01) === 0 && !recorder.held) return trace.wrapSpanContext(spanContext);
    return new RecordingSpan(recorder, spanContext, {
      name,
      kind: options.kind ?? SpanKind.INTERNAL,
      parentSpanId: parent.spanId,
      parentIsRemote: parent.isRemote === true,
      attributes: options.attributes ?? {},
      links: options.links,
      startTime: options.startTime,
      scope: this.scope,
    });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a: SpanOptions | F,
    b?: Context | F,
    c?: F,
  ): ReturnType<F> {
    const options = typeof a === "function" ? {} : a;
    const ctx = typeof b === "object" ? b : apiContext.active();
    const fn = (typeof a === "function" ? a : typeof b === "function" ? b : c) as F;
    const span = this.startSpan(name, options, ctx);
    return apiContext.with(trace.setSpan(ctx, span), () => fn(span)) as ReturnType<F>;
  }
}

/** Distinct (name, version) tracers kept; code asking for more gets uncached tracers (same behaviour). */
const MAX_CACHED_TRACERS = 64;

const scopeKey = (name: string, version: string | undefined) => `${name}\u0000${version ?? ""}`;

/**
 * Hands out one tracer per instrumentation scope. The gateway's own is `getTracer("tracegate", PACKAGE_VERSION)`;
 * code using `@opentelemetry/api` inside a request gets its own scope name and version on its spans.
 */
export class GatewayTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, GatewayTracer>([
    [scopeKey(GATEWAY_SCOPE.name, GATEWAY_SCOPE.version), new GatewayTracer(GATEWAY_SCOPE)],
  ]);

  getTracer(name: string, version?: string): Tracer {
    const key = scopeKey(name, version);
    const cached = this.tracers.get(key);
    if (cached) return cached;
    const tracer = new GatewayTracer(version ? { name, version } : { name });
    if (this.tracers.size < MAX_CACHED_TRACERS) this.tracers.set(key, tracer);
    return tracer;
  }
}

/** The request's root (SERVER) span, parented to the caller's span when there is one. */
export function startServerSpan(
  recorder: SpanRecorder,
  spanContext: SpanContext,
  parent: SpanContext | undefined,
  name: string,
  attributes: Attributes,
): RecordingSpan {
  return new RecordingSpan(recorder, spanContext, {
    name,
    kind: SpanKind.SERVER,
    parentSpanId: parent?.spanId,
    parentIsRemote: parent ? true : undefined,
    attributes,
    links: undefined,
    startTime: undefined,
    scope: GATEWAY_SCOPE,
  });
}
