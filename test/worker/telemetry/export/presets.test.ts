import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import "../../loopback/context";
import { scriptAnswer, SPAN_KIND, spansOf, sse, traceIdOf } from "../../loopback/client";
import type { QueriedSpan } from "../../loopback/context";
import { requestApp } from "../../helpers/request";

// Exporter presets (issue 13): each backend's documented OTLP/HTTP contract (path, auth header, encoding) and the
// attributes that make a model call show as a generation, checked on what the loopback collector received.
const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");

const chunk = (extra: Record<string, unknown>) => ({
  data: { id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-test", ...extra },
});
const STREAM = sse([
  chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "Hi" }, finish_reason: null }] }),
  chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }),
  { data: "[DONE]" },
]);

/** One streamed request through a gateway exporting only to `exporter`; the spans the collector got for it. */
async function exported(exporter: Record<string, unknown>, bindings: Record<string, string> = {}) {
  const model = await scriptAnswer({ body: STREAM });
  const env = {
    ...bindings,
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "openai/*", base_url: provider, access_key: "sk-loopback" }],
      auth: "none",
      tracing: { random_sampling: 100, exporters: [exporter] },
    }),
  };
  const res = await requestApp(
    "/v1/chat/completions",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: `openai/${model}`, stream: true, messages: [{ role: "user", content: "hi" }] }),
    },
    env,
  );
  expect(res.status).toBe(200);
  const spans = await spansOf(traceIdOf(res), 2);
  const server = spans.find((s) => s.kind === SPAN_KIND.SERVER);
  const client = spans.find((s) => s.kind === SPAN_KIND.CLIENT);
  if (!server || !client) throw new Error(`expected a SERVER and a CLIENT span, got ${spans.length} span(s)`);
  return { server, client };
}

/** The OTLP request's headers that identify the backend contract (not host, length, connection…). */
function contract(span: QueriedSpan, names: readonly string[]) {
  const picked: Record<string, string | undefined> = {};
  for (const name of names) picked[name] = span.request.headers[name];
  return { path: span.request.path, headers: picked };
}

const AUTH_HEADERS = ["content-type", "authorization", "x-langfuse-ingestion-version", "dd-api-key", "dd-protocol", "dd-otlp-source", "x-honeycomb-team", "x-honeycomb-dataset"];

describe("exporter presets", () => {
  it("langfuse: /api/public/otel/v1/traces, Basic public:secret key (a secret binding), ingestion version 4; a generation with its completion start", async () => {
    const { server, client } = await exported(
      { preset: "langfuse", endpoint: collector, public_key: "pk-lf-1", secret_key: "$LANGFUSE_SECRET_KEY" },
      { LANGFUSE_SECRET_KEY: "sk-lf-1" },
    );
    expect(contract(client, AUTH_HEADERS)).toEqual({
      path: "/api/public/otel/v1/traces",
      headers: {
        "content-type": "application/x-protobuf",
        authorization: "Basic cGstbGYtMTpzay1sZi0x",
        "x-langfuse-ingestion-version": "4",
        "dd-api-key": undefined,
        "dd-protocol": undefined,
        "dd-otlp-source": undefined,
        "x-honeycomb-team": undefined,
        "x-honeycomb-dataset": undefined,
      },
    });
    expect(client.attributes["langfuse.observation.type"]).toBe("generation");
    const first = client.events.find((e) => e.name === "gen_ai.first_chunk");
    const firstIso = new Date(Number(BigInt(first?.timeNs ?? "0") / 1_000_000n)).toISOString();
    expect(client.attributes["langfuse.observation.completion_start_time"]).toBe(JSON.stringify(firstIso));
    expect(server.attributes["langfuse.observation.type"]).toBeUndefined();
  });

  it("datadog (APM): /v1/traces, protobuf, dd-api-key and dd-protocol: otlp", async () => {
    const { client } = await exported({ preset: "datadog", endpoint: collector, api_key: "dd-key-1" });
    expect(contract(client, AUTH_HEADERS)).toEqual({
      path: "/v1/traces",
      headers: {
        "content-type": "application/x-protobuf",
        authorization: undefined,
        "x-langfuse-ingestion-version": undefined,
        "dd-api-key": "dd-key-1",
        "dd-protocol": "otlp",
        "dd-otlp-source": undefined,
        "x-honeycomb-team": undefined,
        "x-honeycomb-dataset": undefined,
      },
    });
  });

  it("datadog-llmobs: /v1/traces, protobuf, dd-api-key and dd-otlp-source: llmobs; the GenAI attributes as they are", async () => {
    const { client } = await exported({ preset: "datadog-llmobs", endpoint: collector, api_key: "dd-key-2" });
    expect(contract(client, ["content-type", "dd-api-key", "dd-otlp-source", "dd-protocol"])).toEqual({
      path: "/v1/traces",
      headers: { "content-type": "application/x-protobuf", "dd-api-key": "dd-key-2", "dd-otlp-source": "llmobs", "dd-protocol": undefined },
    });
    expect(client.attributes["gen_ai.operation.name"]).toBe("chat");
    expect(client.attributes["gen_ai.usage.output_tokens"]).toBe(3);
  });

  it("phoenix: /v1/traces, Bearer api key; OpenInference LLM span with model, provider and token counts, the SERVER span a CHAIN", async () => {
    const { server, client } = await exported({ preset: "phoenix", endpoint: collector, api_key: "px-key" });
    expect(contract(client, ["content-type", "authorization"])).toEqual({
      path: "/v1/traces",
      headers: { "content-type": "application/x-protobuf", authorization: "Bearer px-key" },
    });
    expect(client.attributes).toMatchObject({
      "openinference.span.kind": "LLM",
      "llm.model_name": "gpt-test",
      "llm.provider": "openai",
      "llm.token_count.prompt": 7,
      "llm.token_count.completion": 3,
      "llm.token_count.total": 10,
    });
    expect(server.attributes["openinference.span.kind"]).toBe("CHAIN");
  });

  it("honeycomb: /v1/traces, x-honeycomb-team and, for Classic, x-honeycomb-dataset; JSON when asked", async () => {
    const { client } = await exported({ preset: "honeycomb", endpoint: collector, api_key: "hc-key", dataset: "llm", protocol: "http/json" });
    expect(contract(client, ["content-type", "x-honeycomb-team", "x-honeycomb-dataset", "authorization"])).toEqual({
      path: "/v1/traces",
      headers: { "content-type": "application/json", "x-honeycomb-team": "hc-key", "x-honeycomb-dataset": "llm", authorization: undefined },
    });
  });

  it("grafana-cloud: the stack's /otlp gateway + /v1/traces, Basic instance id:token", async () => {
    const { client } = await exported({ preset: "grafana-cloud", endpoint: `${collector}/otlp`, instance_id: "123456", token: "glc_token" });
    expect(contract(client, ["content-type", "authorization"])).toEqual({
      path: "/otlp/v1/traces",
      headers: { "content-type": "application/x-protobuf", authorization: "Basic MTIzNDU2OmdsY190b2tlbg==" },
    });
  });

  it("jaeger: /v1/traces, protobuf, no credentials", async () => {
    const { client } = await exported({ preset: "jaeger", endpoint: collector });
    expect(contract(client, ["content-type", "authorization"])).toEqual({
      path: "/v1/traces",
      headers: { "content-type": "application/x-protobuf", authorization: undefined },
    });
  });
});
