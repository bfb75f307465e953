import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import "../loopback/context";
import { scriptAnswer, SPAN_KIND, spansOf, sse, traceIdOf } from "../loopback/client";
import { requestApp } from "../helpers/request";

// Cost per call on the CLIENT span (gen_ai.usage.cost) and in Server-Timing, priced from the bundled table or the
// config's `pricing:`, against the scripted provider and collector on loopback.
const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");
const M = 1_000_000;

function envWith(extra: Record<string, unknown> = {}, entry: Record<string, unknown> = {}) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "openai/*", base_url: provider, access_key: "sk-loopback", ...entry },
        { model: "anthropic/*", base_url: provider, access_key: "sk-ant-loopback" },
      ],
      auth: "none",
      tracing: { random_sampling: 100, exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }] },
      ...extra,
    }),
  };
}

const post = (path: string, body: unknown, env: Record<string, string>) =>
  requestApp(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, env);

const openaiAnswer = (model: string, usage: Record<string, unknown>) =>
  JSON.stringify({
    id: "c1",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
    usage,
  });

const OPENAI_USAGE = {
  prompt_tokens: 12_000,
  completion_tokens: 3_000,
  total_tokens: 15_000,
  prompt_tokens_details: { cached_tokens: 10_000 },
  completion_tokens_details: { reasoning_tokens: 2_000 },
};
// gpt-4.1 from the table: $2 input, $0.50 cached input, $8 output (reasoning included) per million.
const OPENAI_COST = (2_000 * 2 + 10_000 * 0.5 + 3_000 * 8) / M;

async function clientSpan(res: Response) {
  const spans = await spansOf(traceIdOf(res), 2);
  const span = spans.find((s) => s.kind === SPAN_KIND.CLIENT);
  if (!span) throw new Error("no CLIENT span");
  return span;
}

const costIn = (res: Response) => /cost;desc="([^"]*)"/.exec(res.headers.get("server-timing") ?? "")?.[1];

describe("cost per call", () => {
  it("openai: the table's price times the usage, cached and reasoning tokens included, on the span and in Server-Timing", async () => {
    const model = await scriptAnswer({ body: openaiAnswer("gpt-4.1-2025-04-14", OPENAI_USAGE) });
    const res = await post("/v1/chat/completions", { model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] }, envWith());
    expect(res.status).toBe(200);
    expect(Number(costIn(res))).toBeCloseTo(OPENAI_COST, 9);
    const span = await clientSpan(res);
    expect(span.attributes["gen_ai.usage.cost"]).toBeCloseTo(OPENAI_COST, 12);
  });

  it("anthropic: input counted once, cache reads and writes at their rates, thinking as output", async () => {
    const model = await scriptAnswer({
      body: JSON.stringify({
        id: "m1",
        type: "message",
        role: "assistant",
        model: "claude-haiku-4-5-20251001",
        content: [{ type: "text", text: "ok" }],
        stop_reason: "end_turn",
        usage: { input_tokens: 1_000, cache_read_input_tokens: 20_000, cache_creation_input_tokens: 4_000, output_tokens: 500 },
      }),
    });
    const res = await post("/v1/messages", { model: `anthropic/${model}`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, envWith());
    expect(res.status).toBe(200);
    // Haiku 4.5: $1 input, $1.25 5-minute cache write, $0.10 cache hit, $5 output per million.
    const expected = (1_000 * 1 + 20_000 * 0.1 + 4_000 * 1.25 + 500 * 5) / M;
    expect(Number(costIn(res))).toBeCloseTo(expected, 9);
    expect((await clientSpan(res)).attributes["gen_ai.usage.cost"]).toBeCloseTo(expected, 12);
  });

  it("a streamed answer: cost on the span (its usage comes after the headers, so none in Server-Timing)", async () => {
    const chunk = (extra: Record<string, unknown>) => ({ id: "c", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", ...extra });
    const model = await scriptAnswer({
      body: sse([
        { data: chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "ok" }, finish_reason: null }] }) },
        { data: chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) },
        { data: chunk({ choices: [], usage: { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140 } }) },
        { data: "[DONE]" },
      ]),
    });
    const body = { model: `openai/${model}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] };
    const res = await post("/v1/chat/completions", body, envWith());
    await res.text();
    expect(costIn(res)).toBeUndefined();
    expect((await clientSpan(res)).attributes["gen_ai.usage.cost"]).toBeCloseTo((100 * 0.15 + 40 * 0.6) / M, 12);
  });

  it("a model without a price is unknown: no cost on the span, \"unknown\" in Server-Timing, never 0", async () => {
    const model = await scriptAnswer({ body: openaiAnswer("house-model-7", { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 }) });
    const res = await post("/v1/chat/completions", { model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] }, envWith());
    expect(costIn(res)).toBe("unknown");
    const span = await clientSpan(res);
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBe(5);
    expect(span.attributes["gen_ai.usage.cost"]).toBeUndefined();
  });

  it("pricing: on a provider entry replaces the table; on an alias target, the entry's", async () => {
    const usage = { prompt_tokens: 1_000, completion_tokens: 100, total_tokens: 1_100, prompt_tokens_details: { cached_tokens: 400 } };
    const model = await scriptAnswer({ body: openaiAnswer("gpt-4o", usage) });
    const entryPrice = { input: 1, output: 2, cache_read: 0.5 };
    const env = envWith(
      { model_aliases: { cheap: { targets: [{ model: `openai/${model}`, pricing: { input: 10, output: 20 } }] }, plain: { target: `openai/${model}` } } },
      { pricing: entryPrice },
    );
    const viaEntry = await post("/v1/chat/completions", { model: "plain", messages: [{ role: "user", content: "hi" }] }, env);
    expect(Number(costIn(viaEntry))).toBeCloseTo((600 * 1 + 400 * 0.5 + 100 * 2) / M, 9);
    const model2 = await scriptAnswer({ body: openaiAnswer("gpt-4o", usage) });
    const env2 = envWith({ model_aliases: { cheap: { targets: [{ model: `openai/${model2}`, pricing: { input: 10, output: 20 } }] } } }, { pricing: entryPrice });
    const viaAlias = await post("/v1/chat/completions", { model: "cheap", messages: [{ role: "user", content: "hi" }] }, env2);
    // The target's price has no cache_read: cached input at its input price.
    expect(Number(costIn(viaAlias))).toBeCloseTo((1_000 * 10 + 100 * 20) / M, 9);
    expect((await clientSpan(viaAlias)).attributes["gen_ai.usage.cost"]).toBeCloseTo((1_000 * 10 + 100 * 20) / M, 12);
  });

  it("an unsampled request still reports a non-streamed answer's cost in Server-Timing", async () => {
    const model = await scriptAnswer({ body: openaiAnswer("gpt-4.1", OPENAI_USAGE) });
    const env = { GATEWAY_CONFIG: JSON.stringify({ ...JSON.parse(envWith().GATEWAY_CONFIG), tracing: { random_sampling: 0.0001 } }) };
    const res = await post("/v1/chat/completions", { model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] }, env);
    const flags = Number.parseInt(res.headers.get("traceresponse")?.split("-")[3] ?? "", 16);
    expect(flags & 1).toBe(0);
    expect(Number(costIn(res))).toBeCloseTo(OPENAI_COST, 9);
  });
});
