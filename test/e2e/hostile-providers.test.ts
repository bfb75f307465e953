import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHostileProvider, type HostileProvider } from "./harness/hostile-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// The gateway under `wrangler dev` in front of a provider that misbehaves on purpose (issue 11's defects).
let provider: HostileProvider;
let gateway: DevServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  provider = await startHostileProvider();
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "hostile/*", provider_interface: "openai", base_url: provider.url }],
      auth: "none",
    }),
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
    expect(entry?.closedEarly).toBe(true);
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
