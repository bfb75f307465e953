// What the worker project's global setup (setup.ts, on Node) hands to the tests (in workerd) through vitest's
// provide/inject: the loopback URLs of its scripted provider and its OTLP collector.
declare module "vitest" {
  export interface ProvidedContext {
    /** The scripted provider (scripted-provider.ts); it also answers span queries for the collector. */
    loopbackProvider: string;
    /** OTLP/HTTP JSON collector (test/e2e/harness/otlp-receiver.ts): point an exporter at `${url}/v1/traces`. */
    loopbackCollector: string;
    /** Azure OpenAI, the Gemini API, Vertex AI and its token endpoint (test/e2e/harness/native-providers.ts). */
    loopbackNative: string;
    /** The mock Amazon Bedrock runtime (test/fixtures/bedrock/mock-bedrock.ts). */
    loopbackBedrock: string;
  }
}

/** One scripted provider answer: sent as it is to the next request naming `model`. */
export interface ScriptedAnswer {
  readonly status?: number;
  /** Milliseconds the provider waits before answering (a slow provider). */
  readonly delayMs?: number;
  /** Defaults to application/json, or text/event-stream for a `stream` request. */
  readonly contentType?: string;
  readonly body: string;
  /** Further response headers (`retry-after`, rate limits, `set-cookie`…). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent after `body`, one every `chunkIntervalMs` (default 20): a provider that keeps streaming. */
  readonly chunks?: readonly string[];
  readonly chunkIntervalMs?: number;
}

/** The last request the scripted provider received for a model. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/** What the scripted provider sent for a model (`GET /sent?model=`): chunks written, and whether it got to the end. */
export interface ScriptedDelivery {
  readonly chunksWritten: number;
  readonly finished: boolean;
  /** The gateway closed the connection before the last chunk. */
  readonly closedEarly: boolean;
}

/** A span as the span query returns it (OTLP JSON flattened, attribute values unwrapped). */
export interface QueriedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly traceState: string;
  /** OTLP `Span.flags`: W3C trace flags (bits 0-7) and the is-remote bits. */
  readonly flags: number;
  readonly status: { code?: number; message?: string };
  readonly attributes: Record<string, unknown>;
  /** The span's events: name and time (Unix nanoseconds, as a decimal string). */
  readonly events: readonly { readonly name: string; readonly timeNs: string }[];
  /** The OTLP request the span came in: its path and headers (names lowercase). */
  readonly request: { readonly path: string; readonly headers: Record<string, string> };
}

/** What the scripted provider received for a model: each request's trace headers, in order. */
export interface ReceivedCall {
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
}
