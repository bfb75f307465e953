import { context, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { LOSS_LOG_INTERVAL_MS, TelemetryLosses } from "../../../../src/telemetry/sdk/losses";
import { registerTelemetry } from "../../../../src/telemetry/sdk/register";
import {
  estimateSpanBytes,
  MAX_BUFFERED_BYTES,
  MAX_BUFFERED_SPANS,
  SpanBuffer,
} from "../../../../src/telemetry/sdk/span-buffer";
import type { SpanData } from "../../../../src/telemetry/sdk/span-data";
import { contextWithRecorder, SpanRecorder, startServerSpan } from "../../../../src/telemetry/sdk/tracer";
import { spanData } from "../span-fixture";

registerTelemetry();

function span(i: number, attributes: SpanData["attributes"] = {}): SpanData {
  return spanData({ spanId: (i + 1).toString(16).padStart(16, "0"), name: `span ${i}`, attributes });
}

describe("estimateSpanBytes", () => {
  it("counts the characters of the name, attributes, events and links over fixed costs", () => {
    const small = estimateSpanBytes(span(0));
    const large = estimateSpanBytes(span(0, { "user_agent.original": "u".repeat(100_000), list: ["a".repeat(1000)] }));
    expect(large - small).toBeGreaterThan(101_000);
    expect(large - small).toBeLessThan(102_000);
    const withEvent = estimateSpanBytes({
      ...span(0),
      events: [{ name: "exception", timeUnixNano: 1n, attributes: { "exception.message": "m".repeat(5000) }, droppedAttributesCount: 0 }],
    });
    expect(withEvent - small).toBeGreaterThan(5000);
  });
});

describe("SpanBuffer byte budget", () => {
  it("stays under its byte budget while large spans keep arriving, dropping (and counting) the oldest", () => {
    const losses = new TelemetryLosses();
    const buffer = new SpanBuffer(MAX_BUFFERED_SPANS, MAX_BUFFERED_BYTES, losses);
    let added = 0;
    for (let i = 0; i < 400; i++) {
      buffer.add([span(i, { "user_agent.original": `${i}`.padEnd(120_000, "x") }), span(i + 10_000)]);
      added += 2;
      expect(buffer.bytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES);
    }
    const kept = buffer.size;
    expect(kept).toBeGreaterThan(100); // about 8 MiB of 120 KB spans and their small siblings
    expect(kept).toBeLessThan(200);
    const { spans, dropped } = buffer.drain();
    expect(dropped).toBe(added - kept);
    expect(losses.spansBufferFull).toBe(added - kept);
    expect(spans.at(-1)?.name).toBe("span 10399"); // the newest are kept
    expect(buffer.bytes).toBe(0);
  });

  it("drops a single span larger than the whole budget", () => {
    const buffer = new SpanBuffer(10, 10_000);
    buffer.add([span(0)]);
    buffer.add([span(1, { blob: "b".repeat(20_000) })]);
    expect(buffer.drain()).toMatchObject({ spans: [], dropped: 2 });
  });

  it("keeps the spans of 2,000 requests with a 120 KB User-Agent under the budget (issue 11 D1)", () => {
    const losses = new TelemetryLosses();
    const buffer = new SpanBuffer(MAX_BUFFERED_SPANS, MAX_BUFFERED_BYTES, losses);
    const userAgent = "Mozilla/5.0 ".padEnd(120_000, "z");
    const path = `/v1/chat/completions/${"p".repeat(50_000)}`;
    const model = `chat ${"m".repeat(10_000)}`;
    for (let i = 0; i < 2000; i++) {
      const recorder = new SpanRecorder(undefined, losses);
      const spanContext = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7", traceFlags: 1 };
      const server = startServerSpan(recorder, spanContext, undefined, "POST /v1/chat/completions", {
        "user_agent.original": userAgent,
        "url.path": path,
      });
      const ctx = trace.setSpan(contextWithRecorder(context.active(), recorder), server);
      trace.getTracer("tracegate").startSpan(model, {}, ctx).end();
      server.end();
      buffer.add(recorder.spans);
    }
    expect(buffer.bytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES);
    const { spans } = buffer.drain();
    const server = spans.find((s) => s.kind === 2);
    expect(server?.attributes["user_agent.original"]).toHaveLength(4096);
    expect(server?.attributes["url.path"]).toHaveLength(4096);
    expect(spans.find((s) => s.kind === 1)?.name).toHaveLength(4096);
    expect(losses.truncatedValues).toBe(2000 * 3);
  });
});

describe("TelemetryLosses.report", () => {
  it("writes one line with every count at once, then at most one per interval, with the counts since the last", () => {
    const losses = new TelemetryLosses();
    const lines: string[] = [];
    const log = (m: string) => void lines.push(m);
    losses.report(0, log);
    expect(lines).toEqual([]); // nothing lost, nothing said
    losses.spansBufferFull = 3;
    losses.spansOverRequestCap = 1;
    losses.attributes = 5;
    losses.events = 2;
    losses.links = 1;
    losses.truncatedValues = 7;
    losses.rejected(4, "spans too old\nretry: no", "https://collector.example.com/v1/traces");
    losses.report(1_000, log);
    expect(lines).toEqual([
      "tracegate: span buffer full; 3 span(s) dropped before export; 1 span(s) over the per-request cap dropped; " +
        "5 attribute(s), 2 event(s), 1 link(s) over the span limits dropped; 7 value(s) cut to the length limit; " +
        'collector rejected 4 span(s) (https://collector.example.com/v1/traces: "spans too old retry: no")',
    ]);
    losses.attributes = 1;
    losses.report(1_000 + LOSS_LOG_INTERVAL_MS - 1, log);
    expect(lines).toHaveLength(1); // within the interval: counted, not logged
    losses.attributes += 2;
    losses.report(1_000 + LOSS_LOG_INTERVAL_MS, log);
    expect(lines[1]).toBe("tracegate: 3 attribute(s) over the span limits dropped (since 60 s ago)");
    losses.report(1_000 + 3 * LOSS_LOG_INTERVAL_MS, log);
    expect(lines).toHaveLength(2);
  });

  it("logs a partial success that rejected nothing but carries a message (a warning)", () => {
    const losses = new TelemetryLosses();
    const lines: string[] = [];
    losses.rejected(0, "attribute values were truncated", "http://c.test/v1/traces");
    losses.report(5, (m) => void lines.push(m));
    expect(lines).toEqual(['tracegate: collector rejected 0 span(s) (http://c.test/v1/traces: "attribute values were truncated")']);
  });
});
