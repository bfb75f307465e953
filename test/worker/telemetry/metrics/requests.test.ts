import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import type { ReceivedPoint } from "../../../e2e/harness/otlp-metrics";
import { requestApp } from "../../helpers/request";
import { scriptAnswer, sse } from "../../loopback/client";

// Metrics on 100% of requests (issue 13): with random_sampling 0, no span is exported, yet every request's tokens
// reach the loopback collector as OTLP metrics, summing to exactly the usage the provider reported.

const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");

/** USD per million tokens, configured on both providers: every call below has a known cost. */
const PRICE = { input: 2, output: 8 };

function envFor(protocol: "http/json" | "http/protobuf", metrics: Record<string, unknown> = {}) {
  return {
    OTEL_METRICS_EXPORTER: "otlp",
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "openai/*", base_url: provider, access_key: "sk-loopback", pricing: PRICE },
        { model: "anthropic/*", base_url: provider, access_key: "sk-ant-loopback", pricing: PRICE },
      ],
      auth: "none",
      tracing: {
        random_sampling: 0,
        exporters: [{ endpoint: `${collector}/v1/traces`, protocol }],
        metrics: { enabled: true, export_interval_seconds: 0.01, ...metrics },
      },
    }),
  };
}

type Kind = "openai" | "openai-stream" | "anthropic" | "anthropic-stream";

/** The provider's answer for a kind, reporting `input`/`output` tokens. */
function answer(kind: Kind, model: string, input: number, output: number): string {
  if (kind === "openai") {
    return JSON.stringify({
      id: "c1", object: "chat.completion", model, created: 1,
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
    });
  }
  if (kind === "openai-stream") {
    const chunk = (extra: Record<string, unknown>) => ({ data: { id: "c1", object: "chat.completion.chunk", model, created: 1, ...extra } });
    return sse([
      chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "h" }, finish_reason: null }] }),
      chunk({ choices: [{ index: 0, delta: { content: "i" }, finish_reason: "stop" }] }),
      chunk({ choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } }),
      { data: "[DONE]" },
    ]);
  }
  const message = { id: "msg_1", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null };
  if (kind === "anthropic") {
    return JSON.stringify({ ...message, content: [{ type: "text", text: "hi" }], stop_reason: "end_turn", usage: { input_tokens: input, output_tokens: output } });
  }
  return sse([
    { event: "message_start", data: { type: "message_start", message: { ...message, usage: { input_tokens: input, output_tokens: 1 } } } },
    { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
    { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } } },
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
    { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: output } } },
    { event: "message_stop", data: { type: "message_stop" } },
  ]);
}

/** One request of `kind` through the gateway, the client speaking the provider's API. */
async function call(kind: Kind, model: string, env: Record<string, unknown>): Promise<Response> {
  const stream = kind.endsWith("stream");
  const anthropic = kind.startsWith("anthropic");
  const body = anthropic
    ? { model: `anthropic/${model}`, max_tokens: 10, stream, messages: [{ role: "user", content: "hi" }] }
    : { model: `openai/${model}`, stream, messages: [{ role: "user", content: "hi" }] };
  const path = anthropic ? "/v1/messages" : "/v1/chat/completions";
  return await requestApp(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, env);
}

async function pointsOf(models: ReadonlySet<string>): Promise<ReceivedPoint[]> {
  const all = (await (await fetch(`${collector}/metrics`)).json()) as ReceivedPoint[];
  return all.filter((p) => models.has(String(p.attributes["gen_ai.request.model"])));
}

const KINDS: readonly Kind[] = ["openai", "openai-stream", "anthropic", "anthropic-stream"];

