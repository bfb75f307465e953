import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/config/validate";
import { collectedSpans, collectorExporter, type CollectedSpan } from "../helpers/collector";
import { requestApp } from "../helpers/request";

// Who called and in which conversation, on the SERVER and CLIENT spans: user.id from the authenticated client,
// gen_ai.conversation.id / session.id from headers or body fields, the request's own end user (hashed on request).
const SERVER = 2;
const CLIENT = 3;
const CLIENT_KEY = "tg-identity-test-key-0001";

function env(tracing: Record<string, unknown> = {}) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "mock/echo", default: true }],
      auth: { keys: [{ name: "billing-service", key: "$CLIENT_KEY" }] },
      tracing: { random_sampling: 100, exporters: [collectorExporter()], ...tracing },
    }),
    CLIENT_KEY,
  };
}

let sent = 0;
async function send(path: string, body: Record<string, unknown>, environment: Record<string, string>, headers: Record<string, string> = {}) {
  const traceId = `1d37${(++sent).toString(16).padStart(28, "0")}`;
  const res = await requestApp(
    path,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CLIENT_KEY}`,
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
        ...headers,
      },
      body: JSON.stringify(body),
    },
    environment,
  );
  expect(res.status).toBe(200);
  const spans = await collectedSpans(traceId);
  const server = spans.find((s) => s.kind === SERVER);
  const client = spans.find((s) => s.kind === CLIENT);
  if (!server || !client) throw new Error("expected a SERVER and a CLIENT span");
  return { server, client };
}

const chat = (extra: Record<string, unknown> = {}) => ({ model: "mock/echo", messages: [{ role: "user", content: "hi" }], ...extra });
const message = (extra: Record<string, unknown> = {}) => ({ model: "mock/echo", max_tokens: 5, messages: [{ role: "user", content: "hi" }], ...extra });
const both = (spans: { server: CollectedSpan; client: CollectedSpan }, key: string) => [spans.server.attributes[key], spans.client.attributes[key]];

describe("who called, and in which conversation", () => {
  it("user.id is the authenticated client's name; conversation and session ids come from the default headers", async () => {
    const spans = await send("/v1/chat/completions", chat({ user: "alice@example.com" }), env(), {
      "x-conversation-id": "conv-1",
      "x-session-id": "sess-9",
    });
    expect(both(spans, "user.id")).toEqual(["billing-service", "billing-service"]);
    expect(both(spans, "gen_ai.conversation.id")).toEqual(["conv-1", "conv-1"]);
    expect(both(spans, "session.id")).toEqual(["sess-9", "sess-9"]);
    // The request's own end user is not recorded unless the config says so.
    expect(both(spans, "enduser.id")).toEqual([undefined, undefined]);
    expect(JSON.stringify(spans)).not.toContain("alice@example.com");
  });

  it("configured headers and body fields; a body field wins over the header", async () => {
    const config = env({
      conversation_id: { header: "X-Thread", body_field: "metadata.thread" },
      session_id: { body_field: "metadata.session" },
    });
    const spans = await send("/v1/chat/completions", chat({ metadata: { thread: "t-body", session: "s-body" } }), config, {
      "x-thread": "t-header",
      "x-session-id": "ignored: only the body field is configured",
    });
    expect(both(spans, "gen_ai.conversation.id")).toEqual(["t-body", "t-body"]);
    expect(both(spans, "session.id")).toEqual(["s-body", "s-body"]);
    const headerOnly = await send("/v1/chat/completions", chat(), config, { "x-thread": "t-header" });
    expect(both(headerOnly, "gen_ai.conversation.id")).toEqual(["t-header", "t-header"]);
    expect(both(headerOnly, "session.id")).toEqual([undefined, undefined]);
  });

  it("end_user.from_body: OpenAI safety_identifier (else user) as enduser.id", async () => {
    const config = env({ end_user: { from_body: true } });
    const spans = await send("/v1/chat/completions", chat({ safety_identifier: "user-42", user: "older-field" }), config);
    expect(both(spans, "enduser.id")).toEqual(["user-42", "user-42"]);
    const older = await send("/v1/chat/completions", chat({ user: "older-field" }), config);
    expect(both(older, "enduser.id")).toEqual(["older-field", "older-field"]);
  });

  it("end_user.hash: the SHA-256 (hex) as enduser.pseudo.id, never the value; Anthropic metadata.user_id", async () => {
    const config = env({ end_user: { from_body: true, hash: true } });
    const openai = await send("/v1/chat/completions", chat({ user: "alice@example.com" }), config);
    expect(both(openai, "enduser.pseudo.id")).toEqual([
      "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
      "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
    ]);
    expect(JSON.stringify(openai)).not.toContain("alice@example.com");
    const anthropic = await send("/v1/messages", message({ metadata: { user_id: "user-42" } }), config);
    expect(both(anthropic, "enduser.pseudo.id")).toEqual([
      "6d894aa3ee802549d7f340e7c1cf0d1c1cb14cd84f768d92ffaa6785337c4997",
      "6d894aa3ee802549d7f340e7c1cf0d1c1cb14cd84f768d92ffaa6785337c4997",
    ]);
    expect(both(anthropic, "enduser.id")).toEqual([undefined, undefined]);
  });

  it("bad identity config is reported with its key path", () => {
    const result = validateConfig({
      model_providers: [{ model: "mock/echo" }],
      tracing: {
        random_sampling: 10,
        conversation_id: { header: "x conv", body_field: "metadata..id" },
        session_id: { cookie: "sid" },
        end_user: { from_body: "yes", hash: true },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'tracing.conversation_id.header: expected a header name, got "x conv"',
      'tracing.conversation_id.body_field: expected a field of the request body, e.g. "metadata.conversation_id", got "metadata..id"',
      "tracing.session_id.cookie: unknown key",
      "tracing.end_user.from_body: expected true or false, got a string",
    ]);
  });
});
