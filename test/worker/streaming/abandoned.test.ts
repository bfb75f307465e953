import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { app } from "../../../src/app";
import "../loopback/context";
import type { ReceivedPoint } from "../../e2e/harness/otlp-metrics";
import type { ScriptedDelivery } from "../loopback/context";
import { scriptAnswer, SPAN_KIND, spansOf, sse, traceIdOf } from "../loopback/client";

// A client that leaves a stream early: tracegate reads the provider's stream on (in waitUntil) until it ends, so the
// CLIENT span carries the usage the provider bills, plus the output tokens the client got. Against the scripted
// provider on loopback, which keeps streaming after the client has gone and sends its usage last.
const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");

function env(limits: Record<string, number> = {}) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "openai/*", base_url: provider, access_key: "sk-loopback" },
        { model: "anthropic/*", base_url: provider, access_key: "sk-ant-loopback" },
      ],
      auth: "none",
      limits,
      tracing: {
        random_sampling: 100,
        exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }],
        metrics: { enabled: true, export_interval_seconds: 0.01 },
      },
    }),
  };
}

const WORDS = 30;

/** An OpenAI stream: a first chunk, then WORDS content chunks, the finish, usage (input 10, output 42) and [DONE]. */
function openaiStream(): { body: string; chunks: string[] } {
  const chunk = (extra: Record<string, unknown>) => ({ id: "c", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", ...extra });
  const delta = (content: string) => sse([{ data: chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] }) }]);
  return {
    body: sse([{ data: chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }) }]),
    chunks: [
      ...Array.from({ length: WORDS }, (_, i) => delta(`w${i} `)),
      sse([{ data: chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) }]),
      sse([{ data: chunk({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 42, total_tokens: 52 } }) }, { data: "[DONE]" }]),
    ],
  };
}

/** An Anthropic stream with the same shape: usage input 10 (message_start), output 42 (message_delta). */
function anthropicStream(): { body: string; chunks: string[] } {
  const message = { id: "m", type: "message", role: "assistant", model: "claude-haiku-4-5-20251001", content: [], usage: { input_tokens: 10, output_tokens: 1 } };
  return {
    body: sse([
      { event: "message_start", data: { type: "message_start", message } },
      { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
    ]),
    chunks: [
      ...Array.from({ length: WORDS }, (_, i) =>
        sse([{ event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `w${i} ` } } }]),
      ),
      sse([
        { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
        { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 42 } } },
      ]),
      sse([{ event: "message_stop", data: { type: "message_stop" } }]),
    ],
  };
}

/** Streams a request, reads the first few chunks of the answer, then leaves; resolves once waitUntil work is done. */
async function leaveEarly(path: string, body: Record<string, unknown>, environment: Record<string, string>) {
  const ctx = createExecutionContext();
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const res = await app.fetch(new Request(new URL(path, "http://localhost"), init), environment, ctx);
  expect(res.status).toBe(200);
  const reader = res.body?.getReader();
  if (!reader) throw new Error("no body");
  let received = "";
  while (!received.includes("w2 ")) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error("the stream ended before the client left");
    received += new TextDecoder().decode(chunk.value);
  }
  await reader.cancel();
  await waitOnExecutionContext(ctx);
  const [client] = (await spansOf(traceIdOf(res), 2)).filter((s) => s.kind === SPAN_KIND.CLIENT);
  if (!client) throw new Error("no CLIENT span");
  return client;
}

/** The token counts the metrics recorded for a model, summed by token type (the loopback collector's OTLP metrics). */
async function metricTokens(model: string): Promise<Record<string, number>> {
  const points = (await (await fetch(`${collector}/metrics`)).json()) as ReceivedPoint[];
  const sums: Record<string, number> = {};
  for (const p of points) {
    if (p.name !== "gen_ai.client.token.usage" || p.attributes["gen_ai.request.model"] !== model) continue;
    const type = String(p.attributes["gen_ai.token.type"]);
    sums[type] = (sums[type] ?? 0) + (p.sum ?? 0);
  }
  return sums;
}

