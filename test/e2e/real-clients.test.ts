import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import Anthropic from "@anthropic-ai/sdk";
import { ChatAnthropic } from "@langchain/anthropic";
import { ChatOpenAI } from "@langchain/openai";
import { generateObject, generateText, streamText, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { JSON_ANSWER, startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// The client libraries people use, unchanged, against the gateway under `wrangler dev`, in front of a mock provider
// on loopback that speaks the OpenAI and Anthropic wire formats: the Vercel AI SDK, LangChain JS, and the openai and
// Anthropic SDKs' embeddings, model, token count and rate-limit handling. Each model name is tried natively
// (`openai/…` from an OpenAI client) and translated (`anthropic/…` from an OpenAI client, and the other way).

let provider: MockProvider;
let gateway: DevServer;

beforeAll(async () => {
  provider = await startMockProvider({ chunkDelayMs: 5 });
  const config = {
    model_providers: [
      { model: "openai/*", access_key: "sk-openai-secret", base_url: provider.url },
      { model: "anthropic/*", access_key: "sk-ant-secret", base_url: provider.url },
    ],
    model_aliases: { fast: { target: "anthropic/claude-test" } },
    auth: "none",
  };
  gateway = await startWranglerDev({ GATEWAY_CONFIG: JSON.stringify(config) });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
});

const received = (model: string) => {
  const got = provider.received.filter((r) => r.body.model === model).at(-1);
  if (!got) throw new Error(`the provider received nothing for ${model}`);
  return got;
};

const city = z.object({ city: z.string() });
const weather = tool({ description: "Weather in a city", inputSchema: city, execute: async () => "sunny" });
const BOTH = ["openai/gpt-test", "anthropic/claude-test"] as const;

describe("Vercel AI SDK", () => {
  const openai = () => createOpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key" });
  const anthropic = () => createAnthropic({ baseURL: `${gateway.url}/v1`, apiKey: "client-key" });
  const compatible = () => createOpenAICompatible({ name: "tracegate", baseURL: `${gateway.url}/v1`, apiKey: "client-key" });

  it.each(BOTH)("@ai-sdk/openai .chat(): generateText and streamText to %s", async (model) => {
    const { text, usage } = await generateText({ model: openai().chat(model), prompt: "hi" });
    expect(text).toMatch(/^Hello from (openai|anthropic) mock$/);
    expect(usage.inputTokens).toBeGreaterThan(0);
    const stream = streamText({ model: openai().chat(model), prompt: "hi" });
    expect(await stream.text).toBe(text);
  });

  it.each(BOTH)("@ai-sdk/openai .chat(): a tool call and its result to %s", async (model) => {
    const result = await generateText({ model: openai().chat(model), prompt: "weather in Paris?", tools: { get_weather: weather } });
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([["get_weather", { city: "Paris" }]]);
    expect(result.toolResults.map((r) => r.output)).toEqual(["sunny"]);
  });

  it.each(BOTH)("@ai-sdk/openai .chat(): generateObject (structured output) from %s", async (model) => {
    const { object } = await generateObject({ model: openai().chat(model), schema: city, prompt: "a city" });
    expect(object).toEqual(JSON_ANSWER);
  });

  it.each(["anthropic/claude-test", "openai/gpt-test"])("@ai-sdk/anthropic: generateText, streamText, tools, generateObject with %s", async (model) => {
    expect((await generateText({ model: anthropic()(model), prompt: "hi" })).text).toMatch(/^Hello from (openai|anthropic) mock$/);
    expect(await streamText({ model: anthropic()(model), prompt: "hi" }).text).toMatch(/^Hello from (openai|anthropic) mock$/);
    const result = await generateText({ model: anthropic()(model), prompt: "weather?", tools: { get_weather: weather } });
    expect(result.toolCalls.map((c) => c.toolName)).toEqual(["get_weather"]);
    const { object } = await generateObject({ model: anthropic()(model), schema: city, prompt: "a city" });
    expect(object).toEqual(JSON_ANSWER);
  });

  it.each(BOTH)("@ai-sdk/openai-compatible: generateObject in JSON mode (json_object) from %s", async (model) => {
    const { object } = await generateObject({ model: compatible()(model), schema: city, prompt: "a city as JSON" });
    expect(object).toEqual(JSON_ANSWER);
    expect(received(model.slice(model.indexOf("/") + 1)).body).toMatchObject(
      model.startsWith("openai/") ? { response_format: { type: "json_object" } } : { tool_choice: { type: "tool", name: "tracegate_json_answer" } },
    );
  });

  it("@ai-sdk/openai-compatible: reasoning effort turns on Claude's thinking, which comes back as reasoning", async () => {
    const result = await generateText({
      model: compatible()("anthropic/claude-think"),
      prompt: "think",
      providerOptions: { tracegate: { reasoningEffort: "low" } },
    });
    expect(result.reasoningText).toBe("Thinking it over.");
    expect(result.text).toBe("Hello from anthropic mock");
    expect(received("claude-think").body.thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
  });
});

describe("LangChain JS", () => {
  const chatOpenai = (model: string) => new ChatOpenAI({ model, apiKey: "client-key", configuration: { baseURL: `${gateway.url}/v1` }, maxRetries: 0 });
  const chatAnthropic = (model: string) => new ChatAnthropic({ model, apiKey: "client-key", anthropicApiUrl: gateway.url, maxRetries: 0 });

  it.each(BOTH)("ChatOpenAI: invoke, stream, tools to %s", async (model) => {
    const answer = await chatOpenai(model).invoke("hi");
    expect(answer.content).toMatch(/^Hello from (openai|anthropic) mock$/);
    let streamed = "";
    for await (const chunk of await chatOpenai(model).stream("hi")) streamed += String(chunk.content);
    expect(streamed).toBe(answer.content);
    const withTools = chatOpenai(model).bindTools([{ name: "get_weather", description: "Weather", schema: city }]);
    expect((await withTools.invoke("weather?")).tool_calls?.map((c) => [c.name, c.args])).toEqual([["get_weather", { city: "Paris" }]]);
  });

  it.each(BOTH)("ChatOpenAI: withStructuredOutput, by tool call and in JSON mode, from %s", async (model) => {
    expect(await chatOpenai(model).withStructuredOutput(city, { method: "functionCalling" }).invoke("a city")).toEqual(JSON_ANSWER);
    expect(await chatOpenai(model).withStructuredOutput(city, { method: "jsonMode" }).invoke("a city as JSON")).toEqual(JSON_ANSWER);
  });

  it.each(["anthropic/claude-test", "openai/gpt-test"])("ChatAnthropic: invoke, stream, tools, withStructuredOutput with %s", async (model) => {
    const answer = await chatAnthropic(model).invoke("hi");
    expect(answer.text).toMatch(/^Hello from (openai|anthropic) mock$/);
    let streamed = "";
    for await (const chunk of await chatAnthropic(model).stream("hi")) streamed += chunk.text;
    expect(streamed).toBe(answer.text);
    const withTools = chatAnthropic(model).bindTools([{ name: "get_weather", description: "Weather", schema: city }]);
    expect((await withTools.invoke("weather?")).tool_calls?.map((c) => c.name)).toEqual(["get_weather"]);
    expect(await chatAnthropic(model).withStructuredOutput(city).invoke("a city")).toEqual(JSON_ANSWER);
  });
});

describe("the openai and Anthropic SDKs beside chat", () => {
  const openai = (maxRetries = 0) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key", maxRetries });
  const anthropic = (maxRetries = 0) => new Anthropic({ baseURL: gateway.url, apiKey: "client-key", maxRetries });

  it("openai embeddings.create, with the provider's request id", async () => {
    const res = await openai().embeddings.create({ model: "openai/text-embedding-3-small", input: ["a", "b"] });
    expect(res.data.map((d) => d.embedding)).toEqual([[0.5, -0.25, 0], [0.5, -0.25, 1]]);
    expect(res.usage.prompt_tokens).toBe(6);
    expect(res._request_id).toBe("req_embed");
    expect(received("text-embedding-3-small").path).toBe("/v1/embeddings");
    await expect(openai().embeddings.create({ model: "anthropic/claude-test", input: "a" })).rejects.toMatchObject({ status: 400 });
  });

  it("openai models.retrieve and list; an unknown model is a NotFoundError", async () => {
    const model = await openai().models.retrieve("openai/gpt-4o");
    expect(model).toMatchObject({ id: "openai/gpt-4o", object: "model", owned_by: "openai" });
    expect(model.created).toBeGreaterThan(1_600_000_000);
    expect((await openai().models.list()).data.map((m) => m.id)).toEqual(["fast"]);
    await expect(openai().models.retrieve("nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("Anthropic models.list and retrieve, in Anthropic's shape", async () => {
    const list = [];
    for await (const m of anthropic().models.list()) list.push(m);
    expect(list).toEqual([{ type: "model", id: "fast", display_name: "fast", created_at: expect.any(String) }]);
    expect(Date.parse(list[0]?.created_at ?? "")).toBeGreaterThan(Date.parse("2020-01-01"));
    expect((await anthropic().models.retrieve("anthropic/claude-x")).id).toBe("anthropic/claude-x");
    await expect(anthropic().models.retrieve("nope")).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("Anthropic messages.countTokens to an Anthropic model; a 400 for an OpenAI one", async () => {
    const messages = [{ role: "user" as const, content: "hi" }];
    const count = await anthropic().messages.countTokens({ model: "anthropic/claude-test", messages });
    expect(count.input_tokens).toBe(12);
    expect(received("claude-test").path).toBe("/v1/messages/count_tokens");
    await expect(anthropic().messages.countTokens({ model: "openai/gpt-test", messages })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });

  it("request ids reach the SDKs, natively and translated", async () => {
    const messages = [{ role: "user" as const, content: "hi" }];
    expect((await openai().chat.completions.create({ model: "openai/gpt-test", messages }))._request_id).toBe("req_openai");
    expect((await openai().chat.completions.create({ model: "anthropic/claude-test", messages }))._request_id).toBe("req_anthropic");
    expect((await anthropic().messages.create({ model: "anthropic/claude-test", max_tokens: 10, messages }))._request_id).toBe("req_anthropic");
    expect((await anthropic().messages.create({ model: "openai/gpt-test", max_tokens: 10, messages }))._request_id).toBe("req_openai");
  });

  // The mock's `limited-*` models answer 429 with `retry-after: 1` once: the SDK must wait that second (its own
  // backoff would be about half a second) and then get the answer.
  it.each([
    ["openai SDK, native", "openai/limited-oo"],
    ["openai SDK, translated", "anthropic/limited-oa"],
  ])("%s: a 429's Retry-After is what the SDK waits", async (_, model) => {
    const started = Date.now();
    const res = await openai(1).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(res.choices[0]?.message.content).toMatch(/^Hello from/);
    expect(provider.received.filter((r) => r.body.model === model.slice(model.indexOf("/") + 1))).toHaveLength(2);
  });

  it.each([
    ["Anthropic SDK, native", "anthropic/limited-aa"],
    ["Anthropic SDK, translated", "openai/limited-ao"],
  ])("%s: a 429's Retry-After is what the SDK waits", async (_, model) => {
    const started = Date.now();
    const res = await anthropic(1).messages.create({ model, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(res.content[0]).toMatchObject({ type: "text" });
  });

  it("without retries, the SDKs' errors carry the provider's Retry-After and request id", async () => {
    const messages = [{ role: "user" as const, content: "hi" }];
    const openaiError = await openai().chat.completions.create({ model: "anthropic/limited-e1", messages }).catch((e: unknown) => e);
    expect(openaiError).toBeInstanceOf(OpenAI.RateLimitError);
    expect((openaiError as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("1");
    expect((openaiError as InstanceType<typeof OpenAI.RateLimitError>).requestID).toBe("req_limited");
    const anthropicError = await anthropic().messages.create({ model: "openai/limited-e2", max_tokens: 10, messages }).catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.RateLimitError);
    expect((anthropicError as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after")).toBe("1");
    expect((anthropicError as InstanceType<typeof Anthropic.RateLimitError>).requestID).toBe("req_limited");
  });
});
