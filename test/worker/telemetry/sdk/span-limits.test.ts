import { context, createTraceState, SpanKind, trace, TraceFlags, type Link } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONTENT_VALUE_LENGTH,
  DEFAULT_SPAN_LIMITS,
  DEFAULT_VALUE_LENGTH,
  spanLimits,
  spanLimitsFromEnv,
  truncateString,
  type SpanLimits,
} from "../../../../src/telemetry/sdk/limits";
import { TelemetryLosses } from "../../../../src/telemetry/sdk/losses";
import { registerTelemetry } from "../../../../src/telemetry/sdk/register";
import {
  contextWithRecorder,
  MAX_SPANS_PER_REQUEST,
  SpanRecorder,
  startServerSpan,
} from "../../../../src/telemetry/sdk/tracer";

registerTelemetry();

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

/** A sampled request context with its own recorder, limits and loss counters. */
function request(limits: SpanLimits = DEFAULT_SPAN_LIMITS) {
  const losses = new TelemetryLosses();
  const recorder = new SpanRecorder(limits, losses);
  const spanContext = { traceId: TRACE_ID, spanId: "00f067aa0ba902b7", traceFlags: 3, isRemote: false };
  const server = startServerSpan(recorder, spanContext, undefined, "POST /v1/chat/completions", {});
  const ctx = trace.setSpan(contextWithRecorder(context.active(), recorder), server);
  return { recorder, losses, server, ctx };
}

const tracer = () => trace.getTracer("limits-test", "1.0.0");

describe("span limits from the standard variables", () => {
  it("defaults: 128 of each count, 4096 characters a value, a larger backstop for captured content", () => {
    const limits = spanLimitsFromEnv({});
    expect(limits).toMatchObject({
      attributeCount: 128,
      eventCount: 128,
      linkCount: 128,
      eventAttributeCount: 128,
      linkAttributeCount: 128,
      valueLength: DEFAULT_VALUE_LENGTH,
    });
    expect(DEFAULT_VALUE_LENGTH).toBe(4096);
    for (const key of ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.definitions"]) {
      expect(limits.valueLengthByKey.get(key)).toBe(DEFAULT_CONTENT_VALUE_LENGTH);
    }
    expect(limits.shortestValueLength).toBe(4096);
  });

  it("the signal-specific variable wins over the general one, which wins over the default; bad values are ignored", () => {
    const warnings: string[] = [];
    const limits = spanLimitsFromEnv(
      {
        OTEL_ATTRIBUTE_COUNT_LIMIT: "10",
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "5",
        OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: "2",
        OTEL_SPAN_EVENT_COUNT_LIMIT: "3",
        OTEL_SPAN_LINK_COUNT_LIMIT: "-1",
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "300",
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: "200",
      },
      {},
      (m) => void warnings.push(m),
    );
    expect(limits).toMatchObject({
      attributeCount: 5,
      eventAttributeCount: 10,
      linkAttributeCount: 2,
      eventCount: 3,
      linkCount: 128,
      valueLength: 200,
    });
    expect(warnings).toEqual([expect.stringContaining("OTEL_SPAN_LINK_COUNT_LIMIT")]);
    // An explicit value length limit applies to captured content too; the general variable alone works as well.
    expect(limits.valueLengthByKey.get("gen_ai.input.messages")).toBe(200);
    expect(spanLimitsFromEnv({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "300" }).valueLength).toBe(300);
    expect(spanLimitsFromEnv({ OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: "1.5" }, {}, () => {}).valueLength).toBe(4096);
  });

  it("gives captured-content keys the cap the content capture asks for (Infinity exempts them)", () => {
    expect(spanLimitsFromEnv({}, { contentValueLength: 20_000 }).valueLengthByKey.get("gen_ai.output.messages")).toBe(20_000);
    const exempt = spanLimitsFromEnv({}, { contentValueLength: Infinity });
    expect(exempt.valueLengthByKey.get("gen_ai.tool.definitions")).toBe(Infinity);
  });
});

