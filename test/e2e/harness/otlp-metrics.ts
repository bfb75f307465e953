import { parse, Root } from "protobufjs";
import { OTLP_PROTOS } from "../../../viewer/otlp-protos.js";
import { OTLP_METRICS_PROTOS } from "./otlp-metrics-protos";

// The loopback collector's `/v1/metrics`: ExportMetricsServiceRequest bodies (protobuf, decoded with protobufjs and
// the official schema, or JSON) flattened to one record per data point.

/** One received data point, attribute values unwrapped. */
export interface ReceivedPoint {
  readonly name: string;
  readonly unit: string;
  readonly kind: "histogram" | "sum" | "other";
  /** 1 = delta, 2 = cumulative. */
  readonly temporality: number;
  readonly monotonic: boolean;
  readonly attributes: Record<string, unknown>;
  readonly startNs: string;
  readonly endNs: string;
  /** Histograms: count, sum, bucket counts, explicit bounds. */
  readonly count?: number;
  readonly sum?: number;
  readonly bucketCounts?: number[];
  readonly explicitBounds?: number[];
  /** Sums. */
  readonly value?: number;
  readonly encoding: "json" | "protobuf";
}

const root = new Root();
for (const proto of [...OTLP_PROTOS, ...OTLP_METRICS_PROTOS]) parse(proto, root);
root.resolveAll();
const Request = root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest");

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
type Json = Record<string, unknown>;

function unwrap(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

const attrs = (list: unknown) =>
  Object.fromEntries(((list as { key: string; value: AnyValue }[] | undefined) ?? []).map((kv) => [kv.key, unwrap(kv.value)]));
const list = (value: unknown) => (Array.isArray(value) ? (value as Json[]) : []);

function points(metric: Json, encoding: ReceivedPoint["encoding"]): ReceivedPoint[] {
  const histogram = metric.histogram as Json | undefined;
  const sum = metric.sum as Json | undefined;
  const data = histogram ?? sum ?? {};
  return list(data.dataPoints).map((p) => ({
    name: String(metric.name),
    unit: String(metric.unit ?? ""),
    kind: histogram ? "histogram" : sum ? "sum" : "other",
    temporality: Number(data.aggregationTemporality ?? 0),
    monotonic: data.isMonotonic === true,
    attributes: attrs(p.attributes),
    startNs: String(p.startTimeUnixNano),
    endNs: String(p.timeUnixNano),
    ...(histogram && {
      count: Number(p.count),
      sum: Number(p.sum),
      bucketCounts: ((p.bucketCounts as unknown[] | undefined) ?? []).map(Number),
      explicitBounds: ((p.explicitBounds as unknown[] | undefined) ?? []).map(Number),
    }),
    ...(sum && { value: Number(p.asDouble ?? p.asInt) }),
    encoding,
  }));
}

/** The data points of one metrics export body. */
export function metricPoints(body: Buffer, protobuf: boolean): ReceivedPoint[] {
  const json = (
    protobuf
      ? Request.toObject(Request.decode(body), { longs: String, enums: Number, defaults: false })
      : JSON.parse(body.toString("utf8"))
  ) as Json;
  const encoding = protobuf ? "protobuf" : "json";
  return list(json.resourceMetrics).flatMap((rm) =>
    list(rm.scopeMetrics).flatMap((sm) => list(sm.metrics).flatMap((m) => points(m, encoding))),
  );
}