async function delivery(model: string): Promise<ScriptedDelivery> {
  return (await (await fetch(`${provider}/sent?model=${model}`)).json()) as ScriptedDelivery;
}

// Each provider stream takes ~0.7 s of paced chunks; a loaded machine needs more than the default 5 s.
describe("a client that leaves a stream early", { timeout: 20_000 }, () => {
  const cases = [
    { api: "openai", path: "/v1/chat/completions", stream: openaiStream, extra: { stream_options: { include_usage: true } }, price: (10 * 0.15 + 42 * 0.6) / 1e6 },
    { api: "anthropic", path: "/v1/messages", stream: anthropicStream, extra: { max_tokens: 100 }, price: (10 * 1 + 42 * 5) / 1e6 },
  ] as const;

  for (const { api, path, stream, extra, price } of cases) {
    it(`${api}: the provider's stream is read to its end; the span has its full usage, cost and the tokens delivered`, async () => {
      const model = await scriptAnswer(stream());
      const body = { model: `${api}/${model}`, stream: true, messages: [{ role: "user", content: "count" }], ...extra };
      const client = await leaveEarly(path, body, env());
      expect(await delivery(model)).toEqual({ chunksWritten: WORDS + 2, finished: true, closedEarly: false });
      expect(client.attributes["error.type"]).toBe("cancelled");
      expect(client.attributes["gen_ai.usage.input_tokens"]).toBe(10);
      expect(client.attributes["gen_ai.usage.output_tokens"]).toBe(42);
      expect(client.attributes["gen_ai.usage.cost"]).toBeCloseTo(price, 12);
      expect(client.attributes["tracegate.stream.abandoned_read"]).toBe("complete");
      const delivered = Number(client.attributes["tracegate.usage.output_tokens_delivered"]);
      expect(delivered).toBeGreaterThan(0);
      expect(delivered).toBeLessThan(42);
      // The metrics carry the provider's full usage too, not what reached the client.
      await expect.poll(() => metricTokens(model), { timeout: 5_000 }).toEqual({ input: 10, output: 42 });
    });
  }

  it("limits.abandoned_stream_ms: 0 stops reading at once: no usage, the provider is hung up on", async () => {
    const model = await scriptAnswer(openaiStream());
    const body = { model: `openai/${model}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "count" }] };
    const client = await leaveEarly("/v1/chat/completions", body, env({ abandoned_stream_ms: 0 }));
    expect(client.attributes["error.type"]).toBe("cancelled");
    expect(client.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    expect(client.attributes["tracegate.stream.abandoned_read"]).toBeUndefined();
    await expect.poll(async () => (await delivery(model)).closedEarly, { timeout: 5_000 }).toBe(true);
  });

  it("limits.abandoned_stream_bytes bounds the read: it stops there and says so", async () => {
    const model = await scriptAnswer(openaiStream());
    const body = { model: `openai/${model}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "count" }] };
    const client = await leaveEarly("/v1/chat/completions", body, env({ abandoned_stream_bytes: 300 }));
    expect(client.attributes["tracegate.stream.abandoned_read"]).toBe("byte_limit");
    expect(client.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    await expect.poll(async () => (await delivery(model)).closedEarly, { timeout: 5_000 }).toBe(true);
  });

  it("limits.abandoned_stream_ms bounds the read in time", async () => {
    const model = await scriptAnswer({ ...openaiStream(), chunkIntervalMs: 100 });
    const body = { model: `openai/${model}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "count" }] };
    const client = await leaveEarly("/v1/chat/completions", body, env({ abandoned_stream_ms: 250 }));
    expect(client.attributes["tracegate.stream.abandoned_read"]).toBe("time_limit");
    expect(client.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    await expect.poll(async () => (await delivery(model)).closedEarly, { timeout: 5_000 }).toBe(true);
  });
});
