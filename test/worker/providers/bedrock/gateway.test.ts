import { describe, expect, inject, it } from "vitest";
import type { BedrockAnswer, FrameSpec, RecordedRequest } from "../../../fixtures/bedrock/mock-bedrock";
import { PNG } from "../../../fixtures/translate";
import { requestApp } from "../../helpers/request";
import { SPAN_KIND, spansOf, traceIdOf } from "../../loopback/client";

// The gateway (in workerd) against the mock Bedrock runtime on loopback: what reaches Bedrock (URL, SigV4 or bearer
// auth, Converse body) and what the client gets back in its own API, streamed and not.
const bedrock = inject("loopbackBedrock");
const collector = inject("loopbackCollector");

const ENV = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "session-token-1",
  AWS_BEARER_TOKEN_BEDROCK: "bedrock-api-key-1",
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [
      {
        model: "amazon_bedrock/*",
        base_url: bedrock,
        region: "us-west-2",
        access_key: "$AWS_ACCESS_KEY_ID",
        aws_secret_access_key: "$AWS_SECRET_ACCESS_KEY",
        aws_session_token: "$AWS_SESSION_TOKEN",
        retry: { attempts: 2, backoff_ms: 10 },
      },
      { model: "amazon_bedrock/bearer.model-v1:0", name: "bedrock-bearer", base_url: bedrock, access_key: "$AWS_BEARER_TOKEN_BEDROCK" },
    ],
    auth: "none",
    tracing: { random_sampling: 100, exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }] },
  }),
};

let next = 0;
/** A fresh model id (with Bedrock's `:` version suffix) whose next answers are scripted. */
async function script(answers: BedrockAnswer[], modelId = `anthropic.claude-test-${Date.now().toString(36)}-${next++}-v1:0`): Promise<string> {
  const res = await fetch(`${bedrock}/script`, { method: "POST", body: JSON.stringify({ modelId, answers }) });
  expect(res.status).toBe(204);
  return modelId;
}

async function requestsFor(modelId: string): Promise<RecordedRequest[]> {
  return (await (await fetch(`${bedrock}/requests?model=${encodeURIComponent(modelId)}`)).json()) as RecordedRequest[];
}

function call(path: "/v1/chat/completions" | "/v1/messages", body: unknown): Promise<Response> {
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  return requestApp(path, init, ENV);
}

const USAGE = { inputTokens: 12, outputTokens: 5, totalTokens: 117, cacheReadInputTokens: 80, cacheWriteInputTokens: 20 };

const TEXT_ANSWER: BedrockAnswer = {
  json: { output: { message: { role: "assistant", content: [{ text: "Hello from Bedrock." }] } }, stopReason: "end_turn", usage: USAGE, metrics: { latencyMs: 40 } },
};

const TOOL_FRAMES: FrameSpec[] = [
  { event: "messageStart", payload: { role: "assistant" } },
  { event: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "Looking it up." } } },
  { event: "contentBlockStop", payload: { contentBlockIndex: 0 } },
  { event: "contentBlockStart", payload: { contentBlockIndex: 1, start: { toolUse: { toolUseId: "tooluse_w1", name: "get_weather" } } } },
  { event: "contentBlockDelta", payload: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
  { event: "contentBlockDelta", payload: { contentBlockIndex: 1, delta: { toolUse: { input: '"Lyon"}' } } } },
  { event: "contentBlockStop", payload: { contentBlockIndex: 1 } },
  { event: "messageStop", payload: { stopReason: "tool_use" } },
  { event: "metadata", payload: { usage: USAGE, metrics: { latencyMs: 50 } } },
];

const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