describe("attribute values past the length limit", () => {
  it("are cut to 4096 characters by default: strings and string array elements, on spans and events", () => {
    const { recorder, losses, ctx } = request();
    const span = tracer().startSpan("s", { attributes: { "user_agent.original": "u".repeat(120_000) } }, ctx);
    span.setAttribute("url.path", `/${"p".repeat(5000)}`);
    span.setAttribute("short", "fits");
    span.setAttribute("list", ["a".repeat(5000), "b"]);
    span.setAttribute("numbers", [1, 2]);
    span.addEvent("e", { "exception.message": "m".repeat(9000) });
    span.end();
    const [data] = recorder.spans;
    expect(data?.attributes["user_agent.original"]).toBe("u".repeat(4096));
    expect(data?.attributes["url.path"]).toBe(`/${"p".repeat(4095)}`);
    expect(data?.attributes.short).toBe("fits");
    expect(data?.attributes.list).toEqual(["a".repeat(4096), "b"]);
    expect(data?.attributes.numbers).toEqual([1, 2]);
    expect(data?.events[0]?.attributes["exception.message"]).toBe("m".repeat(4096));
    expect(losses.truncatedValues).toBe(4);
  });

  it("are cut to OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT when set, span names too", () => {
    const { recorder, ctx } = request(spanLimitsFromEnv({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "8" }));
    const span = tracer().startSpan(`chat ${"m".repeat(100)}`, {}, ctx);
    span.setAttribute("gen_ai.request.model", "model-name-that-is-long");
    span.setAttribute("gen_ai.input.messages", "[{\"role\":\"user\"}]");
    span.end();
    expect(recorder.spans[0]?.name).toBe("chat mmm");
    expect(recorder.spans[0]?.attributes).toEqual({ "gen_ai.request.model": "model-na", "gen_ai.input.messages": "[{\"role\"" });
  });

  it("leave captured content to its own, larger cap", () => {
    const { recorder, ctx } = request();
    const messages = JSON.stringify([{ role: "user", parts: [{ type: "text", content: "x".repeat(20_000) }] }]);
    const span = tracer().startSpan("chat", {}, ctx);
    span.setAttribute("gen_ai.input.messages", messages);
    span.setAttribute("gen_ai.output.messages", "y".repeat(DEFAULT_CONTENT_VALUE_LENGTH + 10));
    span.end();
    expect(recorder.spans[0]?.attributes["gen_ai.input.messages"]).toBe(messages);
    expect(recorder.spans[0]?.attributes["gen_ai.output.messages"]).toHaveLength(DEFAULT_CONTENT_VALUE_LENGTH);
  });

  it("never split a surrogate pair", () => {
    expect(truncateString("ab🙂cd", 3)).toBe("ab");
    expect(truncateString("ab🙂cd", 4)).toBe("ab🙂");
    // A lone surrogate is kept as it was (compared as code units: the test runner's channel refuses lone surrogates).
    const lone = truncateString(`a${String.fromCharCode(0xd800)}b`, 2);
    expect([...lone].map((c) => c.charCodeAt(0))).toEqual([0x61, 0xd800]);
    expect(truncateString("abc", 0)).toBe("");
  });
});

describe("counts past the limits are dropped and counted", () => {
  const small = spanLimits({ attributeCount: 3, eventCount: 2, linkCount: 1, eventAttributeCount: 1, linkAttributeCount: 1 });

  it("attributes: new keys past the limit are dropped, existing keys still update", () => {
    const { recorder, losses, ctx } = request(small);
    const span = tracer().startSpan("s", { attributes: { a: 1, b: 2 } }, ctx);
    span.setAttributes({ c: 3, d: 4, e: 5 });
    span.setAttribute("a", 10);
    span.end();
    expect(recorder.spans[0]).toMatchObject({ attributes: { a: 10, b: 2, c: 3 }, droppedAttributesCount: 2 });
    expect(losses.attributes).toBe(2);
  });

  it("events past the limit, and event attributes past theirs", () => {
    const { recorder, losses, ctx } = request(small);
    const span = tracer().startSpan("s", {}, ctx);
    span.addEvent("one", { x: 1, y: 2, z: 3 });
    span.recordException(new TypeError("boom"));
    span.addEvent("three");
    span.addEvent("four");
    span.end();
    const data = recorder.spans[0];
    expect(data?.events.map((e) => e.name)).toEqual(["one", "exception"]);
    expect(data?.events[0]).toMatchObject({ attributes: { x: 1 }, droppedAttributesCount: 2 });
    expect(data?.events[1]).toMatchObject({ attributes: { "exception.type": "TypeError" }, droppedAttributesCount: 1 });
    expect(data?.droppedEventsCount).toBe(2);
    expect(losses).toMatchObject({ events: 2, attributes: 3 });
  });

  it("spans past the per-request cap", () => {
    const { recorder, losses, ctx } = request();
    for (let i = 0; i < MAX_SPANS_PER_REQUEST + 5; i++) tracer().startSpan(`s${i}`, {}, ctx).end();
    expect(recorder.spans).toHaveLength(MAX_SPANS_PER_REQUEST);
    expect(losses.spansOverRequestCap).toBe(5);
  });
});

