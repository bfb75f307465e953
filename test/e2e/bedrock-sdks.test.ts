import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoopbackServer } from "../fixtures/loopback-server";
import { startMockBedrock, type BedrockAnswer, type FrameSpec, type RecordedRequest } from "../fixtures/bedrock/mock-bedrock";
import { PNG } from "../fixtures/translate";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// Amazon Bedrock behind the gateway under `wrangler dev`, driven by the official openai and Anthropic SDKs: the mock
// Bedrock runtime on loopback answers Converse JSON and ConverseStream event-stream frames (split at odd places).
let bedrock: LoopbackServer;
let gateway: DevServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  bedrock = await startMockBedrock();
  const config = {
    model_providers: [
      {
        model: "amazon_bedrock/*",
        base_url: bedrock.url,
        region: "eu-west-1",
        access_key: "$AWS_ACCESS_KEY_ID",
        aws_secret_access_key: "$AWS_SECRET_ACCESS_KEY",
      },
    ],
    auth: "none",
  };
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify(config),
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "client-key", maxRetries: 0 });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await bedrock?.close();
});

let next = 0;
async function script(answers: BedrockAnswer[]): Promise<string> {
  const modelId = `us.anthropic.claude-e2e-${next++}-v1:0`;
  const res = await fetch(`${bedrock.url}/script`, { method: "POST", body: JSON.stringify({ modelId, answers }) });
  expect(res.status).toBe(204);
  return modelId;
}

async function requestsFor(modelId: string): Promise<RecordedRequest[]> {
  return (await (await fetch(`${bedrock.url}/requests?model=${encodeURIComponent(modelId)}`)).json()) as RecordedRequest[];
}

const USAGE = { inputTokens: 9, outputTokens: 4, totalTokens: 63, cacheReadInputTokens: 50 };
const TEXT_FRAMES: FrameSpec[] = [
  { event: "messageStart", payload: { role: "assistant" } },
  { event: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "A red " } } },
  { event: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "pixel." } } },
  { event: "contentBlockStop", payload: { contentBlockIndex: 0 } },
  { event: "messageStop", payload: { stopReason: "max_tokens" } },
  { event: "metadata", payload: { usage: USAGE, metrics: { latencyMs: 30 } } },
];
const TOOL_ANSWER: BedrockAnswer = {
  json: {
    output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_e2e", name: "lookup", input: { q: "tracegate" } } }] } },
    stopReason: "tool_use",
    usage: { inputTokens: 20, outputTokens: 8, totalTokens: 58, cacheWriteInputTokens: 30 },
  },
};
const TOOLS = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } }];

describe("the openai SDK reaches Bedrock", () => {
  it("streamed, with an image: text, length finish, usage with cached tokens", async () => {
    const modelId = await script([{ frames: TEXT_FRAMES }]);
    const stream = openai.chat.completions.stream({
      model: `amazon_bedrock/${modelId}`,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: [{ type: "text", text: "Describe" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe("A red pixel.");
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage).toMatchObject({ prompt_tokens: 59, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 50 } });
    const [seen] = await requestsFor(modelId);
    expect(seen?.path).toBe(`/model/${encodeURIComponent(modelId)}/converse-stream`);
    expect(seen?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    expect(seen?.body).toMatchObject({ messages: [{ role: "user", content: [{ text: "Describe" }, { image: { format: "png", source: { bytes: PNG } } }] }] });
  });

  it("not streamed: a tool call, cache writes counted in prompt_tokens", async () => {
    const modelId = await script([TOOL_ANSWER]);
    const completion = await openai.chat.completions.create({
      model: `amazon_bedrock/${modelId}`,
      messages: [{ role: "user", content: "Look it up" }],
      tools: TOOLS,
      tool_choice: "required",
    });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({ id: "tooluse_e2e", function: { name: "lookup", arguments: '{"q":"tracegate"}' } });
    expect(completion.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 8, total_tokens: 58 });
    const [seen] = await requestsFor(modelId);
    expect(seen?.body).toMatchObject({ toolConfig: { toolChoice: { any: {} }, tools: [{ toolSpec: { name: "lookup" } }] } });
  });

  it("a ThrottlingException reaches the client as its 429 RateLimitError", async () => {
    const modelId = await script([
      { status: 429, headers: { "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/" }, json: { message: "Rate exceeded" } },
    ]);
    const err = await openai.chat.completions.create({ model: `amazon_bedrock/${modelId}`, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).message).toContain("Rate exceeded");
  });
});

describe("the Responses API reaches Bedrock (translated via Chat Completions)", () => {
  it("openai responses.create, streamed: the text and usage with cached tokens; not streamed: a function call", async () => {
    const streamedId = await script([{ frames: TEXT_FRAMES }]);
    const stream = await openai.responses.create({ model: `amazon_bedrock/${streamedId}`, input: "Describe", stream: true });
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed" || event.type === "response.incomplete") completed = event.response;
    }
    expect(text).toBe("A red pixel.");
    expect(completed?.usage).toMatchObject({ input_tokens: 59, output_tokens: 4, input_tokens_details: { cached_tokens: 50 } });
    expect((await requestsFor(streamedId))[0]?.path).toBe(`/model/${encodeURIComponent(streamedId)}/converse-stream`);

    const toolId = await script([TOOL_ANSWER]);
    const res = await openai.responses.create({
      model: `amazon_bedrock/${toolId}`,
      input: "Look it up",
      tools: [{ type: "function", name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } }, strict: false }],
      tool_choice: "required",
    });
    expect(res.output).toEqual([expect.objectContaining({ type: "function_call", call_id: "tooluse_e2e", name: "lookup", arguments: '{"q":"tracegate"}' })]);
    expect(res.usage).toMatchObject({ input_tokens: 50, output_tokens: 8 });
    expect((await requestsFor(toolId))[0]?.body).toMatchObject({ toolConfig: { toolChoice: { any: {} } } });
  });
});

describe("the Anthropic SDK reaches Bedrock", () => {
  it("streamed: text, max_tokens stop, usage with the cache reads apart", async () => {
    const modelId = await script([{ frames: TEXT_FRAMES }]);
    const message = await anthropic.messages.stream({ model: `amazon_bedrock/${modelId}`, max_tokens: 4, messages: [{ role: "user", content: "Describe" }] }).finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: "A red pixel." })]);
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 4, cache_read_input_tokens: 50 });
    const [seen] = await requestsFor(modelId);
    expect(seen?.body).toMatchObject({ inferenceConfig: { maxTokens: 4 } });
  });

  it("not streamed: a tool use with its input, cache writes as cache_creation_input_tokens", async () => {
    const modelId = await script([TOOL_ANSWER]);
    const message = await anthropic.messages.create({
      model: `amazon_bedrock/${modelId}`,
      max_tokens: 100,
      messages: [{ role: "user", content: "Look it up" }],
      tools: [{ name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
    });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([expect.objectContaining({ type: "tool_use", id: "tooluse_e2e", name: "lookup", input: { q: "tracegate" } })]);
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 8, cache_creation_input_tokens: 30 });
  });

  it("a ThrottlingException reaches the client as its 429 RateLimitError", async () => {
    const modelId = await script([{ status: 429, headers: { "x-amzn-errortype": "ThrottlingException:" }, json: { message: "Rate exceeded" } }]);
    const err = await anthropic.messages.create({ model: `amazon_bedrock/${modelId}`, max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
  });
});
