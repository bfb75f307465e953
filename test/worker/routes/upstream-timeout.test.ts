import { describe, expect, it } from "vitest";
import { requestApp } from "../helpers/request";
import { completionText, LOOPBACK_COLLECTOR, LOOPBACK_PROVIDER, scriptAnswer, SPAN_KIND, spansOf, sse, STATUS, traceIdOf } from "../loopback/client";

// `timeout_ms` bounds a provider's whole exchange, its headers and its body, whether or not the call streams
// (upstream.ts: a non-streamed call is timed out by AbortSignal.timeout, a stream by its own AbortController).

const TIMEOUT_MS = 300;
/** Far past the timeout: the provider is still silent when the gateway gives up. */
const SILENT_MS = 5_000;

const ENV = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [{ model: "openai/*", base_url: LOOPBACK_PROVIDER, access_key: "sk-loopback", timeout_ms: TIMEOUT_MS }],
    auth: "none",
    tracing: { random_sampling: 100, exporters: [{ endpoint: `${LOOPBACK_COLLECTOR}/v1/traces`, protocol: "http/json" }] },
  }),
};

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  requestApp(
    "/v1/chat/completions",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: `openai/${model}`, messages: [{ role: "user", content: "hi" }], ...extra }),
    },
    ENV,
  );

/** The 504 the client gets, and the CLIENT span of the call, in error. */
async function expectTimedOut(res: Response): Promise<void> {
  expect(res.status).toBe(504);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("upstream_timeout");
  expect(body.error.message).toContain(`${TIMEOUT_MS} ms`);
  const spans = await spansOf(traceIdOf(res), 2);
  const client = spans.find((s) => s.kind === SPAN_KIND.CLIENT);
  expect(client?.status.code).toBe(STATUS.ERROR);
}

describe("timeout_ms", () => {
  it("gives up on a provider that sends no headers in time (504, CLIENT span in error)", async () => {
    const model = await scriptAnswer({ delayMs: SILENT_MS, body: completionText("late") });
    await expectTimedOut(await chat(model));
  });

  it("gives up on a non-streamed answer whose body stops half-way", async () => {
    const whole = completionText("never finished");
    const half = Math.floor(whole.length / 2);
    const model = await scriptAnswer({ body: whole.slice(0, half), chunks: [whole.slice(half)], chunkIntervalMs: SILENT_MS });
    await expectTimedOut(await chat(model));
  });

  it("gives up on a stream whose provider sends no headers in time", async () => {
    const chunk = { id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [] };
    const model = await scriptAnswer({ delayMs: SILENT_MS, body: sse([{ data: chunk }, { data: "[DONE]" }]) });
    await expectTimedOut(await chat(model, { stream: true }));
  });

  it("lets an answer within the time through", async () => {
    const model = await scriptAnswer({ delayMs: 20, body: completionText("in time") });
    const res = await chat(model);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ choices: [{ message: { content: "in time" } }] });
  });
});
