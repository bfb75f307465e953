// What the worker project's global setup (setup.ts, on Node) hands to the tests (in workerd) through vitest's
// provide/inject: the loopback URLs of its scripted provider and its OTLP collector.
declare module "vitest" {
  export interface ProvidedContext {
    /** The scripted provider (scripted-provider.ts); it also answers span queries for the collector. */
    loopbackProvider: string;
    /** OTLP/HTTP JSON collector (test/e2e/harness/otlp-receiver.ts): point an exporter at `${url}/v1/traces`. */
    loopbackCollector: string;
    /** The mock Amazon Bedrock runtime (test/fixtures/bedrock/mock-bedrock.ts). */
    loopbackBedrock: string;
  }
}

/** One scripted provider answer: sent as it is to the next request naming `model`. */
export interface ScriptedAnswer {
  readonly status?: number;
  /** Defaults to application/json, or text/event-stream for a `stream` request. */
  readonly contentType?: string;
  readonly body: string;
}

/** A span as the span query returns it (OTLP JSON flattened, attribute values unwrapped). */
export interface QueriedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly status: { code?: number; message?: string };
  readonly attributes: Record<string, unknown>;
}
