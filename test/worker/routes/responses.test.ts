import { env as workerEnv } from "cloudflare:workers";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { requestApp } from "../helpers/request";
import {
  LOOPBACK_COLLECTOR,
  LOOPBACK_PROVIDER,
  receivedBy,
  scriptAnswer,
  spansOf,
  sse,
  SPAN_KIND,
  traceIdOf,
} from "../loopback/client";

// POST /v1/responses through the app against the scripted provider on loopback: passed through to a provider that
// serves the Responses API (openai), translated for an OpenAI-compatible chat server (groq) and for Anthropic, with
// the conversation store (the RESPONSES_STORE Durable Object) behind previous_response_id.

const KEYS = { ALICE_KEY: "tg-alice-key-000000", BOB_KEY: "tg-bob-key-11111111" };
const ENV = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [
      { model: "openai/*", base_url: LOOPBACK_PROVIDER, access_key: "sk-loopback" },
      { model: "groq/*", base_url: LOOPBACK_PROVIDER, access_key: "gsk-loopback" },
      { model: "anthropic/*", base_url: LOOPBACK_PROVIDER, access_key: "sk-ant-loopback" },
    ],
    auth: { keys: [{ name: "alice", key: "$ALICE_KEY" }, { name: "bob", key: "$BOB_KEY" }] },
    tracing: { random_sampling: 100, exporters: [{ endpoint: `${LOOPBACK_COLLECTOR}/v1/traces`, protocol: "http/json" }] },
  }),
  ...KEYS,
  RESPONSES_STORE: (workerEnv as { RESPONSES_STORE?: unknown }).RESPONSES_STORE,
};

function post(body: unknown, key = KEYS.ALICE_KEY): Promise<Response> {
  return requestApp(
    "/v1/responses",
    { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) },
    ENV,
  );
}

/** SSE text -> its events' JSON, in order. */
function eventsOf(text: string): { type: string; [key: string]: unknown }[] {
  return text
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => JSON.parse(block.slice(block.indexOf("data: ") + 6)) as { type: string });
}

const chatAnswer = (content: string) =>
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "llama",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 } },
  });

const anthropicAnswer = (text: string) =>
  JSON.stringify({
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 9, output_tokens: 4, cache_read_input_tokens: 1 },
  });

describe("POST /v1/responses, passed through to a provider serving the Responses API", () => {
  const nativeResponse = {
    id: "resp_upstream_1",
    object: "response",
    created_at: 1,
    status: "completed",
    model: "gpt-5-mini",
    output: [{ type: "message", id: "msg_u", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hi", annotations: [] }] }],
    usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 6 },
  };

  it("sends the body to /responses with store and previous_response_id, and answers the provider's response", async () => {
    const model = await scriptAnswer({ body: JSON.stringify(nativeResponse) });
    const body = { model: `openai/${model}`, input: "Hello", store: true, previous_response_id: "resp_upstream_0" };
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(nativeResponse);
    const [sent] = await receivedBy(model);
    expect(sent?.path).toBe("/v1/responses");
    expect(sent?.body).toEqual({ ...body, model });
    const spans = await spansOf(traceIdOf(res), 2);
    const client = spans.find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(client?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "openai.api.type": "responses",
      "gen_ai.response.id": "resp_upstream_1",
      "gen_ai.response.finish_reasons": ["completed"],
      "gen_ai.usage.input_tokens": 5,
      "gen_ai.usage.output_tokens": 1,
    });
  });

  it("passes the provider's stream through event by event", async () => {
    const events = [
      { event: "response.created", data: { type: "response.created", sequence_number: 0, response: { ...nativeResponse, status: "in_progress", output: [] } } },
      { event: "response.output_text.delta", data: { type: "response.output_text.delta", sequence_number: 1, item_id: "msg_u", output_index: 0, content_index: 0, delta: "Hi" } },
      { event: "response.completed", data: { type: "response.completed", sequence_number: 2, response: nativeResponse } },
    ];
    const model = await scriptAnswer({ body: sse(events) });
    const res = await post({ model: `openai/${model}`, input: "Hello", stream: true });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toBe(sse(events));
  });

  it("ends a provider stream cut short with an error event", async () => {
    const created = { type: "response.created", sequence_number: 0, response: { ...nativeResponse, status: "in_progress", output: [] } };
    const model = await scriptAnswer({ body: sse([{ event: "response.created", data: created }]) });
    const events = eventsOf(await (await post({ model: `openai/${model}`, input: "Hello", stream: true })).text());
    expect(events.map((e) => e.type)).toEqual(["response.created", "error"]);
    expect(events[1]).toMatchObject({ code: "upstream_error", message: expect.stringContaining("truncated") });
  });
});

