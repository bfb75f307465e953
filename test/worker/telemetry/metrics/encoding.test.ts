import { Enum, parse, Reader, Root, Type, types, type Field } from "protobufjs";
import { describe, expect, it } from "vitest";
import { CLIENT_COST, HTTP_SERVER_DURATION, TOKEN_USAGE } from "../../../../src/telemetry/metrics/instruments";
import { encodeMetricsJson } from "../../../../src/telemetry/metrics/otlp-json";
import { encodeMetricsProtobuf } from "../../../../src/telemetry/metrics/otlp-proto";
import { MetricStore, type MetricBatch } from "../../../../src/telemetry/metrics/store";
import type { Resource, Scope } from "../../../../src/telemetry/sdk/span-data";
import { OTLP_PROTOS } from "../../../../viewer/otlp-protos.js";
import { OTLP_METRICS_PROTOS } from "../../../../viewer/otlp-metrics-protos.js";

// The metrics bodies against the official schema: protobuf bytes read field by field with protobufjs' Reader driven
// by the parsed .proto (workerd refuses the generated codecs' `new Function`); unknown fields and wrong wire types
// fail. The JSON body must carry exactly the same message.

const root = new Root();
for (const proto of [...OTLP_PROTOS, ...OTLP_METRICS_PROTOS]) parse(proto, root);
root.resolveAll();
const Request = root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest");

const WIRE: Record<string, number> = { ...(types.basic as Record<string, number>), string: 2, bytes: 2 };
const PACKABLE = new Set(["fixed64", "double", "uint64"]);

function scalar(type: string, reader: Reader): unknown {
  switch (type) {
    case "string": return reader.string();
    case "bool": return reader.bool();
    case "uint32": return reader.uint32();
    case "double": return reader.double();
    case "int64": return String(reader.int64());
    case "fixed64": return String(reader.fixed64());
    case "sfixed64": return String(reader.sfixed64());
    default: throw new Error(`type ${type} not handled`);
  }
}

function decode(type: Type, bytes: Uint8Array): Record<string, unknown> {
  const reader = Reader.create(bytes);
  const out: Record<string, unknown> = {};
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field: Field | undefined = type.fieldsById[key >>> 3];
    if (!field) throw new Error(`${type.name}: unknown field ${key >>> 3}`);
    const wire = key & 7;
    const resolved = field.resolvedType;
    if (field.repeated && PACKABLE.has(field.type) && wire === 2) {
      const packed = Reader.create(reader.bytes());
      const list = (out[field.name] ??= []) as unknown[];
      while (packed.pos < packed.len) list.push(scalar(field.type, packed));
      continue;
    }
    const expected = resolved instanceof Type ? 2 : resolved instanceof Enum ? 0 : WIRE[field.type];
    if (wire !== expected) throw new Error(`${type.name}.${field.name}: wire type ${wire}, expected ${expected}`);
    const value = resolved instanceof Type ? decode(resolved, reader.bytes()) : resolved instanceof Enum ? reader.int32() : scalar(field.type, reader);
    if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else out[field.name] = value;
  }
  return out;
}

