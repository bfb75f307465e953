import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Tracer } from "@opentelemetry/api";
import { abandonedAttributes, recordCallCost, type CostReport } from "./call-cost";
import { capContent } from "./genai/content-limits";
import { toLatestGenAi } from "./genai/semconv";
import { bodyIdentity, type IdentitySettings } from "./identity";
import { formatTraceparent } from "./propagation/traceparent";
import type { CallOutcome, ClientCall, ClientCallInit, RequestTrace } from "./request-trace";
import { holdRecorder } from "./sdk/tracer";
import { CONTENT_ATTRIBUTE_KEYS } from "./sdk/limits";

/** A failed end of a call: the span's `error.type` and status message. */
export interface CallFailure {
  readonly type: string;
  readonly message: string;
}

/**
 * What the request's SERVER span learns from its upstream calls: the latest call's durations (for `Server-Timing`,
 * milliseconds) and how it ended, and the model the client asked for. A call that ended in an error or a client
 * cancel after the response had started (a stream) leaves `failure`, so the SERVER span ends in ERROR too; a later
 * call (a retry) replaces it.
 */
export interface CallReport extends CostReport {
  ttfb?: number;
  upstream?: number;
  failure?: CallFailure;
  /** `model` of the client's request (an alias or a model name), as `tracegate.request.model`. */
  requestedModel?: string;
  /** What rate limits refused (routes skipped, or `client`), as `tracegate.ratelimit.refused`. */
  refused?: string[];
}

/** Per-request options of the CLIENT spans, decided by the tracing middleware. */
export interface CallSpanOptions {
  readonly captureContent: boolean;
  /** UTF-8 bytes kept of each captured-content attribute. */
  readonly contentMaxBytes: number;
  /** Inline media kept in captured input messages. */
  readonly captureMedia: boolean;
  /** The newest GenAI convention names (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental). */
  readonly latestGenAi: boolean;
  /** Spans are recorded: sampled, or held for `tracing.keep`. */
  readonly recording: boolean;
  /** Outgoing trace-flags: the head decision, also for a held request. */
  readonly flags: number;
  readonly tracestate: string;
  /** Request-wide attributes every CLIENT span carries (span_attributes, cloudflare.ray_id, user.id). */
  readonly extraAttributes: Attributes;
  /** What to read of the client's body about who called; undefined: nothing (identity.ts). */
  readonly identity: IdentitySettings | undefined;
}

/**
 * Tracing on: each upstream attempt is a CLIENT span made through the `@opentelemetry/api` Tracer, a child of the
 * request's SERVER span; the provider receives a `traceparent` whose parent-id is that span. Unsampled requests get
 * non-recording spans with fresh ids, so propagation is the same either way.
 */
export function tracedRequest(tracer: Tracer, ctx: Context, opts: CallSpanOptions, timings: CallReport): RequestTrace {
  const recordedAttributes = (attrs: Attributes): Attributes => {
    if (opts.captureContent) capContentAttributes(attrs, opts.contentMaxBytes);
    if (opts.latestGenAi) toLatestGenAi(attrs);
    return attrs;
  };
  let extraAttributes = opts.extraAttributes;
  return {
    captureContent: opts.captureContent,
    captureMedia: opts.captureMedia,
    recording: opts.recording,
    reportsCost: true,
    metering: false,
    hold: () => holdRecorder(ctx),
    requested(model) {
      timings.requestedModel = model;
    },
    refused(what) {
      (timings.refused ??= []).push(what);
    },
    identify(format, body) {
      const identity = opts.identity;
      if (!opts.recording || !identity) return undefined;
      return bodyIdentity(identity, format, body).then((attrs) => {
        if (Object.keys(attrs).length === 0) return;
        trace.getSpan(ctx)?.setAttributes(attrs);
        extraAttributes = { ...extraAttributes, ...attrs };
      });
    },
    startCall(init: ClientCallInit): ClientCall {
      let attributes = init.attributes;
      if (opts.recording) {
        attributes = recordedAttributes(withExtra(extraAttributes, init.attributes));
        if (timings.requestedModel !== undefined) attributes["tracegate.request.model"] = timings.requestedModel;
      }
      const span = tracer.startSpan(init.name, { kind: SpanKind.CLIENT, attributes }, ctx);
      const { traceId, spanId } = span.spanContext();
      const headers: Record<string, string> = {};
      if (init.propagate) {
        headers.traceparent = formatTraceparent(traceId, spanId, opts.flags);
        if (opts.tracestate) headers.tracestate = opts.tracestate;
      }
      const start = Date.now();
      const recording = span.isRecording();
      return {
        headers,
        responded(status) {
          timings.ttfb = Date.now() - start;
          if (recording) span.setAttribute("http.response.status_code", status);
        },
        chunk() {},
        firstChunk() {
          if (!recording) return;
          span.setAttribute("gen_ai.response.time_to_first_chunk", (Date.now() - start) / 1000);
          span.addEvent("gen_ai.first_chunk");
        },
        end(outcome: CallOutcome) {
          timings.upstream = Date.now() - start;
          // Errors and cancels reach the SERVER span; a provider's 4xx/5xx answer reaches it as the status it sent.
          timings.failure = outcome.kind === "complete" ? undefined : failureOf(outcome);
          // upstream.ts has fed the observer every event / the whole response by now.
          const { observer, pricing } = init;
          const cost = observer && pricing ? recordCallCost(observer, pricing, timings) : undefined;
          if (!recording) return;
          if (observer) span.setAttributes(recordedAttributes(observer.attributes(opts.captureContent)));
          if (cost !== undefined) span.setAttribute("gen_ai.usage.cost", cost);
          if (observer && outcome.kind === "cancelled" && outcome.abandoned) {
            span.setAttributes(abandonedAttributes(observer, outcome.abandoned));
          }
          const failure = failureOf(outcome);
          if (failure) {
            span.setAttribute("error.type", failure.type);
            span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
          }
          span.end();
        },
      };
    },
  };
}

/** Captured content cut to its own cap, with a marker (the SDK's value length limit would cut it silently). */
function capContentAttributes(attrs: Attributes, maxBytes: number): void {
  for (const key of CONTENT_ATTRIBUTE_KEYS) {
    const value = attrs[key];
    if (typeof value === "string") attrs[key] = capContent(value, maxBytes);
  }
}

/** The request-wide attributes under the call's own; no copy when there are none (the span copies them anyway). */
function withExtra(extra: Attributes, own: Attributes): Attributes {
  return Object.keys(extra).length === 0 ? own : { ...extra, ...own };
}

/** How a call failed (`error.type` and a message), or undefined when it did not. */
export function failureOf(outcome: CallOutcome): CallFailure | undefined {
  if (outcome.kind === "cancelled") return { type: "cancelled", message: "client cancelled the request" };
  if (outcome.kind === "error") return { type: outcome.error.type, message: outcome.error.message };
  if (outcome.status >= 400) return { type: String(outcome.status), message: `provider answered ${outcome.status}` };
  return undefined;
}
