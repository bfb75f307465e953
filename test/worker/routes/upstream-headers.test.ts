import { describe, expect, it } from "vitest";
import { callGateway, completionText, scriptAnswer, sse } from "../loopback/client";

// What a provider says about its wait, the request and its rate limits reaches the client, on errors and answers,
// natively and translated (under the client API's names); nothing else of the provider's headers does.

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  callGateway("/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }], ...extra });
const messages = (model: string, extra: Record<string, unknown> = {}) =>
  callGateway("/v1/messages", { model, max_tokens: 10, messages: [{ role: "user", content: "hi" }], ...extra });

const OPENAI_429 = JSON.stringify({ error: { message: "slow down", type: "rate_limit_error", param: null, code: null } });
const ANTHROPIC_429 = JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "slow down" } });

const OPENAI_HEADERS = {
  "retry-after": "3",
  "retry-after-ms": "3000",
  "x-request-id": "req_openai_1",
  "openai-processing-ms": "12",
  "x-ratelimit-limit-requests": "60",
  "x-ratelimit-remaining-requests": "0",
  "x-ratelimit-reset-requests": "6m0s",
  "x-ratelimit-reset-tokens": "1.5s",
  "set-cookie": "session=secret",
  "x-internal-host": "10.0.0.7",
};

const ANTHROPIC_HEADERS = {
  "retry-after": "3",
  "request-id": "req_ant_1",
  "anthropic-ratelimit-requests-limit": "50",
  "anthropic-ratelimit-requests-remaining": "0",
  "anthropic-ratelimit-tokens-reset": "",
  "anthropic-ratelimit-input-tokens-remaining": "900",
  "set-cookie": "session=secret",
  "x-internal-host": "10.0.0.7",
};

function expectNothingElse(res: Response): void {
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.headers.get("x-internal-host")).toBeNull();
}

