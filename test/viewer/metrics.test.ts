import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { OTLPMetricExporter as ProtobufMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startReceiver } from "../../viewer/receiver.js";
import { runToEnd } from "./processes";
import { metricsJson } from "./metrics-body";

// The receiver's OTLP metrics (/v1/metrics), fed by the real OpenTelemetry JS SDK over both encodings, and what the
// Metrics API and `tracegate stats` make of them.
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver({ port: 0 });
});
afterEach(async () => {
  await receiver.close();
});

interface Totals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cost: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p50FirstChunkMs: number | null;
}
interface Series {
  points: number;
  buckets: (Totals & { startMs: number })[];
  totals: Totals;
  models: (Totals & { model: string })[];
}

const metricsApi = async (query = "since=1h&bucket=1m") => (await (await fetch(`${receiver.url}/api/metrics?${query}`)).json()) as Series;

/** A meter provider exporting to the receiver with `exporter`; the GenAI instruments with the advised boundaries. */
function meterWith(exporter: PushMetricExporter) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": "sdk-app" }), readers: [reader] });
  const meter = provider.getMeter("test");
  const duration = meter.createHistogram("gen_ai.client.operation.duration", {
    unit: "s",
    advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24] },
  });
  const tokens = meter.createHistogram("gen_ai.client.token.usage", { unit: "{token}", advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024] } });
  const cost = meter.createCounter("gen_ai.client.cost", { unit: "USD" });
  const firstChunk = meter.createHistogram("gen_ai.client.operation.time_to_first_chunk", {
    unit: "s",
    advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64] },
  });
  /** One model call as the gateway records it. */
  const call = (model: string, seconds: number, input: number, output: number, error?: string) => {
    const attrs = { "gen_ai.operation.name": "chat", "gen_ai.request.model": model };
    duration.record(seconds, error ? { ...attrs, "error.type": error } : attrs);
    tokens.record(input, { ...attrs, "gen_ai.token.type": "input" });
    tokens.record(output, { ...attrs, "gen_ai.token.type": "output" });
    cost.add(0.001, attrs);
    firstChunk.record(0.05, attrs);
  };
  return { provider, call };
}

