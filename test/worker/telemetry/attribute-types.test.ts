import { describe, expect, it } from "vitest";
import {
  collectedSpans,
  collectorExporter,
  protobufCollectorExporter,
  type CollectedSpan,
} from "../helpers/collector";
import { requestApp } from "../helpers/request";

// Every attribute tracegate puts on a span, checked against the type its registry declares, as exported in both OTLP
// encodings by real requests through the app. Types from the registries: semantic-conventions v1.41
// (model/gen-ai/registry.yaml, the version in force by default; gen-ai moved to semantic-conventions-genai, whose
// main changes gen_ai.request.top_k to int), model/{http,url,server,client,error,user-agent}/registry.yaml, the
// OpenAI attributes (model/openai), and tracegate's own (docs/tracing.md).
const REGISTRY: Readonly<Record<string, string>> = {
  "gen_ai.operation.name": "string",
  "gen_ai.provider.name": "string",
  "gen_ai.request.model": "string",
  "gen_ai.request.max_tokens": "int",
  "gen_ai.request.choice.count": "int",
  "gen_ai.request.seed": "int",
  "gen_ai.request.temperature": "double",
  "gen_ai.request.top_p": "double",
  "gen_ai.request.top_k": "double",
  "gen_ai.request.frequency_penalty": "double",
  "gen_ai.request.presence_penalty": "double",
  "gen_ai.request.stop_sequences": "string[]",
  "gen_ai.request.stream": "boolean",
  "gen_ai.request.reasoning.level": "string",
  "gen_ai.output.type": "string",
  "gen_ai.response.id": "string",
  "gen_ai.response.model": "string",
  "gen_ai.response.finish_reasons": "string[]",
  "gen_ai.response.time_to_first_chunk": "double",
  "gen_ai.usage.input_tokens": "int",
  "gen_ai.usage.output_tokens": "int",
  "gen_ai.usage.cache_read.input_tokens": "int",
  "gen_ai.usage.cache_creation.input_tokens": "int",
  "gen_ai.usage.reasoning.output_tokens": "int",
  "gen_ai.request.encoding_formats": "string[]",
  "gen_ai.embeddings.dimension.count": "int",
  // `any` in the registry; "MAY be recorded as a JSON string" on spans.
  "gen_ai.input.messages": "string",
  "gen_ai.output.messages": "string",
  "gen_ai.system_instructions": "string",
  "gen_ai.tool.definitions": "string",
  "openai.request.service_tier": "string",
  "openai.response.service_tier": "string",
  "openai.response.system_fingerprint": "string",
  "server.address": "string",
  "server.port": "int",
  "error.type": "string",
  "http.request.method": "string",
  "http.response.status_code": "int",
  "http.route": "string",
  "url.path": "string",
  "url.scheme": "string",
  "url.query": "string",
  "user_agent.original": "string",
  "client.address": "string",
  "cloudflare.ray_id": "string",
  "cloudflare.colo": "string",
  "tracegate.client.name": "string",
  "tracegate.request.model": "string",
  "tracegate.attempt": "int",
  // model/user, model/enduser, model/session registries; gen_ai.conversation.id is in the gen-ai registry.
  "user.id": "string",
  "enduser.id": "string",
  "enduser.pseudo.id": "string",
  "session.id": "string",
  "gen_ai.conversation.id": "string",
  // Not in a registry: the cost as Langfuse reads it, and tracegate's own (docs/tracing.md).
  "gen_ai.usage.cost": "double",
  "tracegate.usage.output_tokens_delivered": "int",
  "tracegate.stream.abandoned_read": "string",
};

/** Under gen_ai_latest_experimental (semantic-conventions-genai main). */
const LATEST_REGISTRY: Readonly<Record<string, string>> = {
  ...REGISTRY,
  "gen_ai.request.top_k": "int",
  "gen_ai.usage.cache_write.input_tokens": "int",
};

const CLIENT_KEY = "tg-attribute-types-key-01";
const env = (extra: Record<string, string> = {}) => ({
  GATEWAY_CONFIG: JSON.stringify({
    // A price for the mock's models, so the cost is exported too.
    model_providers: [{ model: "mock/echo", default: true, pricing: { input: 1, output: 3 } }, { model: "mock/*" }],
    auth: { keys: [{ name: "types-test", key: "$CLIENT_KEY" }] },
    tracing: {
      random_sampling: 100,
      capture_content: true,
      exporters: [collectorExporter(), protobufCollectorExporter()],
    },
  }),
  CLIENT_KEY,
  ...extra,
});

