import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../../src/app";
import { collectedSpans, collectorExporter, type CollectedSpan } from "../helpers/collector";
import { requestApp } from "../helpers/request";

// The SERVER span tells the truth about a request that failed after its headers: the status code stays as sent (200),
// the span's status is ERROR with the failure's error.type. And the gateway's own decisions reach the spans.
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const CLIENT_KEY = "tg-outcome-test-key-0001";
const env = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [{ model: "mock/echo" }, { model: "mock/*" }],
    model_aliases: { fast: { target: "mock/echo" } },
    auth: { keys: [{ name: "outcome-test", key: "$CLIENT_KEY" }] },
    tracing: { random_sampling: 100, exporters: [collectorExporter()] },
  }),
  CLIENT_KEY,
};

let sent = 0;
function request(body: Record<string, unknown>, query = "", headers: Record<string, string> = {}) {
  const traceId = `0c7e${(++sent).toString(16).padStart(28, "0")}`;
  const init: RequestInit = {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${CLIENT_KEY}`,
      traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      ...headers,
    },
    body: JSON.stringify(body),
  };
  return { traceId, path: `/v1/chat/completions${query}`, init };
}

const byKind = (spans: CollectedSpan[], kind: number) => spans.filter((s) => s.kind === kind);

describe("the SERVER span after a failure past the response headers", () => {
  it("a provider that resets mid-stream: 200 as sent, status ERROR with the call's error.type", async () => {
    const { traceId, path, init } = request({
      model: "mock/broken-stream",
      stream: true,
      messages: [{ role: "user", content: "one two three four five six" }],
    });
    const res = await requestApp(path, init, env);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("broke off its answer");
    const spans = await collectedSpans(traceId);
    const [server] = byKind(spans, SERVER);
    const [client] = byKind(spans, CLIENT);
    expect(client?.attributes["error.type"]).toBe("upstream_error");
    expect(server?.attributes["http.response.status_code"]).toBe(200);
    expect(server?.attributes["error.type"]).toBe("upstream_error");
    expect(server?.status).toEqual({ code: ERROR, message: "provider mock.tracegate.invalid broke off its answer" });
  });

  it("a client that cancels the stream: 200 as sent, status ERROR, error.type cancelled", async () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    const { traceId, path, init } = request({ model: "mock/echo", stream: true, messages: [{ role: "user", content: words }] });
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(new URL(path, "http://localhost"), init), env, ctx);
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    await reader?.cancel();
    await waitOnExecutionContext(ctx);
    const spans = await collectedSpans(traceId);
    const [server] = byKind(spans, SERVER);
    expect(byKind(spans, CLIENT)[0]?.attributes["error.type"]).toBe("cancelled");
    expect(server?.attributes["http.response.status_code"]).toBe(200);
    expect(server?.attributes["error.type"]).toBe("cancelled");
    expect(server?.status.code).toBe(ERROR);
  });

  it("a stream that completes leaves the SERVER span UNSET, without error.type", async () => {
    const { traceId, path, init } = request({ model: "mock/echo", stream: true, messages: [{ role: "user", content: "hi" }] });
    const res = await requestApp(path, init, env);
    expect(res.status).toBe(200);
    const [server] = byKind(await collectedSpans(traceId), SERVER);
    expect(server?.attributes["error.type"]).toBeUndefined();
    expect(server?.status.code ?? 0).toBe(0);
  });
});

describe("the gateway's own decisions on the spans", () => {
  it("the model the client asked for (an alias) on the SERVER and CLIENT spans; the one sent upstream on CLIENT", async () => {
    const { traceId, path, init } = request({ model: "fast", messages: [{ role: "user", content: "hi" }] });
    expect((await requestApp(path, init, env)).status).toBe(200);
    const spans = await collectedSpans(traceId);
    expect(byKind(spans, SERVER)[0]?.attributes["tracegate.request.model"]).toBe("fast");
    expect(byKind(spans, CLIENT)[0]?.attributes).toMatchObject({
      "tracegate.request.model": "fast",
      "gen_ai.request.model": "echo",
    });
  });

  it("server.address/port and url.query on the SERVER span, secret query values redacted", async () => {
    const { traceId, path, init } = request(
      { model: "mock/echo", messages: [{ role: "user", content: "hi" }] },
      "?api_key=sk-live-123&Signature=abc&token=t0k&region=eu&sig=zz&access_token=a&password=p&secret=s&key=k",
    );
    expect((await requestApp(path, init, env)).status).toBe(200);
    const [server] = byKind(await collectedSpans(traceId), SERVER);
    expect(server?.attributes).toMatchObject({
      "server.address": "localhost",
      "server.port": 80,
      "url.query":
        "api_key=REDACTED&Signature=REDACTED&token=REDACTED&region=eu&sig=REDACTED&access_token=REDACTED&password=REDACTED&secret=REDACTED&key=REDACTED",
    });
    expect(JSON.stringify(server?.attributes)).not.toContain("sk-live-123");
  });

  it("the request's cf-ray on the CLIENT spans too, as on the SERVER span", async () => {
    const { traceId, path, init } = request({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }, "", {
      "cf-ray": "8f1234567890abcd-LHR",
    });
    expect((await requestApp(path, init, env)).status).toBe(200);
    const spans = await collectedSpans(traceId);
    expect(byKind(spans, SERVER)[0]?.attributes["cloudflare.ray_id"]).toBe("8f1234567890abcd-LHR");
    expect(byKind(spans, CLIENT)[0]?.attributes["cloudflare.ray_id"]).toBe("8f1234567890abcd-LHR");
  });
});

describe("captured content through the app: media placeholder, cap, tool definitions only with capture on", () => {
  const capturing = (capture: boolean, maxBytes?: number) => ({
    ...env,
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "mock/echo" }],
      auth: { keys: [{ name: "outcome-test", key: "$CLIENT_KEY" }] },
      tracing: {
        random_sampling: 100,
        capture_content: capture,
        ...(maxBytes ? { capture_content_max_bytes: maxBytes } : {}),
        exporters: [collectorExporter()],
      },
    }),
  });
  const tools = [{ type: "function", function: { name: "lookup", description: "Looks things up", parameters: { type: "object" } } }];

  it("a 700 KB image makes a span of a few KB, not a megabyte", async () => {
    const image = `data:image/png;base64,${"iVBORw0K".repeat(116_667)}`;
    const { traceId, path, init } = request({
      model: "mock/echo",
      messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: image } }] }],
      tools,
    });
    expect((await requestApp(path, init, capturing(true))).status).toBe(200);
    const [client] = byKind(await collectedSpans(traceId), CLIENT);
    const messages = String(client?.attributes["gen_ai.input.messages"]);
    expect(messages).toContain('"bytes":700002');
    expect(JSON.stringify(client?.attributes).length).toBeLessThan(4096);
    expect(client?.attributes["gen_ai.tool.definitions"]).toContain("lookup");
  });

  it("content over tracing.capture_content_max_bytes is cut with the marker", async () => {
    const { traceId, path, init } = request({ model: "mock/echo", messages: [{ role: "user", content: "z".repeat(5000) }] });
    expect((await requestApp(path, init, capturing(true, 1024))).status).toBe(200);
    const [client] = byKind(await collectedSpans(traceId), CLIENT);
    for (const key of ["gen_ai.input.messages", "gen_ai.output.messages"]) {
      const value = String(client?.attributes[key]);
      expect(new TextEncoder().encode(value).length, key).toBeLessThanOrEqual(1024);
      expect(value, key).toMatch(/…\[truncated by tracegate: \d+ bytes\]$/);
    }
  });

  it("tool definitions are content: not recorded without capture", async () => {
    const { traceId, path, init } = request({ model: "mock/echo", messages: [{ role: "user", content: "hi" }], tools });
    expect((await requestApp(path, init, capturing(false))).status).toBe(200);
    const [client] = byKind(await collectedSpans(traceId), CLIENT);
    expect(client?.attributes["gen_ai.request.model"]).toBe("echo");
    expect(client?.attributes["gen_ai.tool.definitions"]).toBeUndefined();
    expect(client?.attributes["gen_ai.input.messages"]).toBeUndefined();
  });
});
