import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { app } from "../../../../src/app";
import type { ExportDeps } from "../../../../src/telemetry/export/exporter";
import { MAX_WAIT_MS, MetricsExportLoop } from "../../../../src/telemetry/metrics/export";
import { OPERATION_DURATION } from "../../../../src/telemetry/metrics/instruments";
import type { MetricsSettings } from "../../../../src/telemetry/metrics/settings";
import { MetricStore } from "../../../../src/telemetry/metrics/store";
import { scriptAnswer } from "../../loopback/client";

// The metrics export loop: at most one export pending or in flight per isolate, at most one per interval, the rest
// accumulated in the store; a collector that hangs costs the response nothing and leaves nothing behind.

const scope = { name: "tracegate", version: "test" };
const provider = inject("loopbackProvider");

function settings(intervalMs: number, timeoutMs = 1000): MetricsSettings {
  return {
    targets: [{ url: "http://collector.test/v1/metrics", headers: {}, protocol: "http/json", compression: "none", timeoutMs }],
    intervalMs,
    clientAttribute: false,
    analyticsEngine: undefined,
    resource: { attributes: { "service.name": "tracegate" } },
  };
}

/** A fake clock whose sleep advances it, and a collector that records each body's data point counts. */
function harness() {
  const state = { clock: 1_000_000, sleeps: [] as number[], posts: [] as number[][], logs: [] as string[] };
  const deps: ExportDeps = {
    now: () => state.clock,
    sleep: async (ms) => {
      state.sleeps.push(ms);
      state.clock += ms;
    },
    log: (m) => state.logs.push(m),
    fetch: async (_url, init) => {
      const body = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array)) as {
        resourceMetrics: { scopeMetrics: { metrics: { histogram: { dataPoints: { count: string }[] } }[] }[] }[];
      };
      const metrics = body.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
      state.posts.push(metrics.flatMap((m) => m.histogram.dataPoints.map((p) => Number(p.count))));
      return new Response("{}");
    },
  };
  return { state, deps };
}

afterEach(() => vi.restoreAllMocks());

describe("MetricsExportLoop", () => {
  it("coalesces: one export pending at a time, paced by the interval, carrying everything recorded meanwhile", async () => {
    const store = new MetricStore(2000, 0);
    const loop = new MetricsExportLoop(store, scope);
    const { state, deps } = harness();
    expect(loop.schedule(settings(10_000), deps), "nothing recorded: nothing to do").toBeUndefined();
    store.record(OPERATION_DURATION, "a", {}, 0.1);
    const first = loop.schedule(settings(10_000), deps);
    expect(first).toBeDefined();
    expect(loop.schedule(settings(10_000), deps), "one pending at a time").toBeUndefined();
    await first;
    expect(state.posts).toEqual([[1]]);
    expect(state.sleeps, "the first export of an isolate does not wait").toEqual([]);
    state.clock += 3000;
    for (let i = 0; i < 3; i++) store.record(OPERATION_DURATION, "a", {}, 0.1);
    const second = loop.schedule(settings(10_000), deps);
    store.record(OPERATION_DURATION, "a", {}, 0.2);
    expect(loop.schedule(settings(10_000), deps)).toBeUndefined();
    await second;
    expect(state.sleeps, "waits out the rest of the interval").toEqual([7000]);
    expect(state.posts).toEqual([[1], [4]]);
    expect(store.isEmpty).toBe(true);
  });

  it("an export due later than the longest wait is left to a later request; the measurements stay", async () => {
    const store = new MetricStore(2000, 0);
    const loop = new MetricsExportLoop(store, scope);
    const { state, deps } = harness();
    store.record(OPERATION_DURATION, "a", {}, 0.1);
    await loop.schedule(settings(60_000), deps);
    store.record(OPERATION_DURATION, "a", {}, 0.1);
    expect(loop.schedule(settings(60_000), deps)).toBeUndefined();
    expect(store.isEmpty).toBe(false);
    state.clock += 60_000 - MAX_WAIT_MS;
    await loop.schedule(settings(60_000), deps);
    expect(state.sleeps).toEqual([MAX_WAIT_MS]);
    expect(state.posts).toEqual([[1], [1]]);
  });

  it("a collector that never answers: the export gives up within its budget, logs the loss, keeps nothing", async () => {
    const store = new MetricStore(2000, 0);
    const loop = new MetricsExportLoop(store, scope);
    const logs: string[] = [];
    const hanging: ExportDeps = {
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new DOMException("timed out", "TimeoutError")))),
      log: (m) => logs.push(m),
      sleep: async () => undefined,
    };
    store.record(OPERATION_DURATION, "a", {}, 0.1);
    store.record(OPERATION_DURATION, "b", {}, 0.1);
    await loop.schedule(settings(10, 20), hanging);
    expect(logs).toEqual(["tracegate: OTLP metrics export to http://collector.test/v1/metrics failed: TimeoutError; 2 data point(s) lost"]);
    expect(store.isEmpty).toBe(true);
  });
});

describe("a hanging metrics collector and the response", () => {
  it("the response is complete before the export (in waitUntil) gives up", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const model = await scriptAnswer({
      body: JSON.stringify({
        id: "c1", object: "chat.completion", model: "m", created: 1,
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    });
    const env = {
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: "300",
      GATEWAY_CONFIG: JSON.stringify({
        model_providers: [{ model: "openai/*", base_url: provider, access_key: "sk-loopback" }],
        auth: "none",
        tracing: { random_sampling: 0, metrics: { enabled: true, exporters: [{ endpoint: `${provider}/hang/v1/metrics` }] } },
      }),
    };
    const ctx = createExecutionContext();
    const body = JSON.stringify({ model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] });
    const started = Date.now();
    const res = await app.fetch(new Request("http://localhost/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body }), env, ctx);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { usage: unknown }).usage).toBeDefined();
    const answered = Date.now() - started;
    await waitOnExecutionContext(ctx);
    const settled = Date.now() - started;
    // The export waited for the hanging endpoint (300 ms per attempt, retried) after the response was complete.
    expect(settled - answered).toBeGreaterThanOrEqual(300);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^tracegate: OTLP metrics export to http:\/\/127\.0\.0\.1:\d+\/hang\/v1\/metrics failed: /));
  });
});
