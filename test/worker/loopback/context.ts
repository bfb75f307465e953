// What the worker project's global setup (setup.ts, on Node) hands to the tests (in workerd) through vitest's
// provide/inject: the loopback URLs of its scripted provider and its OTLP collector.
declare module "vitest" {
  export interface ProvidedContext {
    /** The scripted provider (scripted-provider.ts); it also answers span queries for the collector. */
    loopbackProvider: string;
    /** OTLP/HTTP JSON collector (test/e2e/harness/otlp-receiver.ts): point an exporter at `${url}/v1/traces`. */
    loopbackCollector: string;
  }
}

/** One scripted provider answer: sent as it is to the next request naming `model`. */
export interface ScriptedAnswer {
  readonly status?: number;
  /** Defaults to application/json, or text/event-stream for a `stream` request. */
  readonly contentType?: string;
  readonly body: string;
  /** Sent after `body`, one every `chunkIntervalMs` (default 20): a provider that keeps streaming. */
  readonly chunks?: readonly string[];
  readonly chunkIntervalMs?: number;
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
  readonly status: { code?: number; message?: string };
  readonly attributes: Record<string, unknown>;
}
