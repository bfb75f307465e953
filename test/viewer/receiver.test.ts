import { gzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../../viewer/receiver.js";
import { ExportTraceServiceResponse, RpcStatus } from "../../viewer/otlp-schema.js";
import type { Span } from "../../viewer/span.js";
import { otlpJson, postJson } from "./otlp-body";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
interface TraceResponse {
  summary: { traceId: string; spanCount: number; model: string; inputTokens: number; outputTokens: number; root: string };
  spans: Span[];
  order: { spanId: string; depth: number; orphan: boolean }[];
}

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ port: 0 });
});
afterAll(async () => {
  await receiver?.close();
});

async function getTrace(r: Receiver, id: string): Promise<TraceResponse> {
  const res = await fetch(`${r.url}/api/traces/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TraceResponse;
}

/** Records app -> model-call spans with the real SDK and exports them with `exporter`. */
async function recordWithSdk(exporter: SpanExporter, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("viewer-test");
  const root = tracer.startSpan("answer-question", { kind: SpanKind.SERVER });
  const call = tracer.startSpan(
    "chat gpt-4o-mini",
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 21,
        "gen_ai.usage.output_tokens": 7,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.time_to_first_chunk": 0.25,
        "gen_ai.request.stream": true,
      },
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  call.addEvent("gen_ai.first_chunk");
  call.setStatus({ code: SpanStatusCode.ERROR, message: "upstream 502" });
  call.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, callId: call.spanContext().spanId };
}

/** An exporter configured for gzip the standard way (the variable is read when the exporter is made). */
function gzipped<T>(make: () => T): T {
  process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION = "gzip";
  try {
    return make();
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION;
  }
}

describe("spans from the OpenTelemetry JS SDK", () => {
  for (const [label, make] of [
    ["protobuf, gzip (exporter-trace-otlp-proto)", (url: string) => gzipped(() => new ProtoExporter({ url }))],
    ["protobuf (exporter-trace-otlp-proto)", (url: string) => new ProtoExporter({ url })],
    ["JSON (exporter-trace-otlp-http)", (url: string) => new JsonExporter({ url })],
    ["JSON, gzip (exporter-trace-otlp-http)", (url: string) => gzipped(() => new JsonExporter({ url }))],
  ] as const) {
    it(`receives ${label} as one tree with attributes, events and status`, async () => {
      const ids = await recordWithSdk(make(`${receiver.url}/v1/traces`), `app-${label.split(" ")[0]}`);
      const t = await getTrace(receiver, ids.traceId);
      expect(t.order).toEqual([
        { spanId: ids.rootId, depth: 0, orphan: false },
        { spanId: ids.callId, depth: 1, orphan: false },
      ]);
      const call = t.spans.find((s) => s.spanId === ids.callId);
      expect(call).toMatchObject({
        traceId: ids.traceId,
        parentSpanId: ids.rootId,
        name: "chat gpt-4o-mini",
        kind: 3,
        service: `app-${label.split(" ")[0]}`,
        scope: "viewer-test",
        status: { code: 2, message: "upstream 502" },
        attributes: {
          "gen_ai.usage.input_tokens": 21,
          "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.response.time_to_first_chunk": 0.25,
          "gen_ai.request.stream": true,
        },
      });
      expect(call?.events.map((e) => e.name)).toEqual(["gen_ai.first_chunk"]);
      expect(BigInt(call?.endNs ?? "0")).toBeGreaterThanOrEqual(BigInt(call?.startNs ?? "1"));
      expect(Number(BigInt(call?.startNs ?? "0") / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);
      expect(t.summary).toMatchObject({ model: "openai/gpt-4o-mini", inputTokens: 21, outputTokens: 7, root: "answer-question", spanCount: 2 });
    });
  }
});

describe("OTLP/HTTP answers", () => {
  const traceId = "11111111111111111111111111111111";
  const body = otlpJson([{ traceId, spanId: "1111111111111111", name: "one", startMs: 0, durationMs: 1 }]);

  it("answers JSON with 200 {} and protobuf with an empty ExportTraceServiceResponse", async () => {
    const json = await postJson(receiver.url, body);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(await json.json()).toEqual({});
    const proto = await fetch(`${receiver.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array(0), // an empty request is valid protobuf
    });
    expect(proto.status).toBe(200);
    expect(proto.headers.get("content-type")).toBe("application/x-protobuf");
    const bytes = new Uint8Array(await proto.arrayBuffer());
    expect(bytes.length).toBe(0);
    expect(ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(bytes))).toEqual({});
  });

  it("accepts a gzip JSON body", async () => {
    const res = await postJson(receiver.url, "", {});
    expect(res.status).toBe(400);
    const gz = await fetch(`${receiver.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(otlpJson([{ traceId: "22222222222222222222222222222222", spanId: "2222222222222222", name: "zipped", startMs: 0, durationMs: 1 }])),
    });
    expect(gz.status).toBe(200);
    expect((await getTrace(receiver, "22222222")).spans[0]?.name).toBe("zipped");
  });

  it("rejects undecodable bodies with 400 and a Status, and other content types with 415", async () => {
    const badJson = await postJson(receiver.url, "{not json");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toMatch(/invalid JSON/);
    const badProto = await fetch(`${receiver.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    });
    expect(badProto.status).toBe(400);
    const status = RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await badProto.arrayBuffer()))) as { message: string };
    expect(status.message).toMatch(/invalid protobuf/);
    const badGzip = await postJson(receiver.url, "plain text", { "content-encoding": "gzip" });
    expect(badGzip.status).toBe(400);
    const text = await fetch(`${receiver.url}/v1/traces`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    expect(text.status).toBe(415);
  });

  it("refuses bodies over the limit with 413, compressed or not", async () => {
    const small = await startReceiver({ port: 0, maxBodyBytes: 1024 });
    try {
      const big = otlpJson([{ traceId: "77777777777777777777777777777777", spanId: "7777777777777777", name: "x".repeat(2000), startMs: 0, durationMs: 1 }]);
      expect((await postJson(small.url, big)).status).toBe(413);
      // Small on the wire, over the limit once inflated: refused as undecodable rather than inflated without bound.
      const bomb = await fetch(`${small.url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: gzipSync(big),
      });
      expect(bomb.status).toBe(400);
      expect(small.store.size).toBe(0);
    } finally {
      await small.close();
    }
  });

  it("reports spans with malformed ids as a partial success", async () => {
    const res = await postJson(
      receiver.url,
      otlpJson([
        { traceId: "33333333333333333333333333333333", spanId: "3333333333333333", name: "good", startMs: 0, durationMs: 1 },
        { traceId: "33", spanId: "3333333333333334", name: "bad", startMs: 0, durationMs: 1 },
      ]),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: "1", errorMessage: 'span "bad": invalid trace or span id' } });
    expect((await getTrace(receiver, "33333333")).spans.map((s) => s.name)).toEqual(["good"]);
  });
});

describe("assembly, ring and persistence", () => {
  it("assembles spans that arrive out of order, in several batches, into one tree", async () => {
    const traceId = "44444444444444444444444444444444";
    const [root, mid, leaf] = ["4000000000000001", "4000000000000002", "4000000000000003"];
    // The leaf first, then the root, then the middle span that links them.
    await postJson(receiver.url, otlpJson([{ traceId, spanId: leaf, parentSpanId: mid, name: "leaf", startMs: 20, durationMs: 5 }]));
    let t = await getTrace(receiver, traceId);
    expect(t.order).toEqual([{ spanId: leaf, depth: 0, orphan: true }]);
    await postJson(receiver.url, otlpJson([{ traceId, spanId: root, name: "root", startMs: 0, durationMs: 50 }]));
    t = await getTrace(receiver, traceId);
    expect(t.order.map((o) => [o.spanId, o.depth])).toEqual([[root, 0], [leaf, 0]]);
    await postJson(receiver.url, otlpJson([{ traceId, spanId: mid, parentSpanId: root, name: "mid", startMs: 10, durationMs: 30 }]));
    t = await getTrace(receiver, traceId);
    expect(t.order).toEqual([
      { spanId: root, depth: 0, orphan: false },
      { spanId: mid, depth: 1, orphan: false },
      { spanId: leaf, depth: 2, orphan: false },
    ]);
  });

  it("keeps only the last --max-traces traces", async () => {
    const small = await startReceiver({ port: 0, maxTraces: 3 });
    try {
      const ids = [1, 2, 3, 4, 5].map((i) => `5555555555555555555555555555555${i}`);
      for (const [i, traceId] of ids.entries()) {
        await postJson(small.url, otlpJson([{ traceId, spanId: `500000000000000${i + 1}`, name: `t${i + 1}`, startMs: i, durationMs: 1 }]));
      }
      const list = (await (await fetch(`${small.url}/api/traces`)).json()) as { traces: { traceId: string }[]; total: number };
      expect(list.total).toBe(3);
      expect(list.traces.map((t) => t.traceId)).toEqual([ids[4], ids[3], ids[2]]);
      expect((await fetch(`${small.url}/api/traces/${ids[0]}`)).status).toBe(404);
    } finally {
      await small.close();
    }
  });

  it("appends to --file and reloads it on start, compacted to the ring", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tracegate-viewer-"));
    const file = join(dir, "traces.jsonl");
    try {
      const first = await startReceiver({ port: 0, file, maxTraces: 2 });
      for (const i of [1, 2, 3]) {
        await postJson(first.url, otlpJson([{ traceId: `6666666666666666666666666666666${i}`, spanId: `600000000000000${i}`, name: `p${i}`, startMs: i, durationMs: 1 }]));
      }
      await first.close();
      expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(3);
      const second = await startReceiver({ port: 0, file, maxTraces: 2 });
      try {
        expect(second.store.size).toBe(2);
        expect((await getTrace(second, "66666666666666666666666666666663")).spans[0]?.name).toBe("p3");
        expect((await fetch(`${second.url}/api/traces/66666666666666666666666666666661`)).status).toBe(404);
        expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
