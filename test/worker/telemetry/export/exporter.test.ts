import { describe, expect, it } from "vitest";
import type { ExportTarget } from "../../../../src/telemetry/export/config";
import { retryAfterMs } from "../../../../src/exchange/retry-after";
import { flush, type ExportDeps } from "../../../../src/telemetry/export/exporter";
import { encodeJson } from "../../../../src/telemetry/export/otlp-json";
import { encodeProtobuf } from "../../../../src/telemetry/export/otlp-proto";
import { SpanBuffer } from "../../../../src/telemetry/sdk/span-buffer";
import type { Resource, SpanData } from "../../../../src/telemetry/sdk/span-data";
import { spanData } from "../span-fixture";

const resource: Resource = { attributes: { "service.name": "tracegate", "service.version": "0.1.0" } };
function span(i: number, extra: Record<string, string> = {}): SpanData {
  return spanData({ spanId: (i + 1).toString(16).padStart(16, "0"), name: `span ${i}`, attributes: { index: i, ...extra } });
}

function bufferWith(count: number, extra: Record<string, string> = {}): SpanBuffer {
  const buffer = new SpanBuffer(2048);
  buffer.add(Array.from({ length: count }, (_, i) => span(i, extra)));
  return buffer;
}

function target(overrides: Partial<ExportTarget> = {}): ExportTarget {
  return {
    url: "http://collector.test/v1/traces",
    headers: {},
    protocol: "http/protobuf",
    compression: "none",
    timeoutMs: 10_000,
    ...overrides,
  };
}

interface Call {
  url: string;
  headers: Headers;
  body: Uint8Array;
  signal: AbortSignal | null | undefined;
}

type Reply = Response | Error | ((call: Call) => Promise<Response>);

/** A recording fetch answering from a script (per URL when given a map), on a fake clock advanced by `sleep`. */
function harness(script: Reply[] | Record<string, Reply[]>, start = 1_761_000_000_000) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const logs: string[] = [];
  let clock = start;
  const fetchFn: typeof fetch = async (input, init) => {
    const url = String(input);
    const call: Call = {
      url,
      headers: new Headers(init?.headers),
      body: new Uint8Array(init?.body as Uint8Array),
      signal: init?.signal,
    };
    calls.push(call);
    const queue = Array.isArray(script) ? script : (script[url] ?? []);
    const reply = queue.length > 1 ? queue.shift() : queue[0];
    if (reply === undefined) throw new Error("no scripted reply");
    if (reply instanceof Error) throw reply;
    if (reply instanceof Response) return reply.clone();
    return reply(call);
  };
  const deps: ExportDeps = {
    fetch: fetchFn,
    log: (m) => void logs.push(m),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
  };
  return { calls, sleeps, logs, deps, advance: (ms: number) => (clock += ms) };
}

const ok = () => new Response("{}", { status: 200 });
const status = (code: number, headers: Record<string, string> = {}) => new Response("", { status: code, headers });

async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

describe("SpanBuffer", () => {
  it("keeps at most maxSpans, dropping (and counting) the oldest; drain empties it", () => {
    const buffer = new SpanBuffer(3);
    buffer.add([span(0), span(1)]);
    buffer.add([span(2), span(3), span(4)]);
    expect(buffer.size).toBe(3);
    const drained = buffer.drain();
    expect(drained.spans.map((s) => s.name)).toEqual(["span 2", "span 3", "span 4"]);
    expect(drained.dropped).toBe(2);
    expect(buffer.drain()).toEqual({ spans: [], dropped: 0 });
    buffer.add(Array.from({ length: 10 }, (_, i) => span(i)));
    expect(buffer.drain()).toMatchObject({ dropped: 7, spans: [{ name: "span 7" }, { name: "span 8" }, { name: "span 9" }] });
  });
});

