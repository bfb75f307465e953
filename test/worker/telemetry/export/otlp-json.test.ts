import { describe, expect, it } from "vitest";
import { encodeJson } from "../../../../src/telemetry/export/otlp-json";
import { otlpSpanFlags, type SpanData } from "../../../../src/telemetry/sdk/span-data";
import { spanData } from "../span-fixture";

const T0 = 1_761_000_000_123_456_789n;

function span(overrides: Partial<SpanData> = {}): SpanData {
  return spanData({
    parentSpanId: "b7ad6b7169203331",
    name: "chat gpt-4o-mini",
    kind: 3, // OTLP SPAN_KIND_CLIENT (SpanData holds OTLP codes: the API's SpanKind + 1)
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 5_000_000n,
    ...overrides,
  });
}

const body = (spans: SpanData[]) => JSON.parse(encodeJson({ attributes: { "service.name": "tracegate" } }, spans));

describe("encodeJson (OTLP/HTTP JSON mapping)", () => {
  it("nests ExportTraceServiceRequest > resourceSpans > scopeSpans with lowerCamelCase keys", () => {
    expect(body([span()])).toEqual({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "tracegate" } }] },
          scopeSpans: [
            {
              scope: { name: "tracegate", version: "0.1.0" },
              spans: [
                {
                  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
                  spanId: "00f067aa0ba902b7",
                  parentSpanId: "b7ad6b7169203331",
                  flags: 1,
                  name: "chat gpt-4o-mini",
                  kind: 3,
                  startTimeUnixNano: "1761000000123456789",
                  endTimeUnixNano: "1761000000128456789",
                  attributes: [],
                  events: [],
                  status: {},
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it("writes ids as hex (not base64), enums as integers, 64-bit integers as decimal strings", () => {
    const [s] = body([
      span({
        kind: 2, // OTLP SPAN_KIND_SERVER
        status: { code: 2, message: "boom" },
        attributes: { tokens: 1234, big: -9_007_199_254_740_991 },
        events: [{ name: "gen_ai.first_chunk", timeUnixNano: T0 + 1n, attributes: { n: 1 }, droppedAttributesCount: 0 }],
      }),
    ]).resourceSpans[0].scopeSpans[0].spans;
    expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(s.kind).toBe(2);
    expect(s.status).toEqual({ code: 2, message: "boom" });
    expect(s.attributes).toEqual([
      { key: "tokens", value: { intValue: "1234" } },
      { key: "big", value: { intValue: "-9007199254740991" } },
    ]);
    expect(s.events).toEqual([
      { timeUnixNano: "1761000000123456790", name: "gen_ai.first_chunk", attributes: [{ key: "n", value: { intValue: "1" } }] },
    ]);
  });

  it("maps every attribute value type", () => {
    const [s] = body([
      span({
        attributes: {
          s: "x",
          b: false,
          d: 0.25,
          nan: Number.NaN,
          inf: Number.NEGATIVE_INFINITY,
          strings: ["a", "b"],
          numbers: [1, 1.5],
          bools: [true],
          none: [],
        },
      }),
    ]).resourceSpans[0].scopeSpans[0].spans;
    expect(Object.fromEntries(s.attributes.map((kv: { key: string; value: unknown }) => [kv.key, kv.value]))).toEqual({
      s: { stringValue: "x" },
      b: { boolValue: false },
      d: { doubleValue: 0.25 },
      nan: { doubleValue: "NaN" },
      inf: { doubleValue: "-Infinity" },
      strings: { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } },
      numbers: { arrayValue: { values: [{ intValue: "1" }, { doubleValue: 1.5 }] } },
      bools: { arrayValue: { values: [{ boolValue: true }] } },
      none: { arrayValue: { values: [] } },
    });
  });

  it("leaves out default values: root parent, empty tracestate, zero flags, unset status", () => {
    const [s] = body([span({ parentSpanId: undefined, traceState: undefined, flags: 0 })]).resourceSpans[0].scopeSpans[0]
      .spans;
    expect(s).not.toHaveProperty("parentSpanId");
    expect(s).not.toHaveProperty("traceState");
    expect(s).not.toHaveProperty("flags");
    expect(s.status).toEqual({});
  });

  it("carries traceState and the is-remote flag bits", () => {
    const spans = body([
      span({ traceState: "ot=th:c,dd=s:1", parentIsRemote: true, flags: 3 }),
      span({ parentIsRemote: false, flags: 1 }),
    ]).resourceSpans[0].scopeSpans[0].spans;
    expect(spans[0]).toMatchObject({ traceState: "ot=th:c,dd=s:1", flags: 0x303 });
    expect(spans[1].flags).toBe(0x101);
  });
});

describe("encodeJson: what the limits dropped, links and scopes", () => {
  it("writes dropped*Count fields only when not 0", () => {
    const [s] = body([
      span({
        droppedAttributesCount: 2,
        droppedEventsCount: 1,
        droppedLinksCount: 3,
        events: [{ name: "e", timeUnixNano: T0, attributes: {}, droppedAttributesCount: 7 }],
      }),
    ]).resourceSpans[0].scopeSpans[0].spans;
    expect(s).toMatchObject({ droppedAttributesCount: 2, droppedEventsCount: 1, droppedLinksCount: 3 });
    expect(s.events[0]).toEqual({ timeUnixNano: "1761000000123456789", name: "e", attributes: [], droppedAttributesCount: 7 });
    expect(s).not.toHaveProperty("links");
  });

  it("writes links: hex ids, tracestate, attributes, dropped count, flags with the is-remote bits", () => {
    const [s] = body([
      span({
        links: [
          {
            traceId: "5bf92f3577b34da6a3ce929d0e0e4736",
            spanId: "1111111111111111",
            traceState: "vendor=v1",
            flags: 1,
            isRemote: false,
            attributes: { n: 1 },
            droppedAttributesCount: 2,
          },
          { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "2222222222222222", traceState: undefined, flags: 0, isRemote: undefined, attributes: {}, droppedAttributesCount: 0 },
        ],
      }),
    ]).resourceSpans[0].scopeSpans[0].spans;
    expect(s.links).toEqual([
      {
        traceId: "5bf92f3577b34da6a3ce929d0e0e4736",
        spanId: "1111111111111111",
        traceState: "vendor=v1",
        attributes: [{ key: "n", value: { intValue: "1" } }],
        droppedAttributesCount: 2,
        flags: 0x101,
      },
      { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "2222222222222222", attributes: [] },
    ]);
  });

  it("puts each instrumentation scope in its own ScopeSpans, in order of first appearance", () => {
    const plugin = { name: "a-plugin" };
    const scopeSpans = body([span({ spanId: "1" }), span({ spanId: "2", scope: plugin }), span({ spanId: "3" })])
      .resourceSpans[0].scopeSpans;
    expect(scopeSpans.map((ss: { scope: unknown; spans: { spanId: string }[] }) => [ss.scope, ss.spans.map((x) => x.spanId)])).toEqual([
      [{ name: "tracegate", version: "0.1.0" }, ["1", "3"]],
      [{ name: "a-plugin" }, ["2"]],
    ]);
  });
});

describe("otlpSpanFlags", () => {
  it("keeps the W3C bits and adds 0x100 | 0x200 only when remoteness is known", () => {
    expect(otlpSpanFlags(span({ flags: 0x01, parentIsRemote: undefined }))).toBe(0x01);
    expect(otlpSpanFlags(span({ flags: 0x01, parentIsRemote: false }))).toBe(0x101);
    expect(otlpSpanFlags(span({ flags: 0x03, parentIsRemote: true }))).toBe(0x303);
    expect(otlpSpanFlags(span({ flags: 0x1ff, parentIsRemote: undefined }))).toBe(0xff);
  });
});
