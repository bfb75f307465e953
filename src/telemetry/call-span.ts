import { SpanKind, SpanStatusCode, type Attributes, type Context, type Tracer } from "@opentelemetry/api";
import { formatTraceparent } from "./propagation/traceparent";
import type { CallOutcome, ClientCall, ClientCallInit, RequestTrace } from "./request-trace";
import { holdRecorder } from "./sdk/tracer";

/** Durations of the latest upstream call, for the `Server-Timing` response header (milliseconds). */
export interface CallTimings {
  ttfb?: number;
  upstream?: number;
}

/**
 * Tracing on: each upstream attempt is a CLIENT span made through the `@opentelemetry/api` Tracer, a child of the
 * request's SERVER span; the provider receives a `traceparent` whose parent-id is that span. Unsampled requests get
 * non-recording spans with fresh ids, so propagation is the same either way.
 */
export function tracedRequest(
  tracer: Tracer,
  ctx: Context,
  opts: { captureContent: boolean; sampled: boolean; flags: number; tracestate: string; extraAttributes: Attributes },
  timings: CallTimings,
): RequestTrace {
  return {
    captureContent: opts.captureContent,
    recording: opts.sampled,
    hold: () => holdRecorder(ctx),
    startCall(init: ClientCallInit): ClientCall {
      const span = tracer.startSpan(
        init.name,
        { kind: SpanKind.CLIENT, attributes: withExtra(opts.extraAttributes, init.attributes) },
        ctx,
      );
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
        firstChunk() {
          if (!recording) return;
          span.setAttribute("gen_ai.response.time_to_first_chunk", (Date.now() - start) / 1000);
          span.addEvent("gen_ai.first_chunk");
        },
        end(outcome: CallOutcome) {
          timings.upstream = Date.now() - start;
          if (!recording) return;
          // upstream.ts has fed the observer every event / the whole response by now.
          if (init.observer) span.setAttributes(init.observer.attributes(opts.captureContent));
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

/** The request-wide attributes under the call's own; no copy when there are none (the span copies them anyway). */
function withExtra(extra: Attributes, own: Attributes): Attributes {
  return Object.keys(extra).length === 0 ? own : { ...extra, ...own };
}

function failureOf(outcome: CallOutcome): { type: string; message: string } | undefined {
  if (outcome.kind === "cancelled") return { type: "cancelled", message: "client cancelled the request" };
  if (outcome.kind === "error") return { type: outcome.error.type, message: outcome.error.message };
  if (outcome.status >= 400) return { type: String(outcome.status), message: `provider answered ${outcome.status}` };
  return undefined;
}