describe("span links", () => {
  const linked = (spanId: string, extra: Partial<Link> = {}): Link => ({
    context: {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState("vendor=v1"),
    },
    ...extra,
  });

  it("are recorded from startSpan options, addLink and addLinks, with their attributes", () => {
    const { recorder, ctx } = request();
    const span = tracer().startSpan("batch", { kind: SpanKind.CONSUMER, links: [linked("1111111111111111", { attributes: { n: 1 } })] }, ctx);
    span.addLink(linked("2222222222222222", { droppedAttributesCount: 4 }));
    span.addLinks([linked("3333333333333333"), { context: { traceId: TRACE_ID, spanId: "4444444444444444", traceFlags: 0 } }]);
    span.end();
    expect(recorder.spans[0]?.links).toEqual([
      { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "1111111111111111", traceState: "vendor=v1", flags: 1, isRemote: true, attributes: { n: 1 }, droppedAttributesCount: 0 },
      { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "2222222222222222", traceState: "vendor=v1", flags: 1, isRemote: true, attributes: {}, droppedAttributesCount: 4 },
      { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "3333333333333333", traceState: "vendor=v1", flags: 1, isRemote: true, attributes: {}, droppedAttributesCount: 0 },
      { traceId: TRACE_ID, spanId: "4444444444444444", traceState: undefined, flags: 0, isRemote: undefined, attributes: {}, droppedAttributesCount: 0 },
    ]);
    expect(recorder.spans[0]?.droppedLinksCount).toBe(0);
  });

  it("past the link limit (or with ids that are not hex) are dropped and counted; link attributes are limited", () => {
    const { recorder, losses, ctx } = request(spanLimits({ linkCount: 2, linkAttributeCount: 1, valueLength: 3 }));
    const span = tracer().startSpan("s", { links: [linked("1111111111111111", { attributes: { a: "long", b: 2 } })] }, ctx);
    span.addLink({ context: { traceId: "not-hex", spanId: "1111111111111111", traceFlags: 1 } });
    span.addLinks([linked("2222222222222222"), linked("3333333333333333")]);
    span.end();
    const data = recorder.spans[0];
    expect(data?.links.map((l) => l.spanId)).toEqual(["1111111111111111", "2222222222222222"]);
    expect(data?.links[0]).toMatchObject({ attributes: { a: "lon" }, droppedAttributesCount: 1 });
    expect(data?.droppedLinksCount).toBe(2);
    // Two cut values: the link attribute, and the SERVER span's name ("POST /v1/chat/completions" at 3 characters).
    expect(losses).toMatchObject({ links: 2, attributes: 1, truncatedValues: 2 });
  });

  it("change nothing after the span ended", () => {
    const { recorder, ctx } = request();
    const span = tracer().startSpan("s", {}, ctx);
    span.end();
    span.addLink(linked("1111111111111111"));
    expect(recorder.spans[0]?.links).toEqual([]);
  });
});

describe("instrumentation scope", () => {
  it("comes from getTracer(name, version); the gateway's own spans are tracegate at the package version", async () => {
    const { version } = await import("../../../../package.json");
    const { recorder, server, ctx } = request();
    trace.getTracer("a-plugin", "2.3.4").startSpan("plugin", {}, ctx).end();
    trace.getTracer("unversioned").startSpan("other", {}, ctx).end();
    server.end();
    const [plugin, other, root] = recorder.spans;
    expect(plugin?.scope).toEqual({ name: "a-plugin", version: "2.3.4" });
    expect(other?.scope).toEqual({ name: "unversioned" });
    expect(root?.scope).toEqual({ name: "tracegate", version });
    // One Scope object per tracer: every span of a tracer shares it (the encoders group by it).
    trace.getTracer("a-plugin", "2.3.4").startSpan("again", {}, ctx).end();
    expect(recorder.spans[3]?.scope).toBe(plugin?.scope);
  });
});
