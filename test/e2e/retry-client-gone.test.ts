import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "./harness/otlp-receiver";
import { startRetryProvider, type RetryProvider } from "./harness/retry-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// Retries of a streamed request that must wait (issue 11 D8): the gateway answers with the stream's headers at once
// and SSE comments while it waits, so a client that leaves during the wait cancels the body and no further attempt
// is made.
let provider: RetryProvider;
let receiver: OtlpReceiver;
let gateway: DevServer;
let openai: OpenAI;

beforeAll(async () => {
  provider = await startRetryProvider();
  receiver = await startOtlpReceiver();
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "up/*", provider_interface: "openai", base_url: provider.url, retry: { attempts: 3, max_delay_ms: 60000 } },
        { model: "twice/*", provider_interface: "openai", base_url: provider.url, retry: { attempts: 2 } },
      ],
      auth: "none",
      tracing: { random_sampling: 100, exporters: [{ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" }] },
    }),
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key", maxRetries: 0 });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
  await receiver?.close();
});

const SERVER = 2;
const CLIENT = 3;
let traces = 0;
/** A sampled traceparent with a trace id of its own, to read the request's spans from the receiver. */
function traceparent(): { traceId: string; header: string } {
  const traceId = `d8${(++traces).toString(16).padStart(30, "0")}`;
  return { traceId, header: `00-${traceId}-b7ad6b7169203331-01` };
}

function post(path: string, body: Record<string, unknown>, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ ...body, messages: [{ role: "user", content: "hi" }] }),
    signal,
  });
}

/**
 * The events of an SSE body other than comments: the body must start with comment lines only (what a committed
 * stream writes while it waits) and hold nothing else before its events.
 */
async function sseEvents(res: Response): Promise<string[]> {
  const blocks = (await res.text()).trim().split("\n\n");
  const comments = blocks.filter((b) => b.startsWith(":"));
  expect(blocks.slice(0, comments.length)).toEqual(comments);
  return blocks.slice(comments.length);
}

/** Resolves with the model's call count once it passes `count`, or once `ms` have gone by without that. */
async function callsAfter(model: string, count: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  while (provider.callsFor(model).length <= count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return provider.callsFor(model).length;
}

describe("a streamed retry that must wait (D8)", () => {
  it("makes no further attempt once the client has left during the wait", async () => {
    const model = "busy-2";
    const client = new AbortController();
    const trace = traceparent();
    const res = await post("/v1/chat/completions", { model: `up/${model}`, stream: true }, client.signal, {
      traceparent: trace.header,
    });
    // Committed: the stream's headers came before the wait was over (the provider asked for 2 s).
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-tracegate-model")).toBeNull();
    expect(provider.callsFor(model)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    client.abort();
    // No event tells that a retry did not happen: watch the provider for the Retry-After (2 s) plus a margin.
    const first = provider.callsFor(model)[0]?.at ?? 0;
    expect(await callsAfter(model, 1, first + 3_500 - Date.now())).toBe(1);
    // The trace ended with the cancelled body: the SERVER span and the one attempt's CLIENT span were exported.
    const spans = await receiver.spansFor(trace.traceId, 2);
    expect(spans.map((s) => s.kind).sort()).toEqual([SERVER, CLIENT]);
  });

  it("streams the answer of the attempt after the wait to a client that stays", async () => {
    const started = Date.now();
    const trace = traceparent();
    const stream = await openai.chat.completions.create(
      { model: "up/busy-once-2", stream: true, messages: [{ role: "user", content: "hi" }] },
      { headers: { traceparent: trace.header } },
    );
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("second attempt");
    const calls = provider.callsFor("busy-once-2");
    expect(calls).toHaveLength(2);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    // Both attempts are in the request's trace, though the second began after the Response was returned.
    const spans = await receiver.spansFor(trace.traceId, 3);
    expect(spans.filter((s) => s.kind === CLIENT).map((s) => s.attributes["tracegate.attempt"])).toEqual([1, 2]);
    const server = spans.find((s) => s.kind === SERVER);
    expect(server?.endNs).toBeGreaterThanOrEqual(spans.find((s) => s.attributes["tracegate.attempt"] === 2)?.endNs ?? 0n);
  });

  it("ends with a well-formed error event carrying the provider's message when every attempt failed", async () => {
    const openaiRes = await post("/v1/chat/completions", { model: "twice/busy-1", stream: true });
    expect(openaiRes.status).toBe(200);
    const openaiEvents = await sseEvents(openaiRes);
    expect(openaiEvents).toHaveLength(1);
    expect(JSON.parse(openaiEvents[0]?.replace(/^data: /, "") ?? "")).toMatchObject({
      error: { message: expect.stringContaining("slow down (busy-1)"), type: "rate_limit_error", code: "rate_limited" },
    });
    expect(provider.callsFor("busy-1")).toHaveLength(2);

    const anthropicRes = await post("/v1/messages", { model: "twice/busy-1", stream: true, max_tokens: 5 });
    expect(anthropicRes.status).toBe(200);
    const anthropicEvents = await sseEvents(anthropicRes);
    expect(anthropicEvents).toHaveLength(1);
    const [eventLine, dataLine] = anthropicEvents[0]?.split("\n") ?? [];
    expect(eventLine).toBe("event: error");
    expect(JSON.parse(dataLine?.replace(/^data: /, "") ?? "")).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error", message: expect.stringContaining("slow down (busy-1)") },
    });
  });

  it("a retry with no wait still answers with the attempt's own headers", async () => {
    const res = await post("/v1/chat/completions", { model: "up/fine", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-tracegate-model")).toBe("up/fine");
    expect(await res.text()).toContain("data: [DONE]");
  });
});