describe("flush", () => {
  it("returns at once when the buffer is empty", async () => {
    const h = harness([ok()]);
    expect(await flush(new SpanBuffer(10), [target()], resource, h.deps)).toEqual({ spans: 0, dropped: 0, targets: [] });
    expect(h.calls).toHaveLength(0);
  });

  it("POSTs protobuf with the target's headers and a timeout signal, and drains the buffer", async () => {
    const h = harness([ok()]);
    const buffer = bufferWith(3);
    const spans = [span(0), span(1), span(2)];
    const result = await flush(buffer, [target({ headers: { "x-api-key": "k1" } })], resource, h.deps);
    expect(result).toEqual({
      spans: 3,
      dropped: 0,
      targets: [{ url: "http://collector.test/v1/traces", ok: true, status: 200, attempts: 1, spans: 3 }],
    });
    const [call] = h.calls;
    expect(call?.headers.get("content-type")).toBe("application/x-protobuf");
    expect(call?.headers.get("x-api-key")).toBe("k1");
    expect(call?.headers.has("content-encoding")).toBe(false);
    expect(call?.signal).toBeInstanceOf(AbortSignal);
    expect(call?.body).toEqual(encodeProtobuf(resource, spans));
    expect(buffer.size).toBe(0);
    expect(h.logs).toEqual([]);
  });

  it("POSTs JSON to JSON targets, in parallel with others, encoding once per protocol", async () => {
    const h = harness([ok()]);
    const targets = [
      target({ url: "http://a.test/v1/traces", protocol: "http/json" }),
      target({ url: "http://b.test/v1/traces" }),
      target({ url: "http://c.test/v1/traces" }),
    ];
    const result = await flush(bufferWith(2), targets, resource, h.deps);
    expect(result.targets.map((t) => t.ok)).toEqual([true, true, true]);
    const json = h.calls.find((c) => c.url.startsWith("http://a."));
    expect(json?.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(json?.body))).toEqual(JSON.parse(encodeJson(resource, [span(0), span(1)])));
    const [b, c] = h.calls.filter((call) => !call.url.startsWith("http://a."));
    expect(b?.body).toEqual(c?.body);
  });

  it("gzips with content-encoding when configured", async () => {
    const h = harness([ok()]);
    await flush(bufferWith(4), [target({ protocol: "http/json", compression: "gzip" })], resource, h.deps);
    const [call] = h.calls;
    expect(call?.headers.get("content-encoding")).toBe("gzip");
    expect(call?.headers.get("content-type")).toBe("application/json");
    const text = await gunzip(call?.body ?? new Uint8Array());
    expect(JSON.parse(text)).toEqual(JSON.parse(encodeJson(resource, [0, 1, 2, 3].map((i) => span(i)))));
  });

  it("splits spans over several POSTs when one body would exceed the cap", async () => {
    const h = harness([ok()]);
    const padding = { pad: "p".repeat(400) };
    const result = await flush(bufferWith(20, padding), [target({ protocol: "http/json" })], resource, {
      ...h.deps,
      maxBodyBytes: 2_000,
    });
    expect(h.calls.length).toBeGreaterThan(4);
    const seen: string[] = [];
    for (const call of h.calls) {
      expect(call.body.length).toBeLessThanOrEqual(2_000);
      const body = JSON.parse(new TextDecoder().decode(call.body));
      for (const s of body.resourceSpans[0].scopeSpans[0].spans) seen.push(s.name);
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `span ${i}`));
    expect(result.targets[0]).toMatchObject({ ok: true, spans: 20, attempts: h.calls.length });
  });

  it("retries 429/502/503/504 with exponential backoff and jitter, at most twice", async () => {
    for (const code of [429, 502, 503, 504]) {
      const h = harness([status(code)]);
      const result = await flush(bufferWith(5), [target()], resource, h.deps);
      expect(result.targets[0]).toEqual({ url: "http://collector.test/v1/traces", ok: false, status: code, attempts: 3, spans: 5 });
      expect(h.sleeps).toEqual([375, 750]); // 0.5 s and 1 s, each at 75% (random = 0.5)
      expect(h.logs).toHaveLength(1);
    }
    const h = harness([status(503), status(502), ok()]);
    const result = await flush(bufferWith(1), [target()], resource, { ...h.deps, random: () => 0 });
    expect(result.targets[0]).toMatchObject({ ok: true, status: 200, attempts: 3 });
    expect(h.sleeps).toEqual([250, 500]);
    expect(h.logs).toEqual([]);
  });

  it("does not retry other 4xx/5xx", async () => {
    for (const code of [400, 401, 403, 404, 413, 500, 501]) {
      const h = harness([status(code), ok()]);
      const result = await flush(bufferWith(2), [target()], resource, h.deps);
      expect(result.targets[0]).toMatchObject({ ok: false, status: code, attempts: 1 });
      expect(h.sleeps).toEqual([]);
    }
  });

  it("takes a 200 with partialSuccess as success", async () => {
    const partial = new Response(JSON.stringify({ partialSuccess: { rejectedSpans: "1", errorMessage: "too old" } }), {
      status: 200,
    });
    const h = harness([partial, ok()]);
    const result = await flush(bufferWith(2), [target({ protocol: "http/json" })], resource, h.deps);
    expect(result.targets[0]).toMatchObject({ ok: true, attempts: 1 });
  });

  it("logs a partial success with its count and message, from a JSON or a protobuf answer, at most once a minute", async () => {
    const json = new Response(JSON.stringify({ partialSuccess: { rejectedSpans: "2", errorMessage: "spans too old" } }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
    const h = harness([json]);
    const buffer = bufferWith(3);
    const result = await flush(buffer, [target({ protocol: "http/json" })], resource, h.deps);
    expect(result.targets[0]).toMatchObject({ ok: true, attempts: 1, spans: 3, rejectedSpans: 2 });
    expect(h.logs).toEqual([
      'tracegate: collector rejected 2 span(s) (http://collector.test/v1/traces: "spans too old")',
    ]);
    // ExportTraceServiceResponse { partial_success (1) { rejected_spans (1) = 5, error_message (2) = "quota" } }
    const message = new TextEncoder().encode("quota");
    const proto = new Uint8Array([0x0a, 4 + message.length, 0x08, 0x05, 0x12, message.length, ...message]);
    const protoAnswer = () => new Response(proto, { status: 200, headers: { "content-type": "application/x-protobuf" } });
    const p = harness([protoAnswer()]);
    buffer.add([span(7)]);
    const again = await flush(buffer, [target()], resource, p.deps);
    expect(again.targets[0]).toMatchObject({ ok: true, rejectedSpans: 5 });
    expect(p.logs).toEqual([]); // within the minute: counted, not logged yet
    p.advance(60_000);
    buffer.add([span(8)]);
    await flush(buffer, [target()], resource, p.deps);
    expect(p.logs).toEqual([
      'tracegate: collector rejected 10 span(s) (http://collector.test/v1/traces: "quota") (since 60 s ago)',
    ]);
  });

  it("ignores a success answer without a partial success, or one it cannot read", async () => {
    for (const answer of [
      new Response("", { status: 200 }),
      new Response("{}", { status: 200, headers: { "content-type": "application/json" } }),
      new Response(JSON.stringify({ partialSuccess: {} }), { status: 200, headers: { "content-type": "application/json" } }),
      new Response("not json", { status: 200, headers: { "content-type": "application/json" } }),
      new Response(new Uint8Array([0x0a, 0x7f, 0x08]), { status: 200, headers: { "content-type": "application/x-protobuf" } }),
      new Response(new Uint8Array([0x0a, 0x00]), { status: 200, headers: { "content-type": "application/x-protobuf" } }),
    ]) {
      const h = harness([answer]);
      const result = await flush(bufferWith(1), [target()], resource, h.deps);
      expect(result.targets[0]).toEqual({ url: "http://collector.test/v1/traces", ok: true, status: 200, attempts: 1, spans: 1 });
      expect(h.logs).toEqual([]);
    }
  });

  it("retries network errors", async () => {
    const h = harness([new TypeError("Network connection lost."), ok()]);
    const result = await flush(bufferWith(2), [target()], resource, h.deps);
    expect(result.targets[0]).toMatchObject({ ok: true, attempts: 2 });
    expect(result.targets[0]).toHaveProperty("status", 200);
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    const seconds = harness([status(429, { "retry-after": "2" }), ok()]);
    await flush(bufferWith(1), [target()], resource, seconds.deps);
    expect(seconds.sleeps).toEqual([2000]);
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    const date = harness([status(503, { "retry-after": new Date(start + 3000).toUTCString() }), ok()], start);
    await flush(bufferWith(1), [target()], resource, date.deps);
    expect(date.sleeps).toEqual([3000]);
    expect(retryAfterMs("soon", start)).toBeUndefined();
    expect(retryAfterMs(new Date(start - 5000).toUTCString(), start)).toBe(0);
  });

  it("gives up at once when Retry-After asks for longer than the cap", async () => {
    const h = harness([status(429, { "retry-after": "60" }), ok()]);
    const result = await flush(bufferWith(1), [target()], resource, h.deps);
    expect(result.targets[0]).toMatchObject({ ok: false, status: 429, attempts: 1 });
    expect(h.sleeps).toEqual([]);
  });

  it("stops retrying when the total budget would be exceeded", async () => {
    const h = harness([]);
    const slow = async () => {
      h.advance(9_000); // each attempt takes 9 s before the collector answers 503
      return new Response("", { status: 503, headers: { "retry-after": "3" } });
    };
    const result = await flush(bufferWith(1), [target()], resource, { ...h.deps, fetch: slow });
    // 9 s, wait 3 s, 9 s = 21 s: a third attempt would start past the 20 s budget.
    expect(result.targets[0]).toMatchObject({ ok: false, status: 503, attempts: 2 });
    expect(h.sleeps).toEqual([3000]);
  });

  it("times each POST out with AbortSignal.timeout, and retries", async () => {
    const h = harness([]);
    const hang = (call: Call) =>
      new Promise<Response>((_, reject) => {
        call.signal?.addEventListener("abort", () => reject(call.signal?.reason));
      });
    const result = await flush(bufferWith(1), [target({ timeoutMs: 5 })], resource, {
      ...h.deps,
      fetch: (input, init) => hang({ url: String(input), headers: new Headers(), body: new Uint8Array(), signal: init?.signal }),
    });
    expect(result.targets[0]).toMatchObject({ ok: false, attempts: 3 });
    expect(result.targets[0]).not.toHaveProperty("status");
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toContain("TimeoutError");
  });

  it("logs one line per failed target: redacted URL, status, span count; never header values", async () => {
    const secretUrl = "https://user:hunter2@collector.example.com:4318/v1/traces?api_key=qwerty";
    const h = harness({ [secretUrl]: [status(401)], "http://ok.test/v1/traces": [ok()] });
    const result = await flush(
      bufferWith(30, { pad: "p".repeat(200) }),
      [
        target({ url: secretUrl, headers: { authorization: "Bearer sk-very-secret", "x-api-key": "k-secret" } }),
        target({ url: "http://ok.test/v1/traces" }),
      ],
      resource,
      { ...h.deps, maxBodyBytes: 2_000 },
    );
    expect(result.targets.map((t) => t.ok)).toEqual([false, true]);
    expect(h.logs).toHaveLength(1);
    const [line] = h.logs;
    expect(line).toContain("https://collector.example.com:4318/v1/traces");
    expect(line).toContain("status 401");
    expect(line).toContain("30 of 30 span(s)");
    for (const secret of ["hunter2", "qwerty", "sk-very-secret", "k-secret", "user"]) expect(line).not.toContain(secret);
  });

  it("logs spans the buffer dropped", async () => {
    const h = harness([ok()]);
    const buffer = new SpanBuffer(2);
    buffer.add([span(0), span(1), span(2), span(3), span(4)]);
    const result = await flush(buffer, [target()], resource, h.deps);
    expect(result).toMatchObject({ spans: 2, dropped: 3 });
    expect(h.logs).toEqual(["tracegate: span buffer full; 3 span(s) dropped before export"]);
  });

  it("shares one POST between concurrent flushes of the same buffer", async () => {
    const h = harness([ok()]);
    const buffer = bufferWith(4);
    const [first, second] = await Promise.all([
      flush(buffer, [target()], resource, h.deps),
      flush(buffer, [target()], resource, h.deps),
    ]);
    expect(first.spans + second.spans).toBe(4);
    expect(h.calls).toHaveLength(1);
  });
});
