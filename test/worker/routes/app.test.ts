import { describe, expect, it, vi } from "vitest";
import { requestApp } from "../helpers/request";

const CONFIG = JSON.stringify({
  model_providers: [{ model: "mock/echo" }, { model: "mock/*" }],
  model_aliases: { fast: { target: "mock/echo" } },
  limits: { max_body_bytes: 2048 },
  auth: "none",
});

function post(path: string, body: unknown, env: Record<string, string> = { GATEWAY_CONFIG: CONFIG }) {
  return requestApp(
    path,
    { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) },
    env,
  );
}

const chat = (body: Record<string, unknown>) =>
  post("/v1/chat/completions", { model: "mock/echo", messages: [{ role: "user", content: "hi there" }], ...body });

describe("POST /v1/chat/completions", () => {
  it("answers from the mock provider with usage and the answering model header", async () => {
    const res = await chat({});
    expect(res.status).toBe(200);
    expect(res.headers.get("x-tracegate-model")).toBe("mock/echo");
    const body = (await res.json()) as { choices: { message: { content: string } }[]; usage: { total_tokens: number } };
    expect(body.choices[0]?.message.content).toBe("hi there");
    expect(body.usage.total_tokens).toBeGreaterThan(0);
  });

  it("streams several chunks ending with [DONE]", async () => {
    const res = await chat({ stream: true });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = (await res.text()).trim().split("\n\n");
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(events.length).toBeGreaterThanOrEqual(4);
  });

  it("400 for invalid JSON, naming nothing it cannot", async () => {
    const res = await post("/v1/chat/completions", "{not json");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", message: "request body is not valid JSON" } });
  });

  it("400 naming the missing or ill-typed field", async () => {
    const missing = await post("/v1/chat/completions", { model: "mock/echo" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { param: "messages", message: "messages: required" } });
    const wrong = await chat({ stream: "yes" });
    expect(await wrong.json()).toMatchObject({ error: { param: "stream", message: "stream: expected a boolean" } });
    const role = await post("/v1/chat/completions", { model: "mock/echo", messages: [{ content: "x" }] });
    expect(await role.json()).toMatchObject({ error: { param: "messages[0].role" } });
  });

  it("404 for an unknown model, listing the available ones", async () => {
    const res = await chat({ model: "openai/gpt-4o" });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("openai/gpt-4o");
    expect(body.error.message).toContain("mock/echo, fast");
  });

  it("413 for a body over the configured limit", async () => {
    const res = await chat({ messages: [{ role: "user", content: "x".repeat(5000) }] });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  // Bodies with a content-length are read in one native call; without one (chunked), piece by piece.
  const body = (content: string) => JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content }] });
  const send = (init: RequestInit & { headers?: Record<string, string> }) =>
    requestApp(
      "/v1/chat/completions",
      { method: "POST", ...init, headers: { "content-type": "application/json", ...init.headers } },
      { GATEWAY_CONFIG: CONFIG },
    );
  const streamOf = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });

  it("reads a body by its content-length, and a chunked body by pieces, to the same answer", async () => {
    const text = body("héllo");
    const declared = await send({ body: text, headers: { "content-length": String(new TextEncoder().encode(text).length) } });
    const chunked = await send({ body: streamOf(text), duplex: "half" } as RequestInit & { headers?: Record<string, string> });
    for (const res of [declared, chunked]) {
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ choices: [{ message: { content: "héllo" } }] });
    }
  });

  it("413 for a chunked body over the limit, and for a body longer than its declared content-length", async () => {
    const big = body("x".repeat(5000));
    const chunked = await send({ body: streamOf(big), duplex: "half" } as RequestInit & { headers?: Record<string, string> });
    expect(chunked.status).toBe(413);
    const lying = await send({ body: big, headers: { "content-length": "10" } });
    expect(lying.status).toBe(413);
    expect(await lying.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });
});

describe("POST /v1/messages", () => {
  it("answers in the Anthropic format, translated from the mock's OpenAI interface", async () => {
    const res = await post("/v1/messages", { model: "fast", max_tokens: 10, messages: [{ role: "user", content: "yo" }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: "yo" }] });
  });

  it("streams Anthropic events", async () => {
    const res = await post("/v1/messages", {
      model: "mock/echo",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "a b c" }],
    });
    const text = await res.text();
    const types = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(types).toContain("content_block_delta");
  });

  it("errors use the Anthropic envelope", async () => {
    const res = await post("/v1/messages", { model: "mock/echo", messages: [] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens: required" },
    });
  });
});

describe("config errors", () => {
  it("500 config_error naming the bad key, never a stack trace", async () => {
    const env = { GATEWAY_CONFIG: JSON.stringify({ model_providers: [{ model: "gpt-4o" }] }) };
    const res = await post("/v1/chat/completions", { model: "x", messages: [] }, env);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("config_error");
    expect(body.error.message).toContain("model_providers[0].model");
    expect(body.error.message).not.toMatch(/at .*\.ts/);
  });

  it("names the missing provider key's config path to the client, and its binding only in the log (D15)", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const env = { GATEWAY_CONFIG: JSON.stringify({ model_providers: [{ model: "openai/gpt-4o", access_key: "$NOPE_KEY" }], auth: "none" }) };
    const res = await post("/v1/chat/completions", { model: "openai/gpt-4o", messages: [{ role: "user", content: "x" }] }, env);
    expect(res.status).toBe(500);
    const message = ((await res.json()) as { error: { message: string } }).error.message;
    expect(message).toBe("model_providers[name=openai/gpt-4o].access_key is not set; the gateway's log says how to set it");
    expect(log.mock.calls.flat().join(" ")).toContain("secret NOPE_KEY is not set; set it with `wrangler secret put NOPE_KEY`");
    log.mockRestore();
  });
});

describe("GET routes", () => {
  it("/v1/models lists models and aliases", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await requestApp("/v1/models", {}, { GATEWAY_CONFIG: CONFIG });
    const created = expect.toSatisfy((t: number) => Number.isInteger(t) && t >= before && t <= Date.now() / 1000);
    expect(await res.json()).toEqual({
      object: "list",
      data: [
        { id: "mock/echo", object: "model", created, owned_by: "mock" },
        { id: "fast", object: "model", created, owned_by: "tracegate-alias" },
      ],
    });
  });

  it("/healthz answers ok", async () => {
    const res = await requestApp("/healthz", {}, { GATEWAY_CONFIG: CONFIG });
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("unknown routes get a 404 in the OpenAI envelope", async () => {
    const res = await requestApp("/nope", {}, { GATEWAY_CONFIG: CONFIG });
    expect(res.status).toBe(404);
  });

  it("has no W3C conformance route (only the test Worker in test/conformance/ mounts it)", async () => {
    const body = JSON.stringify([{ url: "http://127.0.0.1:9/", arguments: [] }]);
    const res = await requestApp("/v1/_conformance/tracecontext", { method: "POST", body }, { GATEWAY_CONFIG: CONFIG });
    expect(res.status).toBe(404);
  });
});
