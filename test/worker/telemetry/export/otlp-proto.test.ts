import { Enum, parse, Reader, Root, Type, types, type Field } from "protobufjs";
import { describe, expect, it } from "vitest";
import { encodeJson } from "../../../../src/telemetry/export/otlp-json";
import { encodeProtobuf } from "../../../../src/telemetry/export/otlp-proto";
import type { Resource, Scope, SpanData } from "../../../../src/telemetry/sdk/span-data";
import { OTLP_PROTOS } from "../../../../viewer/otlp-protos.js";

// The official OTLP schema (viewer/otlp-protos.js, shared with the receiver), parsed by protobufjs; its generated codecs need `new Function`, which workerd refuses, so the bytes are read with protobufjs' Reader,
// driven field by field by the parsed reflection (field numbers, types, wire types). Unknown fields fail the test.

const root = new Root();
for (const proto of OTLP_PROTOS) parse(proto, root); // field names become lowerCamelCase, as in OTLP JSON
root.resolveAll();
const Request = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");

const WIRE: Record<string, number> = { ...(types.basic as Record<string, number>), string: 2, bytes: 2 };
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** 64-bit values come back as Long objects (exact); a plain number would have lost precision. */
function int64(value: unknown): string {
  if (typeof value === "object" && value !== null) return String(value);
  throw new Error(`expected a Long, got ${typeof value}`);
}

function readField(field: Field, reader: Reader): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof Type) return decode(resolved, reader.bytes());
  if (resolved instanceof Enum) return reader.int32();
  switch (field.type) {
    case "string": return reader.string();
    case "bytes": return hex(reader.bytes());
    case "bool": return reader.bool();
    case "uint32": return reader.uint32();
    case "fixed32": return reader.fixed32();
    case "double": return reader.double();
    case "int64": return int64(reader.int64());
    case "fixed64": return int64(reader.fixed64());
    default: throw new Error(`type ${field.type} not handled`);
  }
}

function decode(type: Type, bytes: Uint8Array): Record<string, unknown> {
  const reader = Reader.create(bytes);
  const out: Record<string, unknown> = {};
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = type.fieldsById[key >>> 3];
    if (!field) throw new Error(`${type.name}: unknown field ${key >>> 3}`);
    const expected = field.resolvedType instanceof Type ? 2 : field.resolvedType instanceof Enum ? 0 : WIRE[field.type];
    if ((key & 7) !== expected) throw new Error(`${type.name}.${field.name}: wire type ${key & 7}, expected ${expected}`);
    const value = readField(field, reader);
    if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else out[field.name] = value;
  }
  return out;
}

