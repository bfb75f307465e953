import { describe, expect, it } from "vitest";
import { requestApp } from "../helpers/request";
import { callGateway, LOOPBACK_ENV, receivedFor, scriptAnswer, SPAN_KIND, spansOf, traceIdOf } from "../loopback/client";

// The routes beside chat: embeddings and Anthropic's token count through the exchange pipeline to the loopback
// provider, and the model lookups in both APIs' shapes.

const EMBEDDINGS_ANSWER =
  '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5,0.125]}],"model":"emb-2024","usage":{"prompt_tokens":4,"total_tokens":4}}';

describe("POST /v1/embeddings", () => {
  it("passes the request to the provider's /embeddings and its answer back as it is, with an embeddings span", async () => {
    const model = await scriptAnswer({ body: EMBEDDINGS_ANSWER, headers: { "x-request-id": "req_emb" } });
    const res = await callGateway("/v1/embeddings", { model: `openai/${model}`, input: "hello", encoding_format: "float" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(EMBEDDINGS_ANSWER);
    expect(res.headers.get("x-request-id")).toBe("req_emb");
    const got = await receivedFor(model);
    expect(got.path).toBe("/v1/embeddings");
    expect(got.body).toEqual({ model, input: "hello", encoding_format: "float" });
    expect(got.headers.authorization).toBe("Bearer sk-loopback");
    const call = (await spansOf(traceIdOf(res), 2)).find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(call?.name).toBe(`embeddings ${model}`);
    expect(call?.attributes).toMatchObject({
      "gen_ai.operation.name": "embeddings",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": model,
      "gen_ai.request.encoding_formats": ["float"],
      "gen_ai.response.model": "emb-2024",
      "gen_ai.usage.input_tokens": 4,
      "gen_ai.embeddings.dimension.count": 3,
      "server.address": "127.0.0.1",
    });
    expect(call?.attributes["gen_ai.request.max_tokens"]).toBeUndefined();
  });

  it("records the requested dimensions", async () => {
    const model = await scriptAnswer({ body: EMBEDDINGS_ANSWER });
    const res = await callGateway("/v1/embeddings", { model: `openai/${model}`, input: ["a", "b"], dimensions: 3 });
    const call = (await spansOf(traceIdOf(res), 2)).find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(call?.attributes["gen_ai.embeddings.dimension.count"]).toBe(3);
  });

  it("a model whose provider has no embeddings is a 400 naming it, and the provider is not called", async () => {
    const model = await scriptAnswer({ body: EMBEDDINGS_ANSWER });
    const res = await callGateway("/v1/embeddings", { model: `anthropic/${model}`, input: "hello" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; param: string } };
    expect(body.error.message).toContain(`model "anthropic/${model}" has no embeddings`);
    expect(body.error.param).toBe("model");
    await expect(receivedFor(model)).rejects.toThrow();
  });

  it("a malformed answer is a 502 naming the field", async () => {
    const model = await scriptAnswer({ body: '{"object":"list","data":[{"index":0,"embedding":{}}]}' });
    const res = await callGateway("/v1/embeddings", { model: `openai/${model}`, input: "hello" });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("data[0].embedding: expected an array of numbers or base64 text");
  });

  it("a bad body is a 400 naming the field", async () => {
    const res = await callGateway("/v1/embeddings", { model: "openai/x", input: 5 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe("input");
  });

  it("the provider's 429 reaches the client with its Retry-After", async () => {
    const body = JSON.stringify({ error: { message: "slow down", type: "rate_limit_error", param: null, code: null } });
    const model = await scriptAnswer({ status: 429, body, headers: { "retry-after": "2" } });
    const res = await callGateway("/v1/embeddings", { model: `openai/${model}`, input: "hello" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await res.text()).toBe(body);
  });
});

describe("POST /v1/messages/count_tokens", () => {
  it("passes the request to an Anthropic provider's /messages/count_tokens", async () => {
    const model = await scriptAnswer({ body: '{"input_tokens":14}', headers: { "request-id": "req_ct" } });
    const request = { model: `anthropic/${model}`, messages: [{ role: "user", content: "hi" }], system: "be brief" };
    const res = await callGateway("/v1/messages/count_tokens", request, { "anthropic-version": "2023-06-01" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input_tokens: 14 });
    expect(res.headers.get("request-id")).toBe("req_ct");
    const got = await receivedFor(model);
    expect(got.path).toBe("/v1/messages/count_tokens");
    expect(got.body).toEqual({ ...request, model });
    expect(got.headers["x-api-key"]).toBe("sk-ant-loopback");
    expect(got.headers["anthropic-version"]).toBe("2023-06-01");
    const call = (await spansOf(traceIdOf(res), 2)).find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(call?.name).toBe(`count_tokens ${model}`);
    expect(call?.attributes["gen_ai.provider.name"]).toBe("anthropic");
  });

  it("a model of an OpenAI-interface provider is a 400 in Anthropic's envelope", async () => {
    const res = await callGateway("/v1/messages/count_tokens", { model: "openai/gpt-x", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain('model "openai/gpt-x" has no token count');
  });

  it("the provider's 429 reaches the client with its Retry-After", async () => {
    const body = JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "slow down" } });
    const model = await scriptAnswer({ status: 429, body, headers: { "retry-after": "2" } });
    const res = await callGateway("/v1/messages/count_tokens", { model: `anthropic/${model}`, messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
  });
});

describe("GET /v1/models", () => {
  const get = (path: string, headers: Record<string, string> = {}) => requestApp(path, { headers }, LOOPBACK_ENV);
  const CONFIG = JSON.stringify({
    model_providers: [{ model: "mock/echo" }, { model: "openai/*", base_url: "http://127.0.0.1:9/v1" }],
    model_aliases: { fast: { target: "mock/echo" } },
    auth: "none",
  });
  const deployed = "2026-03-04T05:06:07.000Z";
  const env = { GATEWAY_CONFIG: CONFIG, CF_VERSION_METADATA: { id: "v1", tag: "", timestamp: deployed } };
  const withConfig = (path: string, headers: Record<string, string> = {}) => requestApp(path, { headers }, env);

  it("lists in Anthropic's shape for a client sending anthropic-version; created_at is the deploy's upload time", async () => {
    const res = await withConfig("/v1/models", { "anthropic-version": "2023-06-01" });
    expect(await res.json()).toEqual({
      data: [
        { type: "model", id: "mock/echo", display_name: "mock/echo", created_at: deployed },
        { type: "model", id: "fast", display_name: "fast", created_at: deployed },
      ],
      has_more: false,
      first_id: "mock/echo",
      last_id: "fast",
    });
    const openai = (await (await withConfig("/v1/models")).json()) as { data: { created: number }[] };
    expect(openai.data[0]?.created).toBe(Date.parse(deployed) / 1000);
  });

  it("GET /v1/models/{id}: a configured model, an alias, a model a wildcard serves (encoded or not)", async () => {
    expect(await (await withConfig("/v1/models/mock/echo")).json()).toEqual({
      id: "mock/echo",
      object: "model",
      created: Date.parse(deployed) / 1000,
      owned_by: "mock",
    });
    expect(await (await withConfig("/v1/models/fast", { "anthropic-version": "2023-06-01" })).json()).toEqual({
      type: "model",
      id: "fast",
      display_name: "fast",
      created_at: deployed,
    });
    expect(((await (await withConfig("/v1/models/openai%2Fgpt-4o")).json()) as { id: string }).id).toBe("openai/gpt-4o");
  });

  it("an unknown model is a 404 in the client's API envelope", async () => {
    const openai = await withConfig("/v1/models/nope");
    expect(openai.status).toBe(404);
    expect(((await openai.json()) as { error: { message: string } }).error.message).toBe('model "nope" does not exist');
    const anthropic = await withConfig("/v1/models/nope", { "anthropic-version": "2023-06-01" });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toEqual({ type: "error", error: { type: "not_found_error", message: 'model "nope" does not exist' } });
    expect((await get("/v1/models/openai/")).status).toBe(404);
  });
});
