import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXACT_BYTES_ANSWER, startMockProvider, type MockProvider } from "./harness/mock-provider";
import { freePort } from "../../scripts/free-port.mjs";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// The gateway under `wrangler dev`, driven by the official SDKs, in front of a real mock provider on loopback.
let provider: MockProvider;
let gateway: DevServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  provider = await startMockProvider();
  const deadPort = await freePort();
  const config = {
    model_providers: [
      { model: "openai/gpt-test", access_key: "$OPENAI_KEY", base_url: provider.url },
      { model: "openai/*", access_key: "$OPENAI_KEY", base_url: provider.url },
      { model: "anthropic/claude-test", access_key: "$ANTHROPIC_KEY", base_url: provider.url },
      { model: "anthropic/*", access_key: "$ANTHROPIC_KEY", base_url: provider.url },
      { model: "dead/model", provider_interface: "openai", base_url: `http://127.0.0.1:${deadPort}` },
      { model: "retrying/*", provider_interface: "openai", base_url: provider.url, retry: { attempts: 3, backoff_ms: 10 } },
      { model: "quiet/*", provider_interface: "openai", base_url: provider.url, first_chunk_timeout_ms: 300 },
      { model: "slow/stall", provider_interface: "openai", base_url: provider.url, timeout_ms: 300 },
      { model: "mock/echo", default: true },
    ],
    auth: "none",
    model_aliases: {
      fast: { target: "anthropic/claude-test" },
      sturdy: { targets: ["openai/fail-500", "anthropic/claude-test"] },
      patient: { targets: ["quiet/stall-body", "openai/gpt-test"] },
    },
  };
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify(config),
    OPENAI_KEY: "sk-test-openai-secret",
    ANTHROPIC_KEY: "sk-ant-test-secret",
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "client-key", maxRetries: 0 });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
});

/** A raw POST of a JSON body to the gateway, for what the SDKs would hide (status codes, bytes, streams). */
const postJson = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });

const lastReceived = () => {
  const r = provider.received.at(-1);
  if (!r) throw new Error("the provider received nothing");
  return r;
};