/** OTLP JSON's AnyValue int is a string, protobuf's an int64 read as a string above: both compare as written. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!(Array.isArray(v) && v.length === 0)) out[k] = normalize(v);
  return out;
}

interface JsonPoint {
  attributes: { key: string; value: { stringValue?: string; intValue?: string } }[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count?: string;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
  asDouble?: number;
}
interface JsonMetric {
  name: string;
  unit: string;
  histogram?: { dataPoints: JsonPoint[]; aggregationTemporality: number };
  sum?: { dataPoints: JsonPoint[]; aggregationTemporality: number; isMonotonic: boolean };
}
interface JsonBody {
  resourceMetrics: { scopeMetrics: { scope: unknown; metrics: JsonMetric[] }[] }[];
}

const resource: Resource = { attributes: { "service.name": "tracegate", "service.version": "1.2.3" } };
const scope: Scope = { name: "tracegate", version: "1.2.3" };
const T0 = 1_761_000_000_123;

function sampleBatch(): MetricBatch {
  const store = new MetricStore(2000, T0);
  const chat = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "server.port": 443 };
  store.record(TOKEN_USAGE, "a\u0000input", { ...chat, "gen_ai.token.type": "input" }, 12);
  store.record(TOKEN_USAGE, "a\u0000input", { ...chat, "gen_ai.token.type": "input" }, 5000);
  store.record(TOKEN_USAGE, "a\u0000output", { ...chat, "gen_ai.token.type": "output" }, 0);
  store.record(HTTP_SERVER_DURATION, "POST", { "http.request.method": "POST", "http.response.status_code": 200 }, 0.0123);
  store.record(CLIENT_COST, "a", chat, 0.000123);
  store.record(CLIENT_COST, "a", chat, 0.5);
  return store.drain(T0 + 10_000);
}

describe("OTLP metrics encoding", () => {
  it("protobuf decodes with the official schema into the same message as the JSON body", () => {
    const batch = sampleBatch();
    const fromProto = decode(Request, encodeMetricsProtobuf(resource, scope, batch));
    const fromJson = JSON.parse(encodeMetricsJson(resource, scope, batch)) as unknown;
    expect(normalize(fromProto)).toEqual(normalize(fromJson));
  });

  it("writes delta histograms with the advised buckets, and the cost as a monotonic delta sum", () => {
    const body = JSON.parse(encodeMetricsJson(resource, scope, sampleBatch())) as JsonBody;
    const [sm] = body.resourceMetrics[0]!.scopeMetrics;
    expect(sm!.scope).toEqual({ name: "tracegate", version: "1.2.3" });
    const byName = Object.fromEntries(sm!.metrics.map((m) => [m.name, m]));
    const tokens = byName["gen_ai.client.token.usage"]!;
    expect(tokens.unit).toBe("{token}");
    expect(tokens.histogram!.aggregationTemporality).toBe(1);
    const input = tokens.histogram!.dataPoints.find((p) => p.attributes.some((a) => a.value.stringValue === "input"))!;
    expect(input.count).toBe("2");
    expect(input.sum).toBe(5012);
    expect(input.min).toBe(12);
    expect(input.max).toBe(5000);
    expect(input.explicitBounds).toEqual(TOKEN_USAGE.boundaries);
    // 12 falls in (4, 16], 5000 in (4096, 16384].
    expect(input.bucketCounts).toEqual(["0", "0", "1", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"]);
    expect(input.startTimeUnixNano).toBe(`${T0}000000`);
    expect(input.timeUnixNano).toBe(`${T0 + 10_000}000000`);
    expect(input.attributes).toContainEqual({ key: "server.port", value: { intValue: "443" } });
    const cost = byName["tracegate.client.cost"]!;
    expect(cost.sum).toMatchObject({ aggregationTemporality: 1, isMonotonic: true });
    expect(cost.sum!.dataPoints[0]!.asDouble).toBeCloseTo(0.500123, 12);
    expect(byName["http.server.request.duration"]!.histogram!.dataPoints[0]!.bucketCounts![2]).toBe("1");
  });

  it("a bucket boundary is inclusive: a value equal to a bound counts in that bound's bucket", () => {
    const store = new MetricStore(2000, T0);
    for (const v of [1, 4, 4.0001, 67108864, 67108865]) store.record(TOKEN_USAGE, "k", {}, v);
    const [metric] = store.drain(T0 + 1).metrics;
    const point = metric!.points[0] as { buckets: number[] };
    expect(point.buckets[0]).toBe(1);
    expect(point.buckets[1]).toBe(1);
    expect(point.buckets[2]).toBe(1);
    expect(point.buckets[13]).toBe(1);
    expect(point.buckets[14]).toBe(1);
  });
});
