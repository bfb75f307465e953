import { DEFAULT_DOUBLE_KEYS } from "../sdk/attribute-types";
import type { Resource, Scope } from "../sdk/span-data";
import { keyValues } from "../export/otlp-json";
import { DELTA } from "./otlp-proto";
import type { MetricBatch, MetricPoints } from "./store";

// OTLP/HTTP JSON body of a metrics export (`ExportMetricsServiceRequest`), with the trace encoder's conventions:
// lowerCamelCase keys, enums as integers, 64-bit integers (times, counts) as decimal strings.

const NO_DOUBLE_KEYS: ReadonlySet<string> = new Set();
const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

function metricJson({ instrument, points }: MetricPoints, start: string, end: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: instrument.name, description: instrument.description, unit: instrument.unit };
  const bounds = instrument.boundaries;
  const dataPoints = points.map((p) => {
    const point: Record<string, unknown> = {
      attributes: keyValues(p.attributes, NO_DOUBLE_KEYS),
      startTimeUnixNano: start,
      timeUnixNano: end,
    };
    if ("buckets" in p) {
      point.count = String(p.count);
      point.sum = p.sum;
      point.bucketCounts = p.buckets.map(String);
      point.explicitBounds = bounds ?? [];
      point.min = p.min;
      point.max = p.max;
    } else {
      point.asDouble = p.value;
    }
    return point;
  });
  if (bounds) out.histogram = { dataPoints, aggregationTemporality: DELTA };
  else out.sum = { dataPoints, aggregationTemporality: DELTA, isMonotonic: true };
  return out;
}

/** The body of an OTLP/HTTP JSON metrics export: one ResourceMetrics, one ScopeMetrics (tracegate's scope). */
export function encodeMetricsJson(resource: Resource, scope: Scope, batch: MetricBatch): string {
  const start = nanos(batch.startMs);
  const end = nanos(batch.endMs);
  const scopeJson: Record<string, string> = {};
  if (scope.name) scopeJson.name = scope.name;
  if (scope.version) scopeJson.version = scope.version;
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: keyValues(resource.attributes, DEFAULT_DOUBLE_KEYS) },
        scopeMetrics: [{ scope: scopeJson, metrics: batch.metrics.map((m) => metricJson(m, start, end)) }],
      },
    ],
  });
}