const weatherTool = {
  type: "function" as const,
  function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

describe("OpenAI SDK", () => {
  it("passes a chat completion through to an OpenAI provider", async () => {
    const res = await openai.chat.completions.create({
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from openai mock");
    expect(res.usage?.total_tokens).toBe(17);
    const got = lastReceived();
    expect(got.path).toBe("/v1/chat/completions");
    expect(got.body.model).toBe("gpt-test");
    expect(got.body.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(got.headers.authorization).toBe("Bearer sk-test-openai-secret");
  });

  it("streams from an OpenAI provider, asking for usage upstream but not passing it on unasked", async () => {
    const stream = await openai.chat.completions.create({
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe("Hello from openai mock");
    expect(chunks.every((c) => c.choices.length > 0 && !c.usage)).toBe(true);
    expect(lastReceived().body.stream_options).toEqual({ include_usage: true });
  });

  it("passes the usage chunk on when the client asks for it", async () => {
    const stream = await openai.chat.completions.create({
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.usage?.prompt_tokens).toBe(12);
    expect(chunks.at(-1)?.choices).toEqual([]);
  });

  it("translates to an Anthropic provider: system prompt, usage, finish reason", async () => {
    const res = await openai.chat.completions.create({
      model: "anthropic/claude-test",
      max_tokens: 100,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from anthropic mock");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.model).toBe("anthropic/claude-test");
    expect(res.usage?.prompt_tokens).toBe(13);
    expect(res.usage?.completion_tokens).toBe(6);
    const got = lastReceived();
    expect(got.path).toBe("/v1/messages");
    expect(got.headers["x-api-key"]).toBe("sk-ant-test-secret");
    expect(got.headers["anthropic-version"]).toBe("2023-06-01");
    expect(got.headers.authorization).toBeUndefined();
    expect(got.body.model).toBe("claude-test");
    expect(got.body.system).toBeDefined();
    expect(JSON.stringify(got.body.system)).toContain("Be brief.");
    expect(got.body.max_tokens).toBe(100);
  });

  it("streams a tool call translated from an Anthropic provider", async () => {
    const stream = await openai.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [weatherTool],
      stream: true,
    });
    let args = "";
    let name = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    expect(finish).toBe("tool_calls");
    const tools = lastReceived().body.tools as { name: string; input_schema: unknown }[];
    expect(tools[0]?.name).toBe("get_weather");
    expect(tools[0]?.input_schema).toEqual(weatherTool.function.parameters);
  });

  it("answers from the built-in mock provider without any key", async () => {
    const res = await openai.chat.completions.create({ model: "mock/echo", messages: [{ role: "user", content: "echo me" }] });
    expect(res.choices[0]?.message.content).toBe("echo me");
    const stream = await openai.chat.completions.create({
      model: "mock/echo",
      messages: [{ role: "user", content: "one two three" }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? "");
    expect(pieces.join("")).toBe("one two three");
    expect(pieces.filter((p) => p !== "").length).toBeGreaterThanOrEqual(3);
  });

  it("passes a provider's own error through with its status", async () => {
    const err = await openai.chat.completions
      .create({ model: "openai/fail-500", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((err as Error).message).toContain("mock 500");
  });

  it("answers 502 when the provider cannot be reached, without leaking keys", async () => {
    const res = await postJson(
      "/v1/chat/completions",
      { model: "dead/model", messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("upstream_unreachable");
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it("answers 504 when the provider does not answer within timeout_ms", async () => {
    const started = Date.now();
    const res = await postJson(
      "/v1/messages",
      { model: "slow/stall", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "timeout_error" } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers 502 for a provider's garbage, and ends a garbage stream with an error event", async () => {
    const post = (stream: boolean) =>
      postJson(
        "/v1/chat/completions",
        { model: "openai/garbage", stream, messages: [{ role: "user", content: "hi" }] },
      );
    const plain = await post(false);
    expect(plain.status).toBe(502);
    expect(await plain.json()).toMatchObject({ error: { code: "upstream_error" } });
    const streamed: string = await (await post(true)).text();
    expect(streamed).toContain("malformed stream event");
  });

  it("ends a stream interrupted upstream with a well-formed error event", async () => {
    const res = await postJson(
      "/v1/chat/completions",
      { model: "openai/reset-mid-stream", stream: true, messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(200);
    const text: string = await res.text();
    const events = text.trim().split("\n\n").map((e) => e.replace(/^data: /, ""));
    expect(events.length).toBeGreaterThanOrEqual(2);
    const last = JSON.parse(events.at(-1) ?? "{}") as { error?: { code?: string } };
    expect(last.error?.code).toBe("upstream_error");
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    const controller = new AbortController();
    const res = await postJson(
      "/v1/chat/completions",
      { model: "openai/slow-stream", stream: true, messages: [{ role: "user", content: "hi" }] },
      controller.signal,
    );
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    // The first event may arrive split over several reads.
    while (!seen.includes('"0 "')) {
      const next = await reader?.read();
      if (!next || next.done) break;
      seen += decoder.decode(next.value, { stream: true });
    }
    expect(seen).toContain('"0 "');
    expect(seen).not.toContain('"19 "');
    controller.abort();
    const deadline = Date.now() + 5_000;
    while (!provider.closedEarly.includes("slow-stream") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(provider.closedEarly).toContain("slow-stream");
  });

  it("hands an OpenAI provider's JSON answer to an OpenAI client byte for byte (big integers, formatting)", async () => {
    const res = await postJson(
      "/v1/chat/completions",
      { model: "openai/exact-bytes", messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-tracegate-model")).toBe("openai/exact-bytes");
    expect(await res.text()).toBe(EXACT_BYTES_ANSWER);
  });

  // Moved from test/worker/routes/hostile-input.test.ts, which could only see the status: the provider's side shows
  // what was passed on.
  it("passes unknown fields through to the provider unchanged", async () => {
    const sent = {
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "x", x_message_meta: [1, "two", null] }],
      x_custom: { a: 1, nested: { b: [true, 2.5] } },
    };
    const res = await postJson("/v1/chat/completions", sent);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // Only the model is rewritten (the provider's own name for it); every other field arrives as sent.
    expect(lastReceived().body).toEqual({ ...sent, model: "gpt-test" });
  });

  it("lists configured models and aliases", async () => {
    const ids = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["openai/gpt-test", "anthropic/claude-test", "mock/echo", "fast"]));
    expect(ids).not.toContain("openai/*");
  });
});

describe("retries and fallbacks", () => {
  const countFor = (model: string) => provider.received.filter((r) => r.body.model === model).length;

  it("retries a provider's 503 per its retry policy", async () => {
    const res = await openai.chat.completions.create({ model: "retrying/flaky-a", messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0]?.message.content).toBe("Hello from openai mock");
    expect(countFor("flaky-a")).toBe(2);
  });

  it("passes the last error on when every attempt fails", async () => {
    const before = countFor("fail-500");
    const res = await postJson(
      "/v1/chat/completions",
      { model: "retrying/fail-500", messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(500);
    expect(countFor("fail-500") - before).toBe(3);
  });

  it("falls back to the alias's next target, translating across APIs, streaming and not", async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: "sturdy", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("Hello from anthropic mock");
    expect(response.headers.get("x-tracegate-model")).toBe("anthropic/claude-test");
    const stream = await openai.chat.completions.create({ model: "sturdy", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello from anthropic mock");
  });

  it("gives up on a stream silent past first_chunk_timeout_ms (504) and falls back when an alias allows", async () => {
    const started = Date.now();
    const res = await postJson(
      "/v1/chat/completions",
      { model: "quiet/stall-body", stream: true, messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: "upstream_timeout" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    const stream = await openai.chat.completions.create({ model: "patient", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello from openai mock");
  });

  it("retries a 429 (in the default on_status) and passes it on when the attempts run out", async () => {
    const before = provider.received.length;
    const err = await openai.chat.completions
      .create({ model: "retrying/fail-429", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(429);
    expect(provider.received.length - before).toBe(3);
  });
});

describe("Anthropic SDK", () => {
  it("passes a message through to an Anthropic provider", async () => {
    const msg = await anthropic.messages.create({
      model: "anthropic/claude-test",
      max_tokens: 50,
      system: "Be brief.",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "Hello from anthropic mock" });
    expect(msg.usage.cache_read_input_tokens).toBe(3);
    const got = lastReceived();
    expect(got.body.model).toBe("claude-test");
    expect(got.body.system).toBe("Be brief.");
    expect(got.headers["x-api-key"]).toBe("sk-ant-test-secret");
  });

  it("streams from an Anthropic provider event by event", async () => {
    const stream = anthropic.messages.stream({
      model: "anthropic/claude-test",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: "Hello from anthropic mock" });
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(6);
  });

  it("translates to an OpenAI provider, streaming and not", async () => {
    const msg = await anthropic.messages.create({
      model: "openai/gpt-test",
      max_tokens: 50,
      system: "Be brief.",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "Hello from openai mock" });
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage.output_tokens).toBe(5);
    const got = lastReceived();
    expect(got.path).toBe("/v1/chat/completions");
    expect(got.headers.authorization).toBe("Bearer sk-test-openai-secret");
    expect(got.body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ]);

    const stream = anthropic.messages.stream({
      model: "openai/gpt-test",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: "Hello from openai mock" });
    expect(final.usage.output_tokens).toBe(5);
  });

  it("streams a tool call translated from an OpenAI provider", async () => {
    const stream = anthropic.messages.stream({
      model: "openai/gpt-test",
      max_tokens: 50,
      messages: [{ role: "user", content: "weather?" }],
      tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.find((b) => b.type === "tool_use")).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
  });

  it("answers from the built-in mock provider", async () => {
    const msg = await anthropic.messages.create({ model: "mock/echo", max_tokens: 20, messages: [{ role: "user", content: "ping" }] });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "ping" });
  });

  it("re-envelopes an OpenAI provider's 429 in Anthropic's error format", async () => {
    const err = await anthropic.messages
      .create({ model: "openai/fail-429", max_tokens: 20, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
  });
});