let sent = 0;
async function send(path: string, body: Record<string, unknown>, environment = env()): Promise<CollectedSpan[]> {
  const traceId = `a77e${(++sent).toString(16).padStart(28, "0")}`;
  const res = await requestApp(
    path,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CLIENT_KEY}`,
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
        "user-agent": "types-test/1.0",
        "cf-ray": "8f0000000000abcd-AMS",
        "cf-connecting-ip": "203.0.113.7",
      },
      body: JSON.stringify(body),
    },
    environment,
  );
  await res.arrayBuffer();
  return collectedSpans(traceId);
}

/** Every attribute's exported type matches the registry; returns the keys seen. */
function checkTypes(spans: readonly CollectedSpan[], registry: Readonly<Record<string, string>>): Set<string> {
  const seen = new Set<string>();
  for (const span of spans) {
    for (const [key, type] of Object.entries(span.attributeTypes)) {
      seen.add(key);
      expect(registry[key], `${key} is not in the registry table`).toBeDefined();
      expect(`${key}: ${type} (${span.encoding})`).toBe(`${key}: ${registry[key]} (${span.encoding})`);
    }
  }
  return seen;
}

const openaiStream = {
  model: "mock/echo",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "hello there" },
  ],
  stream: true,
  stream_options: { include_usage: true },
  temperature: 1,
  top_p: 1,
  frequency_penalty: 0,
  presence_penalty: 2,
  seed: 42,
  n: 2,
  stop: ["\n\n"],
  max_completion_tokens: 64,
  response_format: { type: "json_object" },
  reasoning_effort: "low",
  service_tier: "flex",
  tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
};

const anthropicMessage = {
  model: "mock/echo",
  max_tokens: 32,
  system: "Be brief.",
  messages: [{ role: "user", content: "hi" }],
  temperature: 1,
  top_k: 5,
};

describe("attribute types follow the registry, in both OTLP encodings", () => {
  it("a streamed OpenAI request with every parameter, and an Anthropic one: each attribute as its registry type", async () => {
    const spans = [
      ...(await send("/v1/chat/completions?api_key=sk-secret&debug=1", openaiStream)),
      ...(await send("/v1/messages", anthropicMessage)),
      ...(await send("/v1/chat/completions", { ...openaiStream, model: "mock/broken-stream", n: 1 })),
      ...(await send("/v1/embeddings", { model: "mock/echo", input: ["a", "b"], encoding_format: "float", dimensions: 8 })),
    ];
    expect(new Set(spans.map((s) => s.encoding))).toEqual(new Set(["json", "protobuf"]));
    const seen = checkTypes(spans, REGISTRY);
    // Not vacuous: the doubles, the ints and the gateway's own attributes were all exported.
    for (const key of [
      "gen_ai.request.temperature",
      "gen_ai.request.top_p",
      "gen_ai.request.frequency_penalty",
      "gen_ai.request.presence_penalty",
      "gen_ai.response.time_to_first_chunk",
      "gen_ai.request.seed",
      "gen_ai.request.choice.count",
      "gen_ai.request.reasoning.level",
      "openai.request.service_tier",
      "server.port",
      "url.query",
      "error.type",
      "tracegate.request.model",
      "gen_ai.tool.definitions",
      "gen_ai.request.encoding_formats",
      "gen_ai.embeddings.dimension.count",
      "gen_ai.usage.cost",
      "user.id",
    ]) {
      expect(seen, key).toContain(key);
    }
  });

  it('"temperature": 1 is the double 1.0 in JSON and protobuf, never an int', async () => {
    const spans = (await send("/v1/chat/completions", openaiStream)).filter((s) => s.kind === 3);
    expect(spans.map((s) => s.encoding).sort()).toEqual(["json", "protobuf"]);
    for (const span of spans) {
      expect(span.attributeTypes["gen_ai.request.temperature"]).toBe("double");
      expect(span.attributes["gen_ai.request.temperature"]).toBe(1);
      expect(span.attributeTypes["gen_ai.request.frequency_penalty"]).toBe("double");
      expect(span.attributes["gen_ai.request.frequency_penalty"]).toBe(0);
      // An int stays an int.
      expect(span.attributeTypes["gen_ai.request.seed"]).toBe("int");
    }
  });

  it("under OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental, top_k is an int (the newest registry)", async () => {
    const latest = env({ OTEL_SEMCONV_STABILITY_OPT_IN: "http, gen_ai_latest_experimental" });
    // An Anthropic-interface upstream keeps top_k: the built-in mock speaks OpenAI, so the body goes through as is.
    const spans = await send("/v1/chat/completions", { ...openaiStream, top_k: 5 }, latest);
    checkTypes(spans, LATEST_REGISTRY);
    const client = spans.filter((s) => s.kind === 3);
    expect(client).toHaveLength(2);
    for (const span of client) expect(span.attributeTypes["gen_ai.request.top_k"]).toBe("int");
    const byDefault = (await send("/v1/chat/completions", { ...openaiStream, top_k: 5 })).filter((s) => s.kind === 3);
    for (const span of byDefault) expect(span.attributeTypes["gen_ai.request.top_k"]).toBe("double");
  });
});