describe("metrics on every request, whatever the sampling", () => {
  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it(`random_sampling 0: 20 requests (both APIs, streamed and not) export 0 spans and exact token sums (${protocol})`, async () => {
      const env = envFor(protocol);
      const expected = { input: 0, output: 0 };
      const models = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const kind = KINDS[i % 4] as Kind;
        const input = 100 + 7 * i;
        const output = 3 + i;
        const model = await scriptAnswer({ body: answer(kind, "served-model", input, output) });
        models.add(model);
        const res = await call(kind, model, env);
        expect(res.status, kind).toBe(200);
        expect(res.headers.get("traceresponse"), "tracing is off").toBeNull();
        expected.input += input;
        expected.output += output;
      }
      const points = await pointsOf(models);
      const tokens = points.filter((p) => p.name === "gen_ai.client.token.usage");
      const sum = (type: string) => tokens.filter((p) => p.attributes["gen_ai.token.type"] === type).reduce((n, p) => n + (p.sum ?? 0), 0);
      expect(sum("input")).toBe(expected.input);
      expect(sum("output")).toBe(expected.output);
      const cost = points.filter((p) => p.name === "tracegate.client.cost");
      expect(cost.every((p) => p.kind === "sum" && p.monotonic && p.temporality === 1)).toBe(true);
      const usd = cost.reduce((n, p) => n + (p.value ?? 0), 0);
      expect(usd).toBeCloseTo((expected.input * PRICE.input + expected.output * PRICE.output) / 1e6, 12);
      expect(tokens.every((p) => p.encoding === (protocol === "http/json" ? "json" : "protobuf"))).toBe(true);
      expect(tokens.every((p) => p.kind === "histogram" && p.temporality === 1)).toBe(true);
      const durations = points.filter((p) => p.name === "gen_ai.client.operation.duration");
      expect(durations.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(20);
      expect(durations[0]!.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.response.model": "served-model",
        "server.address": "127.0.0.1",
      });
      expect(["openai", "anthropic"]).toContain(durations[0]!.attributes["gen_ai.provider.name"]);
      const firstChunks = points.filter((p) => p.name === "gen_ai.client.operation.time_to_first_chunk");
      expect(firstChunks.reduce((n, p) => n + (p.count ?? 0), 0), "one per streamed request").toBe(10);
      const perChunk = points.filter((p) => p.name === "gen_ai.client.operation.time_per_output_chunk");
      // OpenAI streams: 3 chunks (2 gaps; [DONE] is not a chunk); Anthropic: 6 events (5 gaps); five streams of each.
      expect(perChunk.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(5 * 2 + 5 * 5);
      for (const model of models) {
        const spans = (await (await fetch(`${collector}/spans?model=${model}`)).json()) as unknown[];
        expect(spans, `no span for ${model}`).toEqual([]);
      }
    });
  }

  it("http.server.request.duration counts every request by route and status, failures with error.type", async () => {
    const env = envFor("http/json");
    const ok = await scriptAnswer({ body: answer("openai", "m", 1, 1) });
    const failing = await scriptAnswer({ status: 503, body: JSON.stringify({ error: { message: "overloaded", type: "server_error" } }) });
    const before = await httpCounts();
    expect((await call("openai", ok, env)).status).toBe(200);
    expect((await call("openai", failing, env)).status).toBe(503);
    const after = await httpCounts();
    expect((after.get("200") ?? 0) - (before.get("200") ?? 0)).toBeGreaterThanOrEqual(1);
    expect((after.get("503") ?? 0) - (before.get("503") ?? 0)).toBeGreaterThanOrEqual(1);
    const points = await pointsOf(new Set([failing]));
    const duration = points.find((p) => p.name === "gen_ai.client.operation.duration");
    expect(duration?.attributes["error.type"]).toBe("503");
    const tokens = points.filter((p) => p.name === "gen_ai.client.token.usage");
    expect(tokens, "a failed call without usage records no tokens").toEqual([]);
  });

  it("the client's name is on the GenAI metrics only when client_attribute is on", async () => {
    const keyed = (clientAttribute: boolean) => {
      const env = envFor("http/json", { client_attribute: clientAttribute });
      const config = JSON.parse(env.GATEWAY_CONFIG) as Record<string, unknown>;
      const auth = { keys: [{ name: "team-a", key: "$TEAM_A_KEY" }] };
      return { ...env, TEAM_A_KEY: "sk-gw-team-a-0123456789", GATEWAY_CONFIG: JSON.stringify({ ...config, auth }) };
    };
    const models: string[] = [];
    for (const on of [true, false]) {
      const model = await scriptAnswer({ body: answer("openai", "m", 2, 2) });
      models.push(model);
      const body = JSON.stringify({ model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] });
      const headers = { "content-type": "application/json", authorization: "Bearer sk-gw-team-a-0123456789" };
      const res = await requestApp("/v1/chat/completions", { method: "POST", headers, body }, keyed(on));
      expect(res.status).toBe(200);
    }
    const [withClient, without] = await Promise.all(models.map((m) => pointsOf(new Set([m]))));
    expect(withClient!.length).toBeGreaterThan(0);
    expect(withClient!.every((p) => p.attributes["tracegate.client.name"] === "team-a")).toBe(true);
    expect(without!.length).toBeGreaterThan(0);
    expect(without!.every((p) => !("tracegate.client.name" in p.attributes))).toBe(true);
  });
});

/** http.server.request.duration counts on /v1/chat/completions by status, as received so far. */
async function httpCounts(): Promise<Map<string, number>> {
  const all = (await (await fetch(`${collector}/metrics`)).json()) as ReceivedPoint[];
  const counts = new Map<string, number>();
  for (const p of all) {
    if (p.name !== "http.server.request.duration" || p.attributes["http.route"] !== "/v1/chat/completions") continue;
    const status = String(p.attributes["http.response.status_code"]);
    counts.set(status, (counts.get(status) ?? 0) + (p.count ?? 0));
  }
  return counts;
}