describe("Bedrock through the gateway: what reaches Bedrock", () => {
  it("a Chat Completions request goes to /model/{id}/converse, SigV4-signed with the session token, as Converse", async () => {
    const modelId = await script([TEXT_ANSWER]);
    const res = await call("/v1/chat/completions", {
      model: `amazon_bedrock/${modelId}`,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
      ],
      max_tokens: 64,
      temperature: 0.5,
    });
    expect(res.status).toBe(200);
    const [seen] = await requestsFor(modelId);
    expect(seen?.path).toBe(`/model/${modelId.replace(":", "%3A")}/converse`);
    expect(seen?.headers["content-type"]).toBe("application/json");
    expect(seen?.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(seen?.headers["x-amz-security-token"]).toBe("session-token-1");
    const signed = SIGV4.exec(seen?.headers.authorization ?? "");
    expect(signed?.[1]?.split(";")).toEqual(expect.arrayContaining(["host", "x-amz-date", "x-amz-security-token", "traceparent"]));
    expect(seen?.body).toEqual({
      messages: [{ role: "user", content: [{ text: "What is this?" }, { image: { format: "png", source: { bytes: PNG } } }] }],
      system: [{ text: "Be brief." }],
      inferenceConfig: { maxTokens: 64, temperature: 0.5 },
    });
  });

  it("an entry with only access_key sends it as a Bedrock API key (Authorization: Bearer), unsigned", async () => {
    const modelId = await script([TEXT_ANSWER], "bearer.model-v1:0");
    const res = await call("/v1/chat/completions", { model: "bedrock-bearer", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    const [seen] = await requestsFor(modelId);
    expect(seen?.headers.authorization).toBe("Bearer bedrock-api-key-1");
    expect(seen?.headers["x-amz-date"]).toBeUndefined();
  });
});

describe("Bedrock through the gateway: answers in the client's API", () => {
  it("Chat Completions, not streamed: text, stop, usage with the cache tokens; a CLIENT span named aws.bedrock", async () => {
    const modelId = await script([TEXT_ANSWER]);
    const res = await call("/v1/chat/completions", { model: `amazon_bedrock/${modelId}`, messages: [{ role: "user", content: "hi" }] });
    const body = (await res.json()) as Record<string, any>;
    expect(body.choices[0].message.content).toBe("Hello from Bedrock.");
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage).toMatchObject({ prompt_tokens: 112, completion_tokens: 5, total_tokens: 117, prompt_tokens_details: { cached_tokens: 80 } });
    const spans = await spansOf(traceIdOf(res), 2);
    const client = spans.find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(client?.attributes).toMatchObject({
      "gen_ai.provider.name": "aws.bedrock",
      "gen_ai.request.model": modelId,
      "gen_ai.usage.input_tokens": 112,
      "gen_ai.usage.output_tokens": 5,
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(bedrock).port),
    });
  });

  it("Messages, streamed: a tool use as Anthropic events, stop_reason tool_use, cache tokens apart", async () => {
    const modelId = await script([{ frames: TOOL_FRAMES }]);
    const res = await call("/v1/messages", { model: `amazon_bedrock/${modelId}`, max_tokens: 100, stream: true, messages: [{ role: "user", content: "Weather in Lyon?" }] });
    expect(res.status).toBe(200);
    const events = (await res.text()).split("\n\n").filter((e) => e.includes("data: ")).map((e) => JSON.parse(e.slice(e.indexOf("data: ") + 6)));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    const toolStart = events.find((e) => e.type === "content_block_start" && e.content_block.type === "tool_use");
    expect(toolStart.content_block).toMatchObject({ id: "tooluse_w1", name: "get_weather" });
    const json = events.filter((e) => e.delta?.type === "input_json_delta").map((e) => e.delta.partial_json).join("");
    expect(JSON.parse(json)).toEqual({ city: "Lyon" });
    const delta = events.find((e) => e.type === "message_delta");
    expect(delta.delta.stop_reason).toBe("tool_use");
    expect(delta.usage).toMatchObject({ input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 80, cache_creation_input_tokens: 20 });
    const [seen] = await requestsFor(modelId);
    expect(seen?.path).toBe(`/model/${modelId.replace(":", "%3A")}/converse-stream`);
    expect(seen?.headers.accept).toBe("application/vnd.amazon.eventstream");
  });
});

describe("Bedrock through the gateway: errors", () => {
  const THROTTLED: BedrockAnswer = {
    status: 429,
    headers: { "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", "retry-after": "0" },
    json: { message: "Too many requests, please wait before trying again." },
  };

  it("a ThrottlingException (429) is retried per the entry's policy, then answered", async () => {
    const modelId = await script([THROTTLED, TEXT_ANSWER]);
    const res = await call("/v1/chat/completions", { model: `amazon_bedrock/${modelId}`, messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(await requestsFor(modelId)).toHaveLength(2);
  });

  it("once the retries are spent, the client gets the 429 in its own API's envelope", async () => {
    const openaiModel = await script([THROTTLED]);
    const openai = await call("/v1/chat/completions", { model: `amazon_bedrock/${openaiModel}`, messages: [{ role: "user", content: "hi" }] });
    expect(openai.status).toBe(429);
    expect(((await openai.json()) as any).error.message).toBe("Too many requests, please wait before trying again.");
    const anthropicModel = await script([THROTTLED]);
    const anthropic = await call("/v1/messages", { model: `amazon_bedrock/${anthropicModel}`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(anthropic.status).toBe(429);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error", message: "Too many requests, please wait before trying again." } });
  });

  it("an exception inside the stream ends the client's stream with an error event", async () => {
    const frames: FrameSpec[] = [
      { event: "messageStart", payload: { role: "assistant" } },
      { event: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "Partial" } } },
      { exception: "modelStreamErrorException", message: "The model stopped unexpectedly." },
    ];
    const modelId = await script([{ frames }]);
    const res = await call("/v1/messages", { model: `amazon_bedrock/${modelId}`, max_tokens: 10, stream: true, messages: [{ role: "user", content: "hi" }] });
    const text = await res.text();
    expect(text).toContain("Partial");
    expect(text).toMatch(/event: error\ndata: .*The model stopped unexpectedly\./);
  });

  it("an answer past limits.max_response_bytes is a 502 naming the limit, not read to its end", async () => {
    const modelId = await script([TEXT_ANSWER]);
    const config = JSON.parse(ENV.GATEWAY_CONFIG) as Record<string, unknown>;
    const env = { ...ENV, GATEWAY_CONFIG: JSON.stringify({ ...config, limits: { max_response_bytes: 100 } }) };
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: `amazon_bedrock/${modelId}`, messages: [{ role: "user", content: "hi" }] }) };
    const res = await requestApp("/v1/chat/completions", init, env);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("exceeds the limit of 100 bytes (limits.max_response_bytes)");
  });

  it("an image link is refused with a 400 naming the field, before any call", async () => {
    const modelId = await script([TEXT_ANSWER]);
    const res = await call("/v1/chat/completions", {
      model: `amazon_bedrock/${modelId}`,
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({ param: "messages[0].content[0].image_url.url" });
    expect(await requestsFor(modelId)).toHaveLength(0);
  });
});