/** Proto3 does not tell an absent repeated field from an empty one: drop empty arrays on both sides. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!(Array.isArray(v) && v.length === 0)) out[k] = normalize(v);
  return out;
}

const T0 = 1_761_000_000_123_456_789n;
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const long = "x".repeat(300) + "é✓🙂";

function sample(): SpanData[] {
  const base = {
    traceId: TRACE,
    traceState: undefined,
    events: [],
    links: [],
    attributes: {},
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    scope,
  };
  return [
    {
      ...base,
      spanId: "00f067aa0ba902b7",
      parentSpanId: "b7ad6b7169203331",
      traceState: "ot=th:8;rv:0a1b2c3d4e5f60,dd=s:1",
      flags: 0x03,
      parentIsRemote: true,
      name: "POST /v1/chat/completions",
      kind: 2,
      startTimeUnixNano: T0,
      endTimeUnixNano: T0 + 1_234_567n,
      attributes: {
        "http.request.method": "POST",
        "http.response.status_code": 200,
        "negative.int": -42,
        "max.safe": Number.MAX_SAFE_INTEGER,
        "zero": 0,
        "gen_ai.request.temperature": 0.7,
        "beyond.int64": 1e20,
        "ok": true,
        "not.ok": false,
        "empty": "",
        "unicode": "héllo — ✓ 🙂 日本",
        "gen_ai.response.finish_reasons": ["stop", "length"],
        "mixed.numbers": [1, 2.5, -3],
        "flags.list": [true, false],
        "empty.list": [],
        "long.value": long,
      },
      events: [
        { name: "gen_ai.first_chunk", timeUnixNano: T0 + 1000n, attributes: {}, droppedAttributesCount: 0 },
        {
          name: "exception",
          timeUnixNano: T0 + 2000n,
          attributes: { "exception.type": "TypeError", "exception.message": long },
          droppedAttributesCount: 0,
        },
      ],
      status: { code: 2, message: "upstream failed" },
    },
    {
      ...base,
      spanId: "1111111111111111",
      parentSpanId: "00f067aa0ba902b7",
      flags: 0x01,
      parentIsRemote: false,
      name: "chat gpt-4o-mini",
      kind: 3,
      startTimeUnixNano: T0 + 10n,
      endTimeUnixNano: T0 + 20n,
      attributes: { "big.blob": "y".repeat(20_000) },
      status: { code: 1 },
    },
    ...([1, 4, 5] as const).map((kind, i): SpanData => ({
      ...base,
      spanId: `222222222222222${i}`,
      parentSpanId: undefined,
      flags: 0,
      parentIsRemote: undefined,
      name: `kind ${kind}`,
      kind,
      startTimeUnixNano: T0,
      endTimeUnixNano: T0,
      status: { code: 0 },
    })),
  ];
}

const resource: Resource = {
  attributes: { "service.name": "tracegate", "service.version": "0.1.0", "process.pid": 7, "host.arch": ["x64"] },
};
const scope: Scope = { name: "tracegate", version: "0.1.0" };

describe("encodeProtobuf, decoded with the official OTLP schema", () => {
  it("carries exactly what the JSON body carries", () => {
    const spans = sample();
    const decoded = decode(Request, encodeProtobuf(resource, spans));
    expect(normalize(decoded)).toEqual(normalize(JSON.parse(encodeJson(resource, spans))));
  });

  it("writes ids as bytes, times as fixed64, flags with the is-remote bits, enums as numbers", () => {
    const decoded = decode(Request, encodeProtobuf(resource, sample())) as {
      resourceSpans: { scopeSpans: { scope: unknown; spans: Record<string, unknown>[] }[] }[];
    };
    const [server, client, internal] = decoded.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(server).toMatchObject({
      traceId: TRACE,
      spanId: "00f067aa0ba902b7",
      parentSpanId: "b7ad6b7169203331",
      traceState: "ot=th:8;rv:0a1b2c3d4e5f60,dd=s:1",
      flags: 0x303,
      kind: 2,
      startTimeUnixNano: T0.toString(),
      endTimeUnixNano: (T0 + 1_234_567n).toString(),
      status: { code: 2, message: "upstream failed" },
    });
    expect(client).toMatchObject({ flags: 0x101, kind: 3, status: { code: 1 } });
    expect(internal).toMatchObject({ kind: 1, status: {} });
    expect(internal).not.toHaveProperty("parentSpanId");
    expect(internal).not.toHaveProperty("flags");
    expect(decoded.resourceSpans[0]?.scopeSpans[0]?.scope).toEqual({ name: "tracegate", version: "0.1.0" });
  });

  it("decodes every attribute value type", () => {
    const decoded = decode(Request, encodeProtobuf(resource, sample().slice(0, 1))) as {
      resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: unknown }[] }[] }[] }[];
    };
    const attributes = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes ?? [];
    const byKey = Object.fromEntries(attributes.map((kv) => [kv.key, kv.value]));
    expect(byKey["http.response.status_code"]).toEqual({ intValue: "200" });
    expect(byKey["negative.int"]).toEqual({ intValue: "-42" });
    expect(byKey["max.safe"]).toEqual({ intValue: "9007199254740991" });
    expect(byKey["zero"]).toEqual({ intValue: "0" });
    expect(byKey["gen_ai.request.temperature"]).toEqual({ doubleValue: 0.7 });
    expect(byKey["beyond.int64"]).toEqual({ doubleValue: 1e20 });
    expect(byKey["not.ok"]).toEqual({ boolValue: false });
    expect(byKey["empty"]).toEqual({ stringValue: "" });
    expect(byKey["unicode"]).toEqual({ stringValue: "héllo — ✓ 🙂 日本" });
    expect(byKey["long.value"]).toEqual({ stringValue: long });
    expect(byKey["mixed.numbers"]).toEqual({
      arrayValue: { values: [{ intValue: "1" }, { doubleValue: 2.5 }, { intValue: "-3" }] },
    });
    expect(byKey["flags.list"]).toEqual({ arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } });
    expect(byKey["empty.list"]).toEqual({ arrayValue: {} });
  });

  it("encodes a large batch exactly (length prefixes wider than one byte at every level)", () => {
    const spans = Array.from({ length: 500 }, (_, i): SpanData => ({
      ...sample()[0]!,
      spanId: i.toString(16).padStart(16, "0"),
      attributes: { index: i, "text": "z".repeat(i * 3) },
    }));
    const bytes = encodeProtobuf(resource, spans);
    expect(bytes.length).toBeGreaterThan(300_000);
    const decoded = decode(Request, bytes);
    expect(normalize(decoded)).toEqual(normalize(JSON.parse(encodeJson(resource, spans))));
  });

  it("writes short strings again from its cache, exactly, also past the cache's bound", () => {
    // 1,500 distinct short values (the cache keeps 1,024, then starts again), ASCII and not (up to 192 bytes: two-byte
    // lengths), each written twice.
    const spans = Array.from({ length: 1500 }, (_, i): SpanData => ({
      ...sample()[0]!,
      spanId: (i + 1).toString(16).padStart(16, "0"),
      name: i % 2 ? `chat model-${i}` : `chat modèle-${i} ✓`,
      attributes: { "gen_ai.response.id": `resp-${i}`, "tracegate.note": i % 3 ? "✓".repeat(i % 65) : "x".repeat(i % 70) },
    }));
    for (const round of [1, 2]) {
      const decoded = decode(Request, encodeProtobuf(resource, spans));
      expect(normalize(decoded), `round ${round}`).toEqual(normalize(JSON.parse(encodeJson(resource, spans))));
    }
  });

  it("carries dropped counts, links (with attributes, tracestate and is-remote flags) and one ScopeSpans per scope", () => {
    const plugin: Scope = { name: "a-plugin", version: "2.3.4" };
    const [first, second] = sample();
    const spans: SpanData[] = [
      {
        ...first!,
        droppedAttributesCount: 3,
        droppedEventsCount: 2,
        droppedLinksCount: 1,
        events: [{ name: "e", timeUnixNano: T0, attributes: { kept: 1 }, droppedAttributesCount: 4 }],
        links: [
          {
            traceId: "5bf92f3577b34da6a3ce929d0e0e4736",
            spanId: "1111111111111111",
            traceState: "vendor=v1",
            flags: 1,
            isRemote: true,
            attributes: { "messaging.batch.index": 0, note: "x" },
            droppedAttributesCount: 5,
          },
          { traceId: TRACE, spanId: "2222222222222222", traceState: undefined, flags: 0, isRemote: undefined, attributes: {}, droppedAttributesCount: 0 },
        ],
      },
      { ...second!, scope: plugin },
      { ...second!, spanId: "3333333333333333", scope: { ...plugin } }, // equal scope, another object: same group
    ];
    const decoded = decode(Request, encodeProtobuf(resource, spans)) as {
      resourceSpans: { scopeSpans: { scope: unknown; spans: Record<string, unknown>[] }[] }[];
    };
    expect(normalize(decoded)).toEqual(normalize(JSON.parse(encodeJson(resource, spans))));
    const scopeSpans = decoded.resourceSpans[0]?.scopeSpans ?? [];
    expect(scopeSpans.map((ss) => [ss.scope, ss.spans.map((sp) => sp.spanId)])).toEqual([
      [{ name: "tracegate", version: "0.1.0" }, ["00f067aa0ba902b7"]],
      [{ name: "a-plugin", version: "2.3.4" }, ["1111111111111111", "3333333333333333"]],
    ]);
    const span = scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({
      droppedAttributesCount: 3,
      droppedEventsCount: 2,
      droppedLinksCount: 1,
      events: [{ name: "e", droppedAttributesCount: 4 }],
      links: [
        {
          traceId: "5bf92f3577b34da6a3ce929d0e0e4736",
          spanId: "1111111111111111",
          traceState: "vendor=v1",
          flags: 0x301,
          attributes: [
            { key: "messaging.batch.index", value: { intValue: "0" } },
            { key: "note", value: { stringValue: "x" } },
          ],
          droppedAttributesCount: 5,
        },
        { traceId: TRACE, spanId: "2222222222222222" },
      ],
    });
    const bare = (span?.links as Record<string, unknown>[])[1];
    for (const field of ["traceState", "flags", "droppedAttributesCount"]) expect(bare).not.toHaveProperty(field);
    expect(scopeSpans[1]?.spans[0]).not.toHaveProperty("droppedAttributesCount");
    expect(scopeSpans[1]?.spans[0]).not.toHaveProperty("links");
  });

  // Spans carry their scope now (one ScopeSpans per scope), so a batch without spans has no ScopeSpans.
  it("encodes an empty batch as a ResourceSpans without ScopeSpans", () => {
    const decoded = decode(Request, encodeProtobuf({ attributes: {} }, []));
    expect(decoded).toEqual({ resourceSpans: [{ resource: {} }] });
    expect(JSON.parse(encodeJson({ attributes: {} }, []))).toEqual({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [] }] });
  });
});
