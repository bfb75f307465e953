import { env as workerEnv } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { requestApp } from "../../helpers/request";
import { scriptAnswer, sse } from "../../loopback/client";

// One Workers Analytics Engine data point per request (tracing.metrics.analytics_engine), with tracing off and no
// OTLP metrics: 100% of traffic queryable with SQL at Cloudflare.

const provider = inject("loopbackProvider");

function envWith(dataset: unknown) {
  return {
    OTEL_METRICS_EXPORTER: "none",
    GATEWAY_METRICS: dataset,
    TEAM_KEY: "sk-gw-team-0123456789",
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "openai/*", base_url: provider, access_key: "sk-loopback", pricing: { input: 1, output: 4 } }],
      auth: { keys: [{ name: "team-a", key: "$TEAM_KEY" }] },
      tracing: { random_sampling: 0, metrics: { analytics_engine: "GATEWAY_METRICS" } },
    }),
  };
}

async function chat(model: string, env: Record<string, unknown>, stream = false): Promise<Response> {
  const body = JSON.stringify({ model: `openai/${model}`, stream, messages: [{ role: "user", content: "hi" }] });
  const headers = { "content-type": "application/json", authorization: "Bearer sk-gw-team-0123456789" };
  return await requestApp("/v1/chat/completions", { method: "POST", headers, body }, env);
}

const completion = (input: number, output: number) =>
  JSON.stringify({
    id: "c1", object: "chat.completion", model: "served-1", created: 1,
    choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  });

afterEach(() => vi.restoreAllMocks());

describe("Analytics Engine sink", () => {
  it("writes through the dataset binding of the runtime (miniflare's analytics_engine_datasets) without complaint", async () => {
    const warn = vi.spyOn(console, "warn");
    const dataset = (workerEnv as unknown as Record<string, unknown>).GATEWAY_METRICS;
    expect(typeof (dataset as { writeDataPoint?: unknown }).writeDataPoint).toBe("function");
    const model = await scriptAnswer({ body: completion(10, 5) });
    expect((await chat(model, envWith(dataset))).status).toBe(200);
    expect(warn.mock.calls.flat().filter((m) => String(m).includes("Analytics Engine"))).toEqual([]);
  });

  it("one point per request: client index; model, provider, client, status, priced; tokens, cost, duration, first chunk", async () => {
    const points: unknown[] = [];
    const dataset = { writeDataPoint: (point: unknown) => points.push(point) };
    const model = await scriptAnswer({ body: completion(1000, 250) });
    expect((await chat(model, envWith(dataset))).status).toBe(200);
    const streamed = await scriptAnswer({
      body: sse([
        { data: { id: "c2", object: "chat.completion.chunk", model: "served-2", created: 1, choices: [{ index: 0, delta: { content: "h" }, finish_reason: "stop" }] } },
        { data: { id: "c2", object: "chat.completion.chunk", model: "served-2", created: 1, choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } } },
        { data: "[DONE]" },
      ]),
    });
    expect((await chat(streamed, envWith(dataset), true)).status).toBe(200);
    expect(points).toHaveLength(2);
    const [plain, stream] = points as { indexes: string[]; blobs: string[]; doubles: number[] }[];
    expect(plain!.indexes).toEqual(["team-a"]);
    expect(plain!.blobs).toEqual(["served-1", "openai", "team-a", "200", "priced"]);
    expect(plain!.doubles.slice(0, 3)).toEqual([1000, 250, (1000 * 1 + 250 * 4) / 1e6]);
    expect(plain!.doubles[3]).toBeGreaterThanOrEqual(0);
    expect(plain!.doubles[4], "not streamed: no first chunk").toBe(0);
    expect(stream!.blobs).toEqual(["served-2", "openai", "team-a", "200", "priced"]);
    expect(stream!.doubles.slice(0, 2)).toEqual([7, 3]);
    expect(stream!.doubles[4]).toBeGreaterThanOrEqual(0);
  });

  it("a binding that is not a dataset is named in the log, and the request is unaffected", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const model = await scriptAnswer({ body: completion(1, 1) });
    expect((await chat(model, envWith("not a binding"))).status).toBe(200);
    expect(warn).toHaveBeenCalledWith(
      "tracegate: tracing.metrics.analytics_engine names GATEWAY_METRICS, which is not an Analytics Engine binding",
    );
  });
});
