import { inject } from "vitest";
import "../loopback/context";

/** A span as the collector received it (OTLP JSON flattened, attribute values unwrapped). */
export interface CollectedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  /** Each attribute's OTLP value type as exported: string, int, double, boolean, or `<type>[]`. */
  readonly attributeTypes: Record<string, string>;
  readonly encoding: "json" | "protobuf";
  readonly status: { code?: number; message?: string };
}

/** The OTLP/HTTP JSON endpoint of the loopback collector the worker project's global setup runs (loopback/setup.ts). */
export const collectorUrl = (): string => `${inject("loopbackCollector")}/v1/traces`;

/** The exporter entry for a config's `tracing.exporters` that sends to that collector. */
export const collectorExporter = () => ({ endpoint: collectorUrl(), protocol: "http/json" });

/** The same collector in OTLP/HTTP protobuf. */
export const protobufCollectorExporter = () => ({ endpoint: collectorUrl(), protocol: "http/protobuf" });

/**
 * The spans the collector received for one trace. Call after `requestApp` returned: it waits for the request's
 * `waitUntil` work, so an export the request made has already been answered by the collector.
 */
export async function collectedSpans(traceId: string): Promise<CollectedSpan[]> {
  const url = new URL(collectorUrl());
  url.pathname = "/spans";
  url.searchParams.set("trace_id", traceId);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`collector answered ${res.status}`);
  return (await res.json()) as CollectedSpan[];
}
