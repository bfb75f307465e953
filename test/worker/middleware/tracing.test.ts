import { describe, expect, it } from "vitest";
import { collectedSpans, collectorExporter, type CollectedSpan } from "../helpers/collector";
import { requestApp } from "../helpers/request";
import { completionText, LOOPBACK_PROVIDER, receivedFor, scriptAnswer } from "../loopback/client";

// The tracing middleware against a real OTLP receiver on loopback: each request carries its own trace id, and
// requestApp returns only after the request's export was answered, so what the collector holds is final.
const SERVER = 2;
const CLIENT = 3;
const CLIENT_KEY = "tg-tracing-test-key-0001";

function envWith(tracing: Record<string, unknown> | undefined) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "mock/echo", default: true }],
      auth: { keys: [{ name: "tests", key: "$CLIENT_KEY" }] },
      ...(tracing ? { tracing } : {}),
    }),
    CLIENT_KEY,
  };
}
const traced = envWith({ random_sampling: 100, exporters: [collectorExporter()] });

let requests = 0;
/** A trace id per request ("7e57" marks this file's in the shared collector), so each test reads only its own spans. */
const newTraceId = () => `7e57${(++requests).toString(16).padStart(28, "0")}`;

async function send(path: string, init: RequestInit & { headers?: Record<string, string> }, env = traced) {
  const traceId = newTraceId();
  const headers = { traceparent: `00-${traceId}-b7ad6b7169203331-01`, authorization: `Bearer ${CLIENT_KEY}`, ...init.headers };
  const res = await requestApp(path, { ...init, headers }, env);
  return { res, traceId };
}

const chatBody = JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] });
const post = (path: string, headers: Record<string, string> = {}, env = traced) =>
  send(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: chatBody }, env);

async function serverSpan(traceId: string): Promise<CollectedSpan | undefined> {
  return (await collectedSpans(traceId)).find((s) => s.kind === SERVER);
}

describe("the SERVER span's name and http.route come from the route Hono matched", () => {
  it("a matched route: `{method} {route}`, with http.route", async () => {
    const { res, traceId } = await post("/v1/chat/completions");
    expect(res.status).toBe(200);
    const server = await serverSpan(traceId);
    expect(server?.name).toBe("POST /v1/chat/completions");
    expect(server?.attributes).toMatchObject({ "http.route": "/v1/chat/completions", "url.path": "/v1/chat/completions" });
  });

  it("an unknown path: named by the method alone, no http.route", async () => {
    const { res, traceId } = await send("/v1/nothing/here", { method: "GET" });
    expect(res.status).toBe(404);
    const server = await serverSpan(traceId);
    expect(server?.name).toBe("GET");
    expect(server?.attributes["http.route"]).toBeUndefined();
    expect(server?.attributes).toMatchObject({ "url.path": "/v1/nothing/here", "http.response.status_code": 404 });
  });

  it("a known path with a method it has no handler for: no route either", async () => {
    const { res, traceId } = await send("/v1/chat/completions", { method: "GET" });
    expect(res.status).toBe(404);
    const server = await serverSpan(traceId);
    expect(server?.name).toBe("GET");
    expect(server?.attributes["http.route"]).toBeUndefined();
  });

  it("a percent-encoded path: the route as registered in name and http.route, the path as it arrived in url.path", async () => {
    const { res, traceId } = await post("/v1/chat/complet%69ons");
    expect(res.status).toBe(200);
    const server = await serverSpan(traceId);
    expect(server?.name).toBe("POST /v1/chat/completions");
    expect(server?.attributes).toMatchObject({ "http.route": "/v1/chat/completions", "url.path": "/v1/chat/complet%69ons" });
  });

  it("a request the route refuses (400) keeps the route's name", async () => {
    const { res, traceId } = await send("/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "mock/echo", messages: [] }),
    });
    expect(res.status).toBe(400);
    const server = await serverSpan(traceId);
    expect(server?.name).toBe("POST /v1/messages");
    expect(server?.attributes).toMatchObject({ "http.route": "/v1/messages", "http.response.status_code": 400 });
  });
});

describe("unauthenticated requests cannot make the gateway record (issue 11 D1)", () => {
  it("a 401 with a sampled traceparent records nothing; the client's name is on an authenticated request's span", async () => {
    const refused = await post("/v1/chat/completions", { authorization: "Bearer wrong" });
    expect(refused.res.status).toBe(401);
    expect(refused.res.headers.get("traceresponse")).toBeNull();
    const accepted = await post("/v1/chat/completions");
    const server = await serverSpan(accepted.traceId);
    expect(server?.attributes).toMatchObject({ "tracegate.client.name": "tests" });
    // Exports are ordered per isolate: the accepted request's spans arrived, so the refused one's would have too.
    expect(await collectedSpans(refused.traceId)).toEqual([]);
  });

  it("a path outside the API is not traced", async () => {
    const { res, traceId } = await send("/nothing/here", { method: "GET" });
    expect(res.status).toBe(404);
    expect(res.headers.get("traceresponse")).toBeNull();
    await post("/v1/chat/completions"); // a sentinel export after it
    expect(await collectedSpans(traceId)).toEqual([]);
  });
});

describe("tracing off", () => {
  it("exports nothing, though an exporter is configured; the same request with tracing on does", async () => {
    // `random_sampling` absent: tracing off, with the collector still listed.
    const off = await post("/v1/chat/completions", {}, envWith({ exporters: [collectorExporter()] }));
    expect(off.res.status).toBe(200);
    expect(off.res.headers.get("traceresponse")).toBeNull();
    expect(await collectedSpans(off.traceId)).toEqual([]);
    // The control: the same request and collector with tracing on has its spans there when requestApp returns.
    const on = await post("/v1/chat/completions");
    expect((await collectedSpans(on.traceId)).map((s) => s.kind).sort()).toEqual([SERVER, CLIENT]);
  });

  it("passes the caller's traceparent and tracestate upstream unchanged; a tracestate alone, not at all", async () => {
    const env = {
      GATEWAY_CONFIG: JSON.stringify({ model_providers: [{ model: "openai/*", base_url: LOOPBACK_PROVIDER, access_key: "sk-loopback" }], auth: "none" }),
    };
    const chat = async (headers: Record<string, string>) => {
      const model = await scriptAnswer({ body: completionText("hi") });
      const body = JSON.stringify({ model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] });
      const res = await requestApp("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", ...headers }, body }, env);
      expect(res.status).toBe(200);
      expect(res.headers.get("traceresponse")).toBeNull();
      return receivedFor(model);
    };
    const traceparent = `00-${newTraceId()}-b7ad6b7169203331-01`;
    const both = await chat({ traceparent, tracestate: "vendor=a,other=1" });
    expect(both.headers.traceparent).toBe(traceparent);
    expect(both.headers.tracestate).toBe("vendor=a,other=1");
    // receivedFor throws unless the provider got the request.
    const alone = await chat({ tracestate: "vendor=a" });
    expect(alone.headers.traceparent).toBeUndefined();
    expect(alone.headers.tracestate).toBeUndefined();
  });
});