describe("POST /v1/responses, translated", () => {
  it("answers a chat-completions server's answer as a response object", async () => {
    const model = await scriptAnswer({ body: chatAnswer("Hello there") });
    const res = await post({ model: `groq/${model}`, instructions: "Be brief.", input: "Hi", max_output_tokens: 50 });
    expect(res.status).toBe(200);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      object: "response",
      status: "completed",
      model: `groq/${model}`,
      output_text: "Hello there",
      usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 2 }, output_tokens: 3 },
    });
    expect(String(json.id)).toMatch(/^resp_[0-9a-f]{48}$/);
    const [sent] = await receivedBy(model);
    expect(sent?.path).toBe("/openai/v1/chat/completions"); // groq's API prefix
    expect(sent?.body).toMatchObject({
      model,
      max_tokens: 50,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
  });

  it("streams an Anthropic stream as the Responses event sequence", async () => {
    const model = await scriptAnswer({
      body: sse([
        { event: "message_start", data: { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 1 } } } },
        { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
        { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Bonjour" } } },
        { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
        { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } } },
        { event: "message_stop", data: { type: "message_stop" } },
      ]),
    });
    const res = await post({ model: `anthropic/${model}`, input: "Hello", stream: true });
    const events = eventsOf(await res.text());
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.at(-1)).toMatchObject({
      response: { status: "completed", output_text: "Bonjour", usage: { input_tokens: 7, output_tokens: 2 } },
    });
    const [sent] = await receivedBy(model);
    expect(sent?.path).toBe("/v1/messages");
    expect(sent?.body).toMatchObject({ model, stream: true, messages: [{ role: "user", content: "Hello" }] });
  });

  it("refuses a built-in tool with a 400 naming it, in the OpenAI error envelope", async () => {
    const model = await scriptAnswer({ body: chatAnswer("x") });
    const res = await post({ model: `groq/${model}`, input: "x", tools: [{ type: "web_search" }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", param: "tools[0].type" } });
  });
});

describe("POST /v1/responses: previous_response_id kept by tracegate", () => {
  it("continues a conversation with an Anthropic model, per client (openai SDK as the caller)", async () => {
    const model = await scriptAnswer({ body: anthropicAnswer("Noted.") });
    const client = (key: string) =>
      new OpenAI({
        apiKey: key,
        baseURL: "http://localhost/v1",
        fetch: (url, init) => requestApp(String(url).replace("http://localhost", ""), init, ENV),
      });
    const alice = client(KEYS.ALICE_KEY);
    const first = await alice.responses.create({ model: `anthropic/${model}`, input: "My name is Ada.", instructions: "Be brief." });
    expect(first.output_text).toBe("Noted.");
    const second = await alice.responses.create({ model: `anthropic/${model}`, input: "What is my name?", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    const third = await alice.responses.create({ model: `anthropic/${model}`, input: "And again?", previous_response_id: second.id });
    const sent = await receivedBy(model);
    expect(sent.map((r) => r.body.messages)).toEqual([
      [{ role: "user", content: "My name is Ada." }],
      [
        { role: "user", content: "My name is Ada." },
        { role: "assistant", content: "Noted." },
        { role: "user", content: "What is my name?" },
      ],
      [
        { role: "user", content: "My name is Ada." },
        { role: "assistant", content: "Noted." },
        { role: "user", content: "What is my name?" },
        { role: "assistant", content: "Noted." },
        { role: "user", content: "And again?" },
      ],
    ]);
    // Instructions are not carried over (as the Responses API does).
    expect(sent[1]?.body.system).toBeUndefined();
    expect(third.status).toBe("completed");

    const bob = client(KEYS.BOB_KEY);
    const stolen = bob.responses.create({ model: `anthropic/${model}`, input: "Hi", previous_response_id: first.id });
    await expect(stolen).rejects.toMatchObject({ status: 404, param: "previous_response_id" });
    expect(await receivedBy(model)).toHaveLength(3);
  });

  it("records the conversation id (the chain's first response) on the CLIENT span", async () => {
    const model = await scriptAnswer({ body: chatAnswer("ok") });
    const first = (await (await post({ model: `groq/${model}`, input: "one" })).json()) as { id: string };
    const second = await post({ model: `groq/${model}`, input: "two", previous_response_id: first.id });
    const spans = await spansOf(traceIdOf(second), 2);
    expect(spans.find((s) => s.kind === SPAN_KIND.CLIENT)?.attributes["gen_ai.conversation.id"]).toBe(first.id);
  });

  it("stores nothing for store: false", async () => {
    const model = await scriptAnswer({ body: chatAnswer("ok") });
    const first = (await (await post({ model: `groq/${model}`, input: "one", store: false })).json()) as { id: string; store: boolean };
    expect(first.store).toBe(false);
    const next = await post({ model: `groq/${model}`, input: "two", previous_response_id: first.id });
    expect(next.status).toBe(404);
    expect(await next.json()).toMatchObject({ error: { param: "previous_response_id", code: "not_found" } });
  });

  it("resolves item_reference inputs from the client's stored responses (as the AI SDK sends them with store on)", async () => {
    const model = await scriptAnswer({ body: chatAnswer("Paris is sunny.") });
    const first = (await (await post({ model: `groq/${model}`, input: "Weather?" })).json()) as { output: { id: string }[] };
    const itemId = first.output[0]?.id ?? "";
    expect(itemId).toMatch(/^msg_/);
    const input = [{ role: "user", content: "Weather?" }, { type: "item_reference", id: itemId }, { role: "user", content: "Thanks" }];
    expect((await post({ model: `groq/${model}`, input })).status).toBe(200);
    expect((await receivedBy(model))[1]?.body.messages).toEqual([
      { role: "user", content: "Weather?" },
      { role: "assistant", content: "Paris is sunny." },
      { role: "user", content: "Thanks" },
    ]);
    const stolen = await post({ model: `groq/${model}`, input }, KEYS.BOB_KEY);
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toMatchObject({ error: { param: "input[1].id" } });
  });

  it("answers GET /v1/responses/{id} for the client's stored response, and DELETE removes it", async () => {
    const model = await scriptAnswer({ body: chatAnswer("kept") });
    const created = (await (await post({ model: `groq/${model}`, input: "x" })).json()) as { id: string };
    const request = (method: string, key: string) =>
      requestApp(`/v1/responses/${created.id}`, { method, headers: { authorization: `Bearer ${key}` } }, ENV);
    const got = await request("GET", KEYS.ALICE_KEY);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id: created.id, output_text: "kept" });
    expect((await request("GET", KEYS.BOB_KEY)).status).toBe(404);
    expect((await request("DELETE", KEYS.BOB_KEY)).status).toBe(404);
    const deleted = await request("DELETE", KEYS.ALICE_KEY);
    expect(await deleted.json()).toEqual({ id: created.id, object: "response.deleted", deleted: true });
    expect((await request("GET", KEYS.ALICE_KEY)).status).toBe(404);
  });

  it("hands a provider's 429 on with its retry-after, passed through and translated", async () => {
    const error = { error: { message: "slow down", type: "rate_limit_error", param: null, code: null } };
    for (const prefix of ["openai", "groq"]) {
      const model = await scriptAnswer({ status: 429, headers: { "retry-after": "3" }, body: JSON.stringify(error) });
      const res = await post({ model: `${prefix}/${model}`, input: "x" });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("3");
      expect(await res.json()).toMatchObject({ error: { message: "slow down", type: "rate_limit_error" } });
    }
  });

  it("turns reasoning.effort into Anthropic thinking (the chat translation's table) and thinking into a reasoning item", async () => {
    const answer = {
      id: "msg_2",
      type: "message",
      role: "assistant",
      model: "claude",
      content: [
        { type: "thinking", thinking: "Let me think.", signature: "sig" },
        { type: "text", text: "42" },
      ],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 4 },
    };
    const model = await scriptAnswer({ body: JSON.stringify(answer) });
    const res = await post({ model: `anthropic/${model}`, input: "Why?", reasoning: { effort: "low", summary: "auto" } });
    expect(await res.json()).toMatchObject({
      output: [
        { type: "reasoning", summary: [{ type: "summary_text", text: "Let me think." }] },
        { type: "message", content: [{ type: "output_text", text: "42" }] },
      ],
      output_text: "42",
    });
    const [sent] = await receivedBy(model);
    expect(sent?.body.thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
  });
});