describe("a provider's 429 reaches the client with its Retry-After", () => {
  it("OpenAI route, OpenAI provider: the headers as they are", async () => {
    const model = await scriptAnswer({ status: 429, body: OPENAI_429, headers: OPENAI_HEADERS });
    const res = await chat(`openai/${model}`);
    expect(res.status).toBe(429);
    for (const name of ["retry-after", "retry-after-ms", "x-request-id", "openai-processing-ms", "x-ratelimit-limit-requests", "x-ratelimit-reset-requests"]) {
      expect(res.headers.get(name), name).toBe(OPENAI_HEADERS[name as keyof typeof OPENAI_HEADERS]);
    }
    expect(await res.text()).toBe(OPENAI_429);
    expectNothingElse(res);
  });

  it("Anthropic route, Anthropic provider: the headers as they are", async () => {
    const model = await scriptAnswer({ status: 429, body: ANTHROPIC_429, headers: ANTHROPIC_HEADERS });
    const res = await messages(`anthropic/${model}`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.headers.get("request-id")).toBe("req_ant_1");
    expect(res.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(res.headers.get("anthropic-ratelimit-input-tokens-remaining")).toBe("900");
    expectNothingElse(res);
  });

  it("OpenAI route, Anthropic provider (translated): Anthropic's names become OpenAI's, resets a duration", async () => {
    const reset = new Date(Date.now() + 30_000).toISOString();
    const model = await scriptAnswer({
      status: 429,
      body: ANTHROPIC_429,
      headers: { ...ANTHROPIC_HEADERS, "anthropic-ratelimit-tokens-reset": reset },
    });
    const res = await chat(`anthropic/${model}`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.headers.get("x-request-id")).toBe("req_ant_1");
    expect(res.headers.get("request-id")).toBeNull();
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("50");
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(res.headers.get("anthropic-ratelimit-requests-limit")).toBeNull();
    const seconds = Number(/^(\d+)s$/.exec(res.headers.get("x-ratelimit-reset-tokens") ?? "")?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(28);
    expect(seconds).toBeLessThanOrEqual(30);
    // No OpenAI name for it: as it is.
    expect(res.headers.get("anthropic-ratelimit-input-tokens-remaining")).toBe("900");
    expect((await res.json()) as unknown).toMatchObject({ error: { message: "slow down", type: "rate_limit_error" } });
    expectNothingElse(res);
  });

  it("Anthropic route, OpenAI provider (translated): OpenAI's names become Anthropic's, resets a date", async () => {
    const model = await scriptAnswer({ status: 429, body: OPENAI_429, headers: OPENAI_HEADERS });
    const before = Date.now();
    const res = await messages(`openai/${model}`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.headers.get("retry-after-ms")).toBe("3000");
    expect(res.headers.get("request-id")).toBe("req_openai_1");
    expect(res.headers.get("anthropic-ratelimit-requests-limit")).toBe("60");
    expect(res.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    const reset = Date.parse(res.headers.get("anthropic-ratelimit-requests-reset") ?? "");
    expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 360_000);
    expect(reset).toBeLessThanOrEqual(Date.now() + 361_000);
    expect(Date.parse(res.headers.get("anthropic-ratelimit-tokens-reset") ?? "")).toBeGreaterThan(before);
    expect(res.headers.get("x-ratelimit-limit-requests")).toBeNull();
    expect(await res.json()).toEqual({ type: "error", error: { type: "rate_limit_error", message: "slow down" } });
    expectNothingElse(res);
  });
});

describe("answers carry the provider's request id", () => {
  const completion = completionText("hi");

  it("a non-streamed answer, native and translated", async () => {
    const model = await scriptAnswer({ body: completion, headers: OPENAI_HEADERS });
    const native = await chat(`openai/${model}`);
    expect(native.status).toBe(200);
    expect(native.headers.get("x-request-id")).toBe("req_openai_1");
    expect(native.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expectNothingElse(native);
    const translated = await messages(`openai/${model}`);
    expect(translated.status).toBe(200);
    expect(translated.headers.get("request-id")).toBe("req_openai_1");
    expectNothingElse(translated);
  });

  it("a stream", async () => {
    const chunk = { id: "c", object: "chat.completion.chunk", created: 1, model: "m" };
    const body = sse([
      { data: { ...chunk, choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }] } },
      { data: { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] } },
      { data: "[DONE]" },
    ]);
    const model = await scriptAnswer({ body, headers: OPENAI_HEADERS });
    const res = await chat(`openai/${model}`, { stream: true });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-request-id")).toBe("req_openai_1");
    expectNothingElse(res);
    await res.text();
  });
});

describe("a pass-through stream is what the provider would have sent the client", () => {
  it("the usage the gateway asked for is cut out, byte for byte, when the client did not ask for it", async () => {
    const base = '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1700000000,"model":"gpt-x","system_fingerprint":"fp_1",';
    const asked = [
      `${base}"choices":[{"index":0,"delta":{"role":"assistant","content":"say \\"usage\\":null"},"finish_reason":null}],"usage":null}`,
      `${base}"choices":[{"index":0,"delta":{"content":" é"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"a1"}`,
      `${base}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`,
      `${base}"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}`,
    ];
    const unasked = [
      `${base}"choices":[{"index":0,"delta":{"role":"assistant","content":"say \\"usage\\":null"},"finish_reason":null}]}`,
      `${base}"choices":[{"index":0,"delta":{"content":" é"},"logprobs":null,"finish_reason":null}],"obfuscation":"a1"}`,
      `${base}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
    ];
    const frame = (lines: string[]) => lines.map((data) => `data: ${data}\n\n`).join("") + "data: [DONE]\n\n";
    const model = await scriptAnswer({ body: frame(asked) });
    const res = await chat(`openai/${model}`, { stream: true });
    expect(await res.text()).toBe(frame(unasked));
    const again = await chat(`openai/${model}`, { stream: true, stream_options: { include_usage: true } });
    expect(await again.text()).toBe(frame(asked));
  });
});
