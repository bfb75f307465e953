import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./harness/otlp-receiver";
import { freePort } from "./harness/ports";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// Tracing end to end: `wrangler dev`, a paced mock provider and a real OTLP/HTTP receiver, all on loopback.
const CHUNK_DELAY_MS = 40;
const SERVER = 2;
const CLIENT = 3;

let provider: MockProvider;
let receiver: OtlpReceiver;
let full: DevServer; // random_sampling: 100
let half: DevServer; // random_sampling: 50, untrusted callers
let off: DevServer; // no tracing section
let deadCollector: DevServer; // exporting to a port where nothing listens

function config(tracing: Record<string, unknown> | undefined) {
  return JSON.stringify({
    model_providers: [
      { model: "openai/gpt-test", access_key: "$OPENAI_KEY", base_url: provider.url },
      { model: "openai/*", access_key: "$OPENAI_KEY", base_url: provider.url },
      { model: "anthropic/claude-test", access_key: "$ANTHROPIC_KEY", base_url: provider.url },
      { model: "quiet/gpt-test", provider_interface: "openai", base_url: provider.url, propagate_trace_context: false },
    ],
    model_aliases: { sturdy: { targets: ["openai/fail-500", "anthropic/claude-test"] } },
    cors: { allow_origins: ["http://127.0.0.1:1"] },
    auth: "none",
    ...(tracing ? { tracing } : {}),
  });
}

