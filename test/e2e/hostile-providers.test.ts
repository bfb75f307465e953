import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHostileProvider, type HostileProvider } from "./harness/hostile-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// The gateway under `wrangler dev` in front of a provider that misbehaves on purpose (issue 11's defects).
const HOSTILE_KEY = "sk-hostile-provider-key-0123456789";
let provider: HostileProvider;
let gateway: DevServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  provider = await startHostileProvider();
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "hostile/*", provider_interface: "openai", base_url: provider.url, access_key: "$HOSTILE_KEY" },
        { model: "hostile-anthropic/*", provider_interface: "anthropic", base_url: provider.url, access_key: "$HOSTILE_KEY" },
      ],
      auth: "none",
      limits: { max_response_bytes: 1024 * 1024 },
    }),
    HOSTILE_KEY,
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "client-key", maxRetries: 0 });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
});

/** The raw SSE text of a streamed chat completion through the gateway. */
async function streamText(model: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: res.status, text: await res.text() };
}

describe("a provider stream line that never ends (D3)", () => {
  it("ends the client's stream with an error event and hangs up on the provider, which kept the gateway's memory bounded", async () => {
    const { status, text } = await streamText("hostile/no-newline");
    expect(status).toBe(200);
    const last = text.trimEnd().split("\n\n").at(-1) ?? "";
    expect(JSON.parse(last.replace(/^data: /, ""))).toMatchObject({
      error: { message: expect.stringContaining("stream event over") },
    });
    const entry = provider.log.find((l) => l.model === "no-newline");
    // The provider's server sees the connection close shortly after the gateway aborted it.
    await vi.waitFor(() => expect(entry?.closedEarly).toBe(true), { timeout: 5_000 });
    expect(entry?.written).toBeLessThan(16 * 1024 * 1024);
    // The gateway still answers other requests.
    expect((await streamText("hostile/fine")).text).toContain("data: [DONE]");
  });
});

describe("a provider event with several data: lines (D10)", () => {
  it("reaches an OpenAI client as events it can parse, passed through", async () => {
    const stream = await openai.chat.completions.create({
      model: "hostile/multi-line",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello there");
  });

  it("reaches an Anthropic client translated", async () => {
    const stream = anthropic.messages.stream({
      model: "hostile/multi-line",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: "Hello there" });
  });
});

/** A POST of a JSON body to the gateway, answered in full. */
async function post(path: string, body: unknown): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

const chatBody = (model: string) => ({ model, messages: [{ role: "user", content: "the secret prompt" }] });
const messagesBody = (model: string) => ({ ...chatBody(model), max_tokens: 10 });

describe("a provider that redirects (D2)", () => {
  it("is a 502 naming no URL, and the redirect target receives neither the key nor the prompt", async () => {
    for (const [path, body] of [
      ["/v1/messages", messagesBody("hostile-anthropic/redirect")],
      ["/v1/chat/completions", chatBody("hostile/redirect")],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(502);
      expect(res.text).toContain("answered with a redirect (HTTP 307)");
      // The configured provider's host may be named; the redirect's target (on `localhost`) never is.
      expect(res.text).not.toContain("localhost");
    }
    expect(provider.redirected).toEqual([]);
  });
});

describe("a provider answer over limits.max_response_bytes (D4)", () => {
  it("is a 502 and the gateway stops reading", async () => {
    const res = await post("/v1/chat/completions", chatBody("hostile/huge"));
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text)).toMatchObject({
      error: { message: "provider answer exceeds the limit of 1048576 bytes (limits.max_response_bytes)" },
    });
    const entry = provider.log.find((l) => l.model === "huge");
    await vi.waitFor(() => expect(entry?.closedEarly).toBe(true), { timeout: 5_000 });
  });
});

describe("provider error bodies (D11)", () => {
  it("never pass on the provider key a provider echoes, natively or translated", async () => {
    for (const [path, body] of [
      ["/v1/chat/completions", chatBody("hostile/echo-headers")],
      ["/v1/messages", messagesBody("hostile-anthropic/echo-headers")],
      ["/v1/messages", messagesBody("hostile/echo-headers")],
      ["/v1/chat/completions", chatBody("hostile-anthropic/echo-headers")],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(res.type).toContain("application/json");
      expect(res.text).toContain("bad request; you sent");
      expect(res.text).toContain("[REDACTED]");
      expect(res.text).not.toContain(HOSTILE_KEY);
    }
  });

  it("an HTML error page is re-wrapped as JSON in the route's envelope, its markup not quoted", async () => {
    const chat = await post("/v1/chat/completions", chatBody("hostile/html-error"));
    expect(chat.status).toBe(502);
    expect(chat.type).toContain("application/json");
    expect(JSON.parse(chat.text)).toEqual({
      error: { message: "provider answered HTTP 502 with an HTML page", type: "server_error", param: null, code: null },
    });
    const messages = await post("/v1/messages", messagesBody("hostile-anthropic/html-error"));
    expect(messages.type).toContain("application/json");
    expect(JSON.parse(messages.text)).toEqual({
      type: "error",
      error: { type: "api_error", message: "provider answered HTTP 502 with an HTML page" },
    });
  });
});
