import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectorExporter } from "../helpers/collector";
import { requestApp } from "../helpers/request";

// Property tests over what a hostile or broken client can send: whatever the body or trace headers, the gateway
// answers with a status below 500 in the route's own error format, and never throws.
const ENV = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [{ model: "mock/echo", default: true }],
    limits: { max_body_bytes: 4096 },
    auth: "none",
    // Tracing on so every request goes through the trace-context parsers and records its spans.
    tracing: { random_sampling: 100, exporters: [collectorExporter()] },
  }),
};

const ROUTES = [
  { path: "/v1/chat/completions", isError: (b: unknown) => hasKey(b, "error") },
  { path: "/v1/messages", isError: (b: unknown) => hasKey(b, "type") && (b as { type: unknown }).type === "error" },
] as const;

function hasKey(value: unknown, key: string): boolean {
  return typeof value === "object" && value !== null && key in value;
}

async function send(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await requestApp(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }, ENV);
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

function expectWellFormed(route: (typeof ROUTES)[number], r: { status: number; text: string }) {
  expect(r.status).toBeLessThan(500);
  const json: unknown = JSON.parse(r.text.startsWith("data:") || r.text.startsWith("event:") ? "{}" : r.text);
  if (r.status >= 400) expect(route.isError(json)).toBe(true);
}

const messageLike = fc.record(
  { role: fc.oneof(fc.constantFrom("user", "assistant", "system", "tool", "developer"), fc.jsonValue()), content: fc.jsonValue() },
  { requiredKeys: [] },
);
const bodyLike = fc.record(
  {
    model: fc.oneof(fc.constant("mock/echo"), fc.jsonValue()),
    messages: fc.oneof(fc.array(messageLike, { maxLength: 4 }), fc.jsonValue()),
    max_tokens: fc.oneof(fc.integer(), fc.jsonValue()),
    stream: fc.oneof(fc.boolean(), fc.jsonValue()),
    tools: fc.jsonValue(),
    system: fc.jsonValue(),
    stream_options: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe("request bodies", () => {
  for (const route of ROUTES) {
    it(`${route.path}: any JSON value gets a well-formed answer`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), bodyLike), async (body) => {
          expectWellFormed(route, await send(route.path, JSON.stringify(body)));
        }),
        { numRuns: 150 },
      );
    });

    it(`${route.path}: arbitrary bytes and strings get a well-formed answer`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 })), async (body) => {
          expectWellFormed(route, await send(route.path, body));
        }),
        { numRuns: 100 },
      );
    });
  }

  it("refuses too deep JSON, invalid UTF-8, a wrong content type and a body over the limit with clear 4xx", async () => {
    const deep = await send("/v1/chat/completions", "[".repeat(100) + "]".repeat(100));
    expect(deep.status).toBe(400);
    expect(deep.text).toContain("nests deeper than 64 levels");
    const utf8 = await send("/v1/messages", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(utf8.status).toBe(400);
    expect(utf8.text).toContain("not valid UTF-8");
    const form = await send("/v1/chat/completions", "a=b", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(JSON.parse(form.text)).toMatchObject({ error: { code: "unsupported_media_type" } });
    const big = await send("/v1/messages", JSON.stringify({ pad: "x".repeat(5000) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ type: "error", error: { type: "request_too_large" } });
  });
  it("refuses what a browser sends cross-site without a preflight: text/plain, a form, no content type (D15)", async () => {
    const body = JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] });
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "multipart/form-data; boundary=x"]) {
      const res = await send("/v1/chat/completions", body, { "content-type": type });
      expect(res.status).toBe(415);
    }
    const none = await requestApp("/v1/messages", { method: "POST", body: new Blob([body]) }, ENV);
    expect(none.headers.get("content-type")).toContain("application/json");
    expect(none.status).toBe(415);
    expect(((await none.json()) as { error: { message: string } }).error.message).toBe(
      "content-type must be application/json, got none",
    );
    expect((await send("/v1/chat/completions", body, { "content-type": "application/json; charset=utf-8" })).status).toBe(200);
  });
  // "passes unknown fields through to the provider unchanged" lives in test/e2e/gateway-sdks.test.ts, where a real
  // provider on loopback shows what it received.
});

describe("trace headers", () => {
  const header = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.stringMatching(/^[0-9a-fA-F -]{0,70}$/),
    fc.constant(`00-${"a".repeat(32)}-${"b".repeat(16)}-01`),
    fc.string({ maxLength: 3000, unit: "binary-ascii" }),
  );

  it("any traceparent/tracestate still gets an answer with a valid traceresponse", async () => {
    await fc.assert(
      fc.asyncProperty(header, header, async (traceparent, tracestate) => {
        const headers: Record<string, string> = {};
        // Headers cannot carry control characters or leading/trailing whitespace beyond what fetch allows.
        const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\uffff]/g, "").trim();
        headers.traceparent = clean(traceparent);
        headers.tracestate = clean(tracestate);
        const r = await send("/v1/chat/completions", JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }), headers);
        expect(r.status).toBe(200);
        expect(r.headers.get("traceresponse")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/);
      }),
      { numRuns: 150 },
    );
  });
});