beforeAll(async () => {
  provider = await startMockProvider({ chunkDelayMs: CHUNK_DELAY_MS });
  receiver = await startOtlpReceiver();
  const exporters = [{ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" }];
  const secrets = { OPENAI_KEY: "sk-openai-e2e-secret", ANTHROPIC_KEY: "sk-ant-e2e-secret" };
  const deadPort = await freePort();
  [full, half, off, deadCollector] = await Promise.all([
    startWranglerDev({
      GATEWAY_CONFIG: config({
        random_sampling: 100,
        capture_content: true,
        exporters,
        span_attributes: { header_prefixes: ["x-app-"], static: { "deployment.environment": "e2e" } },
      }),
      CONFORMANCE_ROUTES: "true",
      // A hanging collector holds the isolate's one in-flight export until this timeout: keep the test short.
      OTEL_EXPORTER_OTLP_TIMEOUT: "500",
      ...secrets,
    }),
    startWranglerDev({
      GATEWAY_CONFIG: config({ random_sampling: 50, trust_incoming_sampling: false, exporters }),
      ...secrets,
    }),
    startWranglerDev({ GATEWAY_CONFIG: config(undefined), ...secrets }),
    startWranglerDev({
      GATEWAY_CONFIG: config({ random_sampling: 100, exporters: [{ endpoint: `http://127.0.0.1:${deadPort}` }] }),
      ...secrets,
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([full, half, off, deadCollector].map((s) => s?.stop()));
  await provider?.close();
  await receiver?.close();
});

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const traceIdFor = (i: number, highLow56: boolean) => `${hex(0xabc00000 + i, 18)}${highLow56 ? "f" : "0"}${hex(i, 13)}`;
const parentId = "b7ad6b7169203331";

function client(server: DevServer, headers: Record<string, string> = {}) {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "client-key", maxRetries: 0, defaultHeaders: headers });
}

function spansOf(traceId: string): ReceivedSpan[] {
  return receiver.spans.filter((s) => s.traceId === traceId);
}

async function spansFor(traceId: string, count: number): Promise<ReceivedSpan[]> {
  const deadline = Date.now() + 10_000;
  while (spansOf(traceId).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return spansOf(traceId);
}

describe("a streamed call with the caller's traceparent", () => {
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  let spans: ReceivedSpan[];
  let chunkTimes: number[];
  let requestStart: number;

  beforeAll(async () => {
    const api = client(full, {
      traceparent: `00-${traceId}-${parentId}-01`,
      tracestate: "vendor=abc,other=1",
      "x-app-user-id": "u-42",
    });
    requestStart = Date.now();
    const stream = await api.chat.completions.create({
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      temperature: 0.2,
    });
    chunkTimes = [];
    for await (const _chunk of stream) chunkTimes.push(Date.now());
    spans = await spansFor(traceId, 2);
  });

  it("exports caller -> SERVER -> CLIENT, in one trace", () => {
    const server = spans.find((s) => s.kind === SERVER);
    const call = spans.find((s) => s.kind === CLIENT);
    expect(server?.parentSpanId).toBe(parentId);
    expect(server?.name).toBe("POST /v1/chat/completions");
    expect(call?.parentSpanId).toBe(server?.spanId);
    expect(call?.name).toBe("chat gpt-test");
  });

  it("sends the provider a traceparent whose parent is the CLIENT span, and the tracestate", () => {
    const call = spans.find((s) => s.kind === CLIENT);
    const received = provider.received.find((r) => String(r.headers.traceparent ?? "").includes(traceId));
    expect(received?.headers.traceparent).toBe(`00-${traceId}-${call?.spanId}-01`);
    expect(received?.headers.tracestate).toBe("vendor=abc,other=1");
  });

  it("records GenAI attributes, usage and time to first chunk", () => {
    const call = spans.find((s) => s.kind === CLIENT);
    expect(call?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-test",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.stream": true,
      "gen_ai.response.model": "gpt-test-2025-01-01",
      "gen_ai.response.id": "chatcmpl-upstream-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 5,
      "gen_ai.usage.cache_read.input_tokens": 2,
      "gen_ai.usage.reasoning.output_tokens": 1,
      "server.address": "127.0.0.1",
      "deployment.environment": "e2e",
    });
    const ttfc = call?.attributes["gen_ai.response.time_to_first_chunk"];
    expect(typeof ttfc).toBe("number");
    expect(ttfc as number).toBeGreaterThan(0);
    expect(call?.events.map((e) => e.name)).toContain("gen_ai.first_chunk");
    const server = spans.find((s) => s.kind === SERVER);
    expect(server?.attributes).toMatchObject({ "user.id": "u-42", "http.response.status_code": 200 });
  });

  it("ends the spans after the last chunk, not when the headers arrived", () => {
    const call = spans.find((s) => s.kind === CLIENT);
    const server = spans.find((s) => s.kind === SERVER);
    if (!call || !server) throw new Error("spans missing");
    const durationMs = Number(call.endNs - call.startNs) / 1e6;
    // The mock paces 5 chunks CHUNK_DELAY_MS apart: the span covers them all.
    expect(durationMs).toBeGreaterThanOrEqual(4 * CHUNK_DELAY_MS - 5);
    const firstChunk = call.events.find((e) => e.name === "gen_ai.first_chunk");
    expect(Number(call.endNs - (firstChunk?.timeNs ?? call.endNs)) / 1e6).toBeGreaterThanOrEqual(3 * CHUNK_DELAY_MS - 5);
    expect(server.endNs).toBeGreaterThanOrEqual(call.endNs);
    expect((chunkTimes.at(-1) ?? 0) - requestStart).toBeGreaterThanOrEqual(4 * CHUNK_DELAY_MS - 5);
  });

  it("captures content when asked (capture_content: true)", () => {
    const call = spans.find((s) => s.kind === CLIENT);
    expect(JSON.parse(String(call?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "hi" }] },
    ]);
    const output = JSON.parse(String(call?.attributes["gen_ai.output.messages"])) as { parts: { content: string }[] }[];
    expect(output[0]?.parts[0]?.content).toBe("Hello from openai mock");
  });

  it("never records a key, even with content capture on", () => {
    const text = JSON.stringify(spans, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(text).not.toContain("sk-openai-e2e-secret");
    expect(text).not.toContain("client-key");
  });
});

describe("response headers", () => {
  it("returns traceresponse and Server-Timing for the caller", async () => {
    const traceId = "1af7651916cd43dd8448eb211c80319c";
    const res = await fetch(`${full.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-${parentId}-01` },
      body: JSON.stringify({ model: "anthropic/claude-test", max_tokens: 20, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const traceresponse = res.headers.get("traceresponse") ?? "";
    expect(traceresponse).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(res.headers.get("server-timing")).toContain(`trace;desc="${traceresponse}"`);
    expect(res.headers.get("server-timing")).toMatch(/upstream;dur=\d+/);
    const spans = await spansFor(traceId, 2);
    const server = spans.find((s) => s.kind === SERVER);
    expect(traceresponse.split("-")[2]).toBe(server?.spanId);
    expect(spans.find((s) => s.kind === CLIENT)?.attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.usage.input_tokens": 13,
      "gen_ai.usage.cache_read.input_tokens": 3,
      "gen_ai.response.finish_reasons": ["end_turn"],
    });
  });
});

describe("fallbacks", () => {
  it("records each attempt as its own CLIENT span with its outcome", async () => {
    const traceId = "6af7651916cd43dd8448eb211c80319c";
    const res = await fetch(`${full.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-${parentId}-01` },
      body: JSON.stringify({ model: "sturdy", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-tracegate-model")).toBe("anthropic/claude-test");
    const spans = await spansFor(traceId, 3);
    const server = spans.find((s) => s.kind === SERVER);
    const calls = spans.filter((s) => s.kind === CLIENT).sort((a, b) => Number(a.startNs - b.startNs));
    expect(calls.map((s) => s.name)).toEqual(["chat fail-500", "chat claude-test"]);
    expect(calls.map((s) => s.parentSpanId)).toEqual([server?.spanId, server?.spanId]);
    expect(calls[0]?.attributes).toMatchObject({ "error.type": "500", "tracegate.attempt": 1, "http.response.status_code": 500 });
    expect(calls[0]?.status.code).toBe(2);
    expect(calls[1]?.attributes).toMatchObject({ "tracegate.attempt": 2, "gen_ai.provider.name": "anthropic" });
    expect(calls[1]?.attributes["error.type"]).toBeUndefined();
    const sent = provider.received.filter((r) => String(r.headers.traceparent ?? "").includes(traceId));
    expect(sent.map((r) => String(r.headers.traceparent).split("-")[2])).toEqual(calls.map((s) => s.spanId));
  });
});

describe("a stream the client abandons", () => {
  it("ends the CLIENT span as cancelled, with an error status", async () => {
    const traceId = "5af7651916cd43dd8448eb211c80319c";
    const controller = new AbortController();
    const res = await fetch(`${full.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-${parentId}-01`, origin: "http://127.0.0.1:1" },
      body: JSON.stringify({ model: "openai/slow-stream", stream: true, messages: [{ role: "user", content: "hi" }] }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-expose-headers")).toContain("traceresponse");
    await res.body?.getReader().read();
    controller.abort();
    const spans = await spansFor(traceId, 2);
    const call = spans.find((s) => s.kind === CLIENT);
    expect(call?.attributes["error.type"]).toBe("cancelled");
    expect(call?.status.code).toBe(2);
    expect(spans.find((s) => s.kind === SERVER)?.endNs).toBeGreaterThanOrEqual(call?.endNs ?? 0n);
  });
});

describe("sampling", () => {
  it("at 50% for untrusted callers: keeps exactly the traces whose randomness is above the threshold", async () => {
    const cases = Array.from({ length: 8 }, (_, i) => ({ traceId: traceIdFor(i, i % 2 === 0), keep: i % 2 === 0 }));
    for (const { traceId } of cases) {
      // The caller claims "sampled": an untrusted caller cannot force it.
      await client(half, { traceparent: `00-${traceId}-${parentId}-03` }).chat.completions.create({
        model: "openai/gpt-test",
        messages: [{ role: "user", content: "hi" }],
      });
    }
    await spansFor(cases[0]?.traceId ?? "", 2);
    await new Promise((r) => setTimeout(r, 500));
    for (const { traceId, keep } of cases) {
      expect(spansOf(traceId).length, traceId).toBe(keep ? 2 : 0);
      const sent = provider.received.find((r) => String(r.headers.traceparent ?? "").includes(traceId));
      expect(String(sent?.headers.traceparent).slice(-2), traceId).toBe(keep ? "03" : "02");
    }
  });

  it("with tracing off, forwards the caller's trace headers unchanged and exports nothing", async () => {
    const traceId = "2af7651916cd43dd8448eb211c80319c";
    const traceparent = `00-${traceId}-${parentId}-01`;
    await client(off, { traceparent, tracestate: "a=1" }).chat.completions.create({
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    const sent = provider.received.find((r) => r.headers.traceparent === traceparent);
    expect(sent?.headers.tracestate).toBe("a=1");
    await new Promise((r) => setTimeout(r, 300));
    expect(spansOf(traceId)).toEqual([]);
  });

  it("starts a new trace with the random flag when the caller sends none", async () => {
    const before = provider.received.length;
    const res = await fetch(`${full.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-test", messages: [{ role: "user", content: "hi" }] }),
    });
    await res.arrayBuffer();
    const sent = String(provider.received[before]?.headers.traceparent);
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
    const spans = await spansFor(sent.split("-")[1] ?? "", 2);
    expect(spans.find((s) => s.kind === SERVER)?.parentSpanId).toBe("");
  });

  it("sends no trace headers to a provider with propagate_trace_context: false", async () => {
    const before = provider.received.length;
    await client(full, { traceparent: `00-3af7651916cd43dd8448eb211c80319c-${parentId}-01` }).chat.completions.create({
      model: "quiet/gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(provider.received[before]?.headers.traceparent).toBeUndefined();
    expect(provider.received[before]?.headers.tracestate).toBeUndefined();
  });
});

describe("a failing collector never touches the response", () => {
  async function timedCall(server: DevServer) {
    const start = Date.now();
    const res = await client(server).chat.completions.create({
      model: "openai/gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    return { ms: Date.now() - start, content: res.choices[0]?.message.content };
  }

  it("collector down", async () => {
    const { ms, content } = await timedCall(deadCollector);
    expect(content).toBe("Hello from openai mock");
    expect(ms).toBeLessThan(2_000);
  });

  it("collector hanging, then answering 429", async () => {
    receiver.mode = "hang";
    try {
      const hanging = await timedCall(full);
      expect(hanging.content).toBe("Hello from openai mock");
      expect(hanging.ms).toBeLessThan(2_000);
      receiver.mode = "429";
      const limited = await timedCall(full);
      expect(limited.content).toBe("Hello from openai mock");
      expect(limited.ms).toBeLessThan(2_000);
      const deadline = Date.now() + 10_000;
      while (!receiver.posts.some((p) => p.status === 429) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(receiver.posts.some((p) => p.status === 429)).toBe(true);
    } finally {
      receiver.mode = "ok";
    }
  });
});

describe("the W3C conformance route", () => {
  async function hop(headers: Record<string, string>, paths: string[]) {
    const before = provider.received.length;
    const res = await fetch(`${full.url}/_conformance/tracecontext`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(paths.map((p, i) => ({ url: `${provider.url}${p}`, arguments: [{ hop: i }] }))),
    });
    expect(res.status).toBe(200);
    return provider.received.slice(before);
  }

  it("posts each argument list with a new parent-id per call, same trace, tracestate kept", async () => {
    const traceId = "4af7651916cd43dd8448eb211c80319c";
    const got = await hop({ traceparent: `00-${traceId}-${parentId}-01`, tracestate: "foo=1" }, ["/a", "/b"]);
    expect(got.map((r) => r.path)).toEqual(["/a", "/b"]);
    expect(got.map((r) => r.body)).toEqual([[{ hop: 0 }], [{ hop: 1 }]]);
    const parents = got.map((r) => String(r.headers.traceparent).split("-"));
    expect(parents.map((p) => p[1])).toEqual([traceId, traceId]);
    expect(parents[0]?.[2]).not.toBe(parents[1]?.[2]);
    expect(parents[0]?.[2]).not.toBe(parentId);
    expect(got.map((r) => r.headers.tracestate)).toEqual(["foo=1", "foo=1"]);
    const spans = await spansFor(traceId, 3);
    const clientIds = spans.filter((s) => s.kind === CLIENT).map((s) => s.spanId);
    expect(clientIds).toEqual(expect.arrayContaining([parents[0]?.[2], parents[1]?.[2]]));
  });

  it("restarts the trace and drops tracestate for an invalid traceparent", async () => {
    const got = await hop({ traceparent: `00-${"A".repeat(32)}-${parentId}-01`, tracestate: "foo=1" }, ["/c"]);
    const sent = String(got[0]?.headers.traceparent);
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[23]$/);
    expect(sent.split("-")[1]).not.toBe("a".repeat(32));
    // The caller's tracestate is gone; the new trace, sampled at 100%, carries only tracegate's own threshold.
    expect(got[0]?.headers.tracestate).toBe("ot=th:0");
  });
});
