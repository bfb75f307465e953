import { createOpenAI } from "@ai-sdk/openai";
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool as agentTool } from "@openai/agents";
import { generateObject, generateText, streamText, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// POST /v1/responses under `wrangler dev`, driven by the real clients in their default setups: the openai SDK's
// `responses.create`, the Vercel AI SDK's default `openai(...)` provider and the OpenAI Agents SDK's `run`. Each
// against a provider that serves the Responses API (openai/…, passed through), an OpenAI-compatible chat server
// (compat/…, translated) and Anthropic (anthropic/…, translated), all the mock provider on loopback.

const KEYS = { ALICE: "tg-alice-key-000000", BOB: "tg-bob-key-11111111" };
let provider: MockProvider;
let gateway: DevServer;
let client: OpenAI;

beforeAll(async () => {
  provider = await startMockProvider({ chunkDelayMs: 2 });
  const config = {
    model_providers: [
      { model: "openai/gpt-test", access_key: "$OPENAI_KEY", base_url: provider.url },
      { model: "compat/*", provider_interface: "openai", access_key: "$OPENAI_KEY", base_url: provider.url },
      { model: "anthropic/*", access_key: "$ANTHROPIC_KEY", base_url: provider.url },
    ],
    auth: { keys: [{ name: "alice", key: "$ALICE_KEY" }, { name: "bob", key: "$BOB_KEY" }] },
  };
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify(config),
    OPENAI_KEY: "sk-test-openai-secret",
    ANTHROPIC_KEY: "sk-ant-test-secret",
    ALICE_KEY: KEYS.ALICE,
    BOB_KEY: KEYS.BOB,
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEYS.ALICE, maxRetries: 0 });
  // The Agents SDK's default setup, pointed at the gateway; its own trace export would go to api.openai.com.
  setDefaultOpenAIClient(client);
  setTracingDisabled(true);
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
});

const lastReceived = () => {
  const r = provider.received.at(-1);
  if (!r) throw new Error("the provider received nothing");
  return r;
};

/** The three ways to a model, with the path the provider must be called on and the text it answers. */
const TARGETS = [
  { model: "openai/gpt-test", path: "/v1/responses", text: "Hello from responses mock" },
  { model: "compat/llama-test", path: "/v1/chat/completions", text: "Hello from openai mock" },
  { model: "anthropic/claude-test", path: "/v1/messages", text: "Hello from anthropic mock" },
] as const;

describe.each(TARGETS)("openai SDK responses.create to $model", ({ model, path, text }) => {
  it("answers non-streamed with output_text and usage", async () => {
    const res = await client.responses.create({ model, input: "hi", instructions: "Be brief." });
    expect(res.output_text).toBe(text);
    expect(res.status).toBe("completed");
    expect(res.usage?.input_tokens).toBeGreaterThan(0);
    expect(lastReceived().path).toBe(path);
  });

  it("streams the typed events to response.completed", async () => {
    const stream = await client.responses.create({ model, input: "hi", stream: true });
    const types: string[] = [];
    let deltas = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas += event.delta;
    }
    expect(deltas).toBe(text);
    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.output_item.added");
    expect(types.at(-1)).toBe("response.completed");
  });
});

describe.each(TARGETS)("Vercel AI SDK default openai(...) provider to $model", ({ model, path, text }) => {
  const openai = () => createOpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEYS.ALICE });

  it("generateText calls /v1/responses and gets the text", async () => {
    const result = await generateText({ model: openai()(model), prompt: "hi" });
    expect(result.text).toBe(text);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(lastReceived().path).toBe(path);
  });

  it("streamText streams the text", async () => {
    const result = streamText({ model: openai()(model), prompt: "hi" });
    let out = "";
    for await (const piece of result.textStream) out += piece;
    expect(out).toBe(text);
    expect((await result.finishReason)).toBe("stop");
  });

  it("generateObject gets an object following the schema", async () => {
    const { object } = await generateObject({
      model: openai()(model),
      schema: z.object({ city: z.string(), temperature: z.number() }),
      prompt: "Weather in Paris?",
    });
    expect(object).toEqual({ city: "Paris", temperature: 21 });
  });

  it("generateText with a tool gets the tool call", async () => {
    const result = await generateText({
      model: openai()(model),
      prompt: "Weather in Paris?",
      tools: { get_weather: tool({ description: "Weather", inputSchema: z.object({ city: z.string() }) }) },
    });
    expect(result.toolCalls).toMatchObject([{ toolName: "get_weather", input: { city: "Paris" } }]);
  });
});

describe.each(TARGETS)("OpenAI Agents SDK, default setup, to $model", ({ model, text }) => {
  it("runs an agent with a function tool to its final output", async () => {
    const calls: string[] = [];
    const getWeather = agentTool({
      name: "get_weather",
      description: "Weather in a city",
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        calls.push(city);
        return `Sunny in ${city}`;
      },
    });
    const agent = new Agent({ name: "Weather", instructions: "Use the tool.", model, tools: [getWeather] });
    const result = await run(agent, "Weather in Paris?");
    expect(calls).toEqual(["Paris"]);
    expect(result.finalOutput).toBe(text);
  });
});

describe("previous_response_id kept by tracegate, against an Anthropic model", () => {
  it("continues a conversation over three turns; another client's id is not found", async () => {
    const first = await client.responses.create({ model: "anthropic/claude-test", input: "My name is Ada." });
    const second = await client.responses.create({ model: "anthropic/claude-test", input: "Who am I?", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(lastReceived().body.messages).toEqual([
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: "Hello from anthropic mock" },
      { role: "user", content: "Who am I?" },
    ]);
    const stream = await client.responses.create({ model: "anthropic/claude-test", input: "Again?", previous_response_id: second.id, stream: true });
    for await (const _event of stream) {
      // drained: the streamed turn is stored at its end
    }
    expect(lastReceived().body.messages).toHaveLength(5);

    const bob = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEYS.BOB, maxRetries: 0 });
    const stolen = bob.responses.create({ model: "anthropic/claude-test", input: "Hi", previous_response_id: first.id });
    await expect(stolen).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
