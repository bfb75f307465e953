import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRetryProvider, type RetryProvider } from "./harness/retry-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// Model names a client can send to a wildcard route (issue 11 D6): a name the gateway could not put in its
// `x-tracegate-model` header must be refused before the provider is called, not fail after it was billed.
let provider: RetryProvider;
let gateway: DevServer;

beforeAll(async () => {
  provider = await startRetryProvider();
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "up/*", provider_interface: "openai", base_url: provider.url }],
      auth: "none",
    }),
  });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
});

const ROUTES = [
  { path: "/v1/chat/completions", body: {} },
  { path: "/v1/messages", body: { max_tokens: 5 } },
] as const;

async function send(path: string, body: Record<string, unknown>) {
  const res = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, messages: [{ role: "user", content: "hi" }] }),
  });
  const text = await res.text();
  return { status: res.status, json: (res.status === 200 ? {} : JSON.parse(text)) as Record<string, unknown> };
}

describe("model names with control characters or no end (D6)", () => {
  const names = ["up/forever\nx", "up/x\r\nSet-Cookie: pwn=1", "up/a\u0000b", "up/tab\there", "up/é", `up/${"m".repeat(300)}`];

  for (const route of ROUTES) {
    for (const stream of [true, false]) {
      it(`${route.path}${stream ? " (stream)" : ""}: 400 naming model, and the provider is not called`, async () => {
        const before = provider.calls.length;
        for (const model of names) {
          const { status, json } = await send(route.path, { ...route.body, model, stream });
          expect(status, JSON.stringify(model)).toBe(400);
          const error = json.error as { message: string; param?: string };
          expect(error.message).toMatch(/^model: /);
          if (route.path === "/v1/chat/completions") expect(error.param).toBe("model");
        }
        expect(provider.calls.length).toBe(before);
        // A printable name still reaches the provider.
        expect((await send(route.path, { ...route.body, model: "up/fine-model", stream })).status).toBe(200);
        expect(provider.calls.length).toBe(before + 1);
      });
    }
  }
});
