import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startOtlpReceiver, type OtlpReceiver } from "./harness/otlp-receiver";
import { freePort } from "../../scripts/free-port.mjs";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// Keys travel through every path — success, provider errors, retries, fallbacks, streams, bad client keys,
// unreachable providers — with content capture on; none may show up in a span, a log line or a response.
const SECRETS = {
  OPENAI_KEY: "sk-openai-SECRET-provider-0001",
  ANTHROPIC_KEY: "sk-ant-SECRET-provider-0002",
  CLIENT_KEY: "tg-client-SECRET-0003",
};
const PASSTHROUGH_KEY = "sk-user-own-SECRET-0004";
const WRONG_KEY = "tg-wrong-SECRET-0005";
const ALL = [...Object.values(SECRETS), PASSTHROUGH_KEY, WRONG_KEY];

let provider: MockProvider;
let receiver: OtlpReceiver;
let gateway: DevServer;
const responses: string[] = [];

beforeAll(async () => {
  provider = await startMockProvider({ chunkDelayMs: 5 });
  receiver = await startOtlpReceiver();
  const dead = await freePort();
  gateway = await startWranglerDev({
    ...SECRETS,
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "openai/*", access_key: "$OPENAI_KEY", base_url: provider.url, retry: { attempts: 2, backoff_ms: 5 } },
        { model: "anthropic/*", access_key: "$ANTHROPIC_KEY", base_url: provider.url },
        { model: "own/*", provider_interface: "openai", base_url: provider.url, passthrough_auth: true },
        { model: "dead/model", provider_interface: "openai", access_key: "$OPENAI_KEY", base_url: `http://127.0.0.1:${dead}` },
      ],
      model_aliases: { sturdy: { targets: ["openai/fail-500", "anthropic/claude-test"] } },
      auth: { keys: [{ name: "app", key: "$CLIENT_KEY" }] },
      tracing: {
        random_sampling: 100,
        capture_content: true,
        span_attributes: { header_prefixes: ["x-"] },
        exporters: [{ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" }],
      },
    }),
  });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
  await receiver?.close();
});

let requests = 0;

/** POSTs one request in a trace of its own (sampled); its status and trace id. */
async function send(path: string, body: Record<string, unknown>, headers: Record<string, string>) {
  const traceId = `5ec2e7${(++requests).toString(16).padStart(26, "0")}`;
  const res = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", traceparent: `00-${traceId}-b7ad6b7169203331-01`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
  return { status: res.status, traceId };
}

const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 20,
  messages: [{ role: "user", content: "hello" }],
  ...extra,
});

describe("secrets", () => {
  it("appear in no span, log line or response, on any path", async () => {
    const auth = { authorization: `Bearer ${SECRETS.CLIENT_KEY}` };
    const chats = "POST /v1/chat/completions";
    const messages = "POST /v1/messages";
    // Each request with the spans it makes: SERVER, plus a CLIENT span per provider attempt.
    const cases = [
      { sent: await send("/v1/chat/completions", chat("openai/gpt-test"), auth), spans: [chats, "chat gpt-test"] },
      { sent: await send("/v1/chat/completions", chat("openai/gpt-test", { stream: true }), auth), spans: [chats, "chat gpt-test"] },
      {
        sent: await send("/v1/messages", chat("anthropic/claude-test", { stream: true }), { "x-api-key": SECRETS.CLIENT_KEY }),
        spans: [messages, "chat claude-test"],
      },
      { sent: await send("/v1/messages", chat("openai/gpt-test"), { "x-api-key": SECRETS.CLIENT_KEY }), spans: [messages, "chat gpt-test"] },
      { sent: await send("/v1/chat/completions", chat("openai/fail-500"), auth), spans: [chats, "chat fail-500", "chat fail-500"] },
      { sent: await send("/v1/chat/completions", chat("openai/flaky-s"), auth), spans: [chats, "chat flaky-s", "chat flaky-s"] },
      {
        sent: await send("/v1/chat/completions", chat("sturdy"), auth),
        spans: [chats, "chat fail-500", "chat fail-500", "chat claude-test"],
      },
      { sent: await send("/v1/chat/completions", chat("dead/model"), auth), spans: [chats, "chat model"] },
      // A request that fails auth is not traced at all (docs/tracing.md: How a trace starts).
      { sent: await send("/v1/chat/completions", chat("openai/gpt-test"), { authorization: `Bearer ${WRONG_KEY}` }), spans: [] },
      {
        sent: await send("/v1/chat/completions", chat("own/gpt-test"), { ...auth, "x-api-key": PASSTHROUGH_KEY }),
        spans: [chats, "chat gpt-test"],
      },
      {
        sent: await send("/v1/chat/completions", chat("openai/gpt-test"), { ...auth, "x-secret-token": PASSTHROUGH_KEY }),
        spans: [chats, "chat gpt-test"],
      },
    ];
    expect(cases.map((c) => c.sent.status)).toEqual([200, 200, 200, 200, 500, 200, 200, 502, 401, 200, 200]);
    // The keys did reach the providers (so the test exercised them), only where they belong.
    expect(provider.received.some((r) => r.headers.authorization === `Bearer ${SECRETS.OPENAI_KEY}`)).toBe(true);
    expect(provider.received.some((r) => r.headers["x-api-key"] === SECRETS.ANTHROPIC_KEY)).toBe(true);
    // passthrough_auth forwards the client's own provider key, never the key it used for the gateway.
    expect(provider.received.some((r) => r.headers.authorization === `Bearer ${PASSTHROUGH_KEY}`)).toBe(true);
    for (const r of provider.received) expect(JSON.stringify(r.headers)).not.toContain(SECRETS.CLIENT_KEY);

    // Every span of every request has arrived (each trace's own, counted) before any is searched for a secret.
    const arrived = await Promise.all(cases.map((c) => receiver.spansFor(c.sent.traceId, c.spans.length)));
    expect(arrived.map((spans) => spans.map((span) => span.name).sort())).toEqual(cases.map((c) => [...c.spans].sort()));
    const exported = JSON.stringify(receiver.spans, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(exported).toContain("hello"); // content capture was on
    const logs = gateway.output();
    expect(logs).toContain("POST /v1/chat/completions");
    for (const secret of ALL) {
      expect(exported, `span contains ${secret}`).not.toContain(secret);
      expect(logs, `log contains ${secret}`).not.toContain(secret);
      for (const r of responses) expect(r, `response contains ${secret}`).not.toContain(secret);
    }
  });
});
