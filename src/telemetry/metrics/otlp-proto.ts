import { DEFAULT_DOUBLE_KEYS } from "../sdk/attribute-types";
import type { Resource, Scope } from "../sdk/span-data";
import { writeAttributes } from "../export/otlp-proto";
import { Writer } from "../export/proto-writer";
import type { HistogramPoint, MetricBatch, MetricPoints, SumPoint } from "./store";

// OTLP/HTTP protobuf body of a metrics export (`ExportMetricsServiceRequest`), written by hand like the trace body.
// Field numbers from opentelemetry-proto collector/metrics/v1/metrics_service.proto and metrics/v1/metrics.proto.
// Repeated scalars (bucket_counts, explicit_bounds) are packed, as proto3 writes them.

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const tag = (field: number, wire: number) => (field << 3) | wire;

const T = {
  request_resourceMetrics: tag(1, LEN),
  resourceMetrics_resource: tag(1, LEN),
  resourceMetrics_scopeMetrics: tag(2, LEN),
  resource_attributes: tag(1, LEN),
  scopeMetrics_scope: tag(1, LEN),
  scopeMetrics_metrics: tag(2, LEN),
  scope_name: tag(1, LEN),
  scope_version: tag(2, LEN),
  metric_name: tag(1, LEN),
  metric_description: tag(2, LEN),
  metric_unit: tag(3, LEN),
  metric_sum: tag(7, LEN),
  metric_histogram: tag(9, LEN),
  sum_dataPoints: tag(1, LEN),
  sum_temporality: tag(2, VARINT),
  sum_isMonotonic: tag(3, VARINT),
  histogram_dataPoints: tag(1, LEN),
  histogram_temporality: tag(2, VARINT),
  number_attributes: tag(7, LEN),
  number_start: tag(2, I64),
  number_time: tag(3, I64),
  number_asDouble: tag(4, I64),
  hist_attributes: tag(9, LEN),
  hist_start: tag(2, I64),
  hist_time: tag(3, I64),
  hist_count: tag(4, I64),
  hist_sum: tag(5, I64),
  hist_bucketCounts: tag(6, LEN),
  hist_explicitBounds: tag(7, LEN),
  hist_min: tag(11, I64),
  hist_max: tag(12, I64),
} as const;

/** AGGREGATION_TEMPORALITY_DELTA. */
export const DELTA = 1;
/** No metric attribute is a registry double: whole numbers (server.port) stay ints. */
const NO_DOUBLE_KEYS: ReadonlySet<string> = new Set();

const nanos = (ms: number) => BigInt(Math.round(ms)) * 1_000_000n;

function fixed64(w: Writer, fieldTag: number, value: bigint): void {
  w.varint(fieldTag);
  w.fixed64(value);
}

function double(w: Writer, fieldTag: number, value: number): void {
  w.varint(fieldTag);
  w.double(value);
}

function histogramPoint(w: Writer, p: HistogramPoint, bounds: readonly number[], start: bigint, end: bigint): void {
  const at = w.begin(T.histogram_dataPoints);
  writeAttributes(w, T.hist_attributes, p.attributes, NO_DOUBLE_KEYS);
  fixed64(w, T.hist_start, start);
  fixed64(w, T.hist_time, end);
  fixed64(w, T.hist_count, BigInt(p.count));
  double(w, T.hist_sum, p.sum);
  const counts = w.begin(T.hist_bucketCounts);
  for (const n of p.buckets) w.fixed64(BigInt(n));
  w.end(counts);
  const explicit = w.begin(T.hist_explicitBounds);
  for (const b of bounds) w.double(b);
  w.end(explicit);
  double(w, T.hist_min, p.min);
  double(w, T.hist_max, p.max);
  w.end(at);
}

function sumPoint(w: Writer, p: SumPoint, start: bigint, end: bigint): void {
  const at = w.begin(T.sum_dataPoints);
  writeAttributes(w, T.number_attributes, p.attributes, NO_DOUBLE_KEYS);
  fixed64(w, T.number_start, start);
  fixed64(w, T.number_time, end);
  double(w, T.number_asDouble, p.value);
  w.end(at);
}

function metric(w: Writer, { instrument, points }: MetricPoints, start: bigint, end: bigint): void {
  const at = w.begin(T.scopeMetrics_metrics);
  w.string(T.metric_name, instrument.name);
  w.string(T.metric_description, instrument.description);
  w.string(T.metric_unit, instrument.unit);
  const bounds = instrument.boundaries;
  const data = w.begin(bounds ? T.metric_histogram : T.metric_sum);
  for (const p of points) {
    if (bounds && "buckets" in p) histogramPoint(w, p, bounds, start, end);
    else if (!bounds && "value" in p) sumPoint(w, p, start, end);
  }
  w.varint(bounds ? T.histogram_temporality : T.sum_temporality);
  w.varint(DELTA);
  if (!bounds) {
    w.varint(T.sum_isMonotonic);
    w.varint(1);
  }
  w.end(data);
  w.end(at);
}

/** The body of an OTLP/HTTP protobuf metrics export: one ResourceMetrics, one ScopeMetrics (tracegate's scope). */
export function encodeMetricsProtobuf(resource: Resource, scope: Scope, batch: MetricBatch): Uint8Array {
  const w = new Writer();
  const start = nanos(batch.startMs);
  const end = nanos(batch.endMs);
  const rm = w.begin(T.request_resourceMetrics);
  const res = w.begin(T.resourceMetrics_resource);
  writeAttributes(w, T.resource_attributes, resource.attributes, DEFAULT_DOUBLE_KEYS);
  w.end(res);
  const sm = w.begin(T.resourceMetrics_scopeMetrics);
  const sc = w.begin(T.scopeMetrics_scope);
  if (scope.name) w.string(T.scope_name, scope.name);
  if (scope.version) w.string(T.scope_version, scope.version);
  w.end(sc);
  for (const m of batch.metrics) metric(w, m, start, end);
  w.end(sm);
  w.end(rm);
  return w.finish();
}
