import type { Attributes } from "@opentelemetry/api";
import type { ApiFormat, GatewayError } from "../errors";
import type { ModelPrice } from "../pricing/price";
import type { TokenUsage } from "./genai/taps/shared";

/** How a stream the client had left was read on, for its usage (streaming/abandoned.ts). */
export interface AbandonedRead {
  /** Stream events the client had been sent when it left. */
  readonly deliveredEvents: number;
  /** All the stream's events read, before and after. */
  readonly events: number;
  /** To the end, or stopped by `limits.abandoned_stream_ms` / `_bytes`, or by a failed read. */
  readonly end: "complete" | "time_limit" | "byte_limit" | "error";
}

/** The end of one upstream call, as the span records it. */
export type CallOutcome =
  | { readonly kind: "complete"; readonly status: number }
  | { readonly kind: "error"; readonly error: GatewayError; readonly status?: number }
  | { readonly kind: "cancelled"; readonly abandoned?: AbandonedRead };

/** Observes the response of one call (the GenAI response tap for model calls). */
export interface ResponseObserver {
  observeEvent(data: unknown): void;
  observeResponse(json: unknown): void;
  attributes(captureContent: boolean): Attributes;
  usage(): TokenUsage;
  /** The model that answered (`gen_ai.response.model`). */
  responseModel(): string | undefined;
}

/** What prices a call: the configured `pricing:` if any, else the bundled table's price of the model. */
export interface CallPricing {
  readonly configured: ModelPrice | undefined;
  /** `gen_ai.provider.name`: the bundled table is per provider. */
  readonly provider: string;
  /** The model asked of the provider (the answering model's name is tried first). */
  readonly model: string;
}

/** Which model call this is, for the metrics (recorded on every request, whether its spans record or not). */
export interface CallIdentity {
  /** `gen_ai.provider.name`. */
  readonly provider: string;
  /** `gen_ai.request.model`: the model sent to the provider. */
  readonly model: string;
  /** The provider endpoint (server.address / server.port). */
  readonly url: string;
}

export interface ClientCallInit {
  readonly name: string;
  readonly attributes: Attributes;
  /** False for providers with `propagate_trace_context: false`: no trace headers are sent. */
  readonly propagate: boolean;
  readonly observer?: ResponseObserver;
  /** Prices the call from the observer's usage (span, Server-Timing); absent for calls that are not model calls. */
  readonly pricing?: CallPricing;
  /** Set for model calls: only those are measured for the GenAI metrics. */
  readonly identity?: CallIdentity;
}

/** One upstream attempt as telemetry sees it: its CLIENT span and the trace headers it carries. */
export interface ClientCall {
  /** `traceparent`/`tracestate` to send upstream (empty when not propagating). */
  readonly headers: Readonly<Record<string, string>>;
  responded(status: number): void;
  firstChunk(): void;
  /** Each stream event, after the observer saw it (time per output chunk). */
  chunk(): void;
  end(outcome: CallOutcome): void;
}

/** A request's tracing: the seam through which upstream.ts reports, whether tracing is on, off or unsampled. */
export interface RequestTrace {
  readonly captureContent: boolean;
  /** Inline media kept in captured input messages (`tracing.capture_content_media`). */
  readonly captureMedia: boolean;
  /** Whether this request's spans are recorded (tracing on and sampled): span attributes are worth computing. */
  readonly recording: boolean;
  /** Tracing is on, sampled or not: `Server-Timing` carries a non-streamed answer's cost, so its usage is read. */
  readonly reportsCost: boolean;
  /** Whether calls are measured for metrics: the response tap is needed for usage even when no span records. */
  readonly metering: boolean;
  /** The model the client asked for (an alias or a model name): `tracegate.request.model` on the SERVER and CLIENT spans. */
  requested(model: string): void;
  /** A route (`provider/model`, or `client` for the client's own limits) that a rate limit refused. */
  refused(what: string): void;
  /**
   * Reads who called and in which conversation from the client's body (identity.ts) onto the SERVER span and the
   * CLIENT spans to come; undefined (nothing to wait for) unless the request is recorded and the config asks.
   */
  identify(format: ApiFormat, body: Readonly<Record<string, unknown>>): Promise<void> | undefined;
  startCall(init: ClientCallInit): ClientCall;
  /**
   * Keeps the request's trace open (the SERVER span neither ends nor is exported) until the returned function is
   * called: for attempts made after the Response was returned (a committed stream).
   */
  hold(): () => void;
}

// Shared by every untraced request: the no-op parts of a RequestTrace are the same for all, so only what the
// request carries (its trace headers) is allocated per request.
const NOTHING = (): undefined => undefined;
const RELEASE_NOTHING = (): (() => void) => NOTHING;
const SILENT_CALL: ClientCall = Object.freeze({
  headers: Object.freeze({}),
  responded: NOTHING,
  firstChunk: NOTHING,
  chunk: NOTHING,
  end: NOTHING,
});

/**
 * Tracing off: no spans, and the caller's own trace headers travel upstream unchanged. A tracestate without a
 * traceparent is not passed: no one downstream may read it (W3C: tracestate is parsed only with a traceparent), and
 * not looking for it saves the common request a header lookup.
 */
export function passthroughTrace(incoming: Headers): RequestTrace {
  const traceparent = incoming.get("traceparent");
  let call = SILENT_CALL;
  if (traceparent !== null) {
    const tracestate = incoming.get("tracestate");
    const headers: Record<string, string> = tracestate === null ? { traceparent } : { traceparent, tracestate };
    call = { ...SILENT_CALL, headers };
  }
  return {
    captureContent: false,
    captureMedia: false,
    recording: false,
    reportsCost: false,
    metering: false,
    requested: NOTHING,
    refused: NOTHING,
    identify: NOTHING,
    startCall: (init) => (init.propagate ? call : SILENT_CALL),
    hold: RELEASE_NOTHING,
  };
}