describe("OTLP metrics in the viewer", () => {
  it("takes the SDK's protobuf export, cumulative by default, as per-interval deltas: sums exact over two exports", async () => {
    const { provider, call } = meterWith(new ProtobufMetricExporter({ url: `${receiver.url}/v1/metrics` }));
    for (let i = 0; i < 8; i++) call("gpt-x", 0.1, 12, 40);
    call("gpt-x", 0.3, 12, 0, "500");
    call("claude-y", 1.5, 30, 90);
    await provider.forceFlush();
    for (let i = 0; i < 5; i++) call("gpt-x", 0.1, 12, 40);
    await provider.forceFlush();
    await provider.shutdown();

    const { totals, models } = await metricsApi();
    expect(totals).toMatchObject({ requests: 15, errors: 1, inputTokens: 14 * 12 + 30, outputTokens: 13 * 40 + 90 });
    expect(totals.cost).toBeCloseTo(0.015, 10);
    // p50 lies in the (0.08 s, 0.16 s] bucket, p95 above it; first chunk in (0.04, 0.08].
    expect(totals.p50Ms).toBeGreaterThan(80);
    expect(totals.p50Ms).toBeLessThanOrEqual(160);
    expect(totals.p95Ms).toBeGreaterThan(160);
    expect(totals.p50FirstChunkMs).toBeGreaterThan(40);
    expect(totals.p50FirstChunkMs).toBeLessThanOrEqual(80);
    expect(models.map((m) => [m.model, m.requests, m.errors, m.inputTokens, m.outputTokens])).toEqual([
      ["gpt-x", 14, 1, 168, 520],
      ["claude-y", 1, 0, 30, 90],
    ]);
  });

  it("takes the SDK's JSON export with delta temporality", async () => {
    const exporter = new JsonMetricExporter({ url: `${receiver.url}/v1/metrics`, temporalityPreference: AggregationTemporality.DELTA });
    const { provider, call } = meterWith(exporter);
    call("gpt-x", 0.1, 5, 7);
    call("gpt-x", 0.1, 5, 7);
    await provider.forceFlush();
    call("gpt-x", 0.1, 5, 7);
    await provider.forceFlush();
    await provider.shutdown();
    const { totals } = await metricsApi();
    expect(totals).toMatchObject({ requests: 3, errors: 0, inputTokens: 15, outputTokens: 21 });
    expect(totals.cost).toBeCloseTo(0.003, 10);
  });

  it("buckets points by time and refuses bodies that are not OTLP metrics", async () => {
    const now = Date.now();
    const minute = (atMs: number, n: number) => ({ atMs, model: "gpt-x", durationsS: new Array<number>(n).fill(0.2), errors: 1, inputTokens: 10 * n, outputTokens: 20 * n, costUsd: 0.01 * n, firstChunkS: [0.05] });
    const res = await fetch(`${receiver.url}/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(metricsJson([minute(now - 120_000, 3), minute(now - 60_000, 5)])),
    });
    expect(res.status).toBe(200);
    const { buckets } = await metricsApi("since=15m&bucket=1m");
    expect(buckets.map((b) => [b.requests, b.errors, b.inputTokens, b.outputTokens])).toEqual([
      [3, 1, 30, 60],
      [5, 1, 50, 100],
    ]);
    expect(buckets.map((b) => b.cost)).toEqual([expect.closeTo(0.03, 10), expect.closeTo(0.05, 10)]);
    const bad = await fetch(`${receiver.url}/v1/metrics`, { method: "POST", headers: { "content-type": "application/x-protobuf" }, body: new Uint8Array([0xff, 0xff, 0xff]) });
    expect(bad.status).toBe(400);
    const text = await fetch(`${receiver.url}/v1/metrics`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    expect(text.status).toBe(415);
    expect((await fetch(`${receiver.url}/api/metrics?bucket=10ms`)).status).toBe(400);
  });

  it("keeps a bounded number of points, oldest dropped first", async () => {
    const small = await startReceiver({ port: 0 });
    small.metrics.maxPoints = 4;
    const at = Date.now();
    const body = metricsJson([{ atMs: at, model: "m", durationsS: [0.1], errors: 0, inputTokens: 1, outputTokens: 1, costUsd: 0.001, firstChunkS: [0.01] }]);
    await fetch(`${small.url}/v1/metrics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await fetch(`${small.url}/v1/metrics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect([small.metrics.size, small.metrics.droppedPoints]).toEqual([4, 6]);
    await small.close();
  });

  it("tracegate stats adds the metrics (every request) when the receiver has some", async () => {
    const at = Date.now() - 30_000;
    const body = metricsJson([{ atMs: at, model: "gpt-x", durationsS: [0.1, 0.1, 0.3], errors: 1, inputTokens: 36, outputTokens: 80, costUsd: 0.0125, firstChunkS: [0.05, 0.05, 0.05] }]);
    await fetch(`${receiver.url}/v1/metrics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const { code, stdout } = await runToEnd(["bin/tracegate.js", "stats", "--url", receiver.url, "--since", "1h"], { NO_COLOR: "1" });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("last 1h: 0 traces, 0 model calls");
    expect(lines.slice(2, 4)).toEqual([
      "metrics (every request): 3 requests, 1 errors, 36 input + 80 output tokens, cost $0.0125",
      "model  requests  errors  input tok  output tok     cost    p50    p95  p50 first chunk",
    ]);
    expect(lines[4]).toMatch(/^gpt-x +3 +1 +36 +80 +\$0\.0125 /);
    const json = await runToEnd(["bin/tracegate.js", "stats", "--url", receiver.url, "--json"]);
    expect(JSON.parse(json.stdout).metrics.totals).toMatchObject({ requests: 3, errors: 1, inputTokens: 36, outputTokens: 80 });
  });
});
