import { describe, expect, it } from "vitest";
import { ADAPTERS } from "../../../src/providers/adapters";
import { requestApp } from "../helpers/request";
import { completionText, LOOPBACK_PROVIDER, receivedFor, scriptAnswer, sse } from "../loopback/client";

// What the provider's request carries: the content type and accept, the interface's fixed headers, the client's
// headers of the provider's own API, the configured `headers` and the key. A request that adds nothing of its own
// is sent a provider's record made once (upstream-headers.ts): nothing of one request's headers reaches another's.

const ENV = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [
      { model: "openai/*", base_url: LOOPBACK_PROVIDER, access_key: "sk-loopback", headers: { "X-Team": "blue", "OpenAI-Project": "configured" } },
      { model: "anthropic/*", base_url: LOOPBACK_PROVIDER, access_key: "sk-ant-loopback" },
    ],
    auth: "none",
  }),
};

const ANTHROPIC_ANSWER = JSON.stringify({
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "hi" }],
  stop_reason: "end_turn",
  usage: { input_tokens: 1, output_tokens: 1 },
});

async function send(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const init = { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
  const res = await requestApp(path, init, ENV);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

async function chat(headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const model = await scriptAnswer(
    extra.stream === true ? { body: sse([{ data: { id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [] } }, { data: "[DONE]" }]) } : { body: completionText("hi") },
  );
  await send("/v1/chat/completions", { model: `openai/${model}`, messages: [{ role: "user", content: "hi" }], ...extra }, headers);
  return (await receivedFor(model)).headers;
}

describe("the provider's request headers", () => {
  it("a plain request: content type, accept, configured headers (lower-cased) and the key", async () => {
    const got = await chat();
    expect(got).toMatchObject({
      "content-type": "application/json",
      accept: "application/json",
      "x-team": "blue",
      "openai-project": "configured",
      authorization: "Bearer sk-loopback",
    });
    expect(got["openai-organization"]).toBeUndefined();
  });

  it("a stream asks for text/event-stream", async () => {
    expect((await chat({}, { stream: true })).accept).toBe("text/event-stream");
    // The plain record of the same provider is unchanged by it.
    expect((await chat()).accept).toBe("application/json");
  });

  it("forwards the client's headers of the provider's API, the configured ones winning; the next request has none of them", async () => {
    const forwarded = await chat({ "OpenAI-Organization": "org-client", "OpenAI-Project": "client-project" });
    expect(forwarded["openai-organization"]).toBe("org-client");
    expect(forwarded["openai-project"]).toBe("configured");
    expect(forwarded.authorization).toBe("Bearer sk-loopback");
    const after = await chat();
    expect(after["openai-organization"]).toBeUndefined();
    expect(after["openai-project"]).toBe("configured");
  });

  it("does not forward one API's headers to a provider of the other", async () => {
    const model = await scriptAnswer({ body: ANTHROPIC_ANSWER });
    await send("/v1/chat/completions", { model: `anthropic/${model}`, messages: [{ role: "user", content: "hi" }] }, { "openai-organization": "org-client" });
    const got = (await receivedFor(model)).headers;
    expect(got["openai-organization"]).toBeUndefined();
    expect(got["x-api-key"]).toBe("sk-ant-loopback");
    expect(got["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(got["anthropic-version"]).toBe(ADAPTERS.anthropic.fixedHeaders["anthropic-version"]);
  });

  it("an Anthropic client's anthropic-version and anthropic-beta reach an Anthropic provider", async () => {
    const model = await scriptAnswer({ body: ANTHROPIC_ANSWER });
    const body = { model: `anthropic/${model}`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    await send("/v1/messages", body, { "anthropic-version": "2023-01-01", "anthropic-beta": "tools-2024" });
    const got = (await receivedFor(model)).headers;
    expect(got["anthropic-version"]).toBe("2023-01-01");
    expect(got["anthropic-beta"]).toBe("tools-2024");
    expect(got["x-api-key"]).toBe("sk-ant-loopback");
  });
});
