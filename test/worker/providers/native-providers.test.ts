import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import "../loopback/context";
import { receivedFor, scriptAnswer, SPAN_KIND, spansOf } from "../loopback/client";
import { sdkClients } from "../helpers/sdk-clients";

// Issue 15 inside workerd: the CLIENT spans of Azure OpenAI, the Gemini API and Vertex AI (the conventions' provider
// names, usage with cached and reasoning tokens), retries and fallbacks across them, and Cloudflare AI Gateway as a
// base_url with its cf-aig-authorization secret, against loopback providers speaking each wire.
const native = inject("loopbackNative");
const scripted = inject("loopbackProvider");
const collector = inject("loopbackCollector");

const env = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [
      { model: "azure_openai/chat-deploy", base_url: native, access_key: "$AZURE_KEY" },
      { model: "google/*", base_url: `${native}/v1beta`, access_key: "$GEMINI_KEY", retry: { attempts: 2, backoff_ms: 10, max_delay_ms: 20, on_status: [429] } },
      // The access-token form: access_key is the OAuth token itself.
      { model: "vertex_ai/*", base_url: `${native}/v1`, access_key: "ya29.loopback-token", vertex: { project: "proj-9", location: "us-east5" } },
      { model: "openai/*", base_url: `${scripted}/v1/acct123/my-gateway/openai`, access_key: "sk-openai", headers: { "cf-aig-authorization": "$CF_AIG_AUTH" } },
    ],
    model_aliases: { sturdy: { targets: ["google/fail-429", "azure_openai/chat-deploy"] } },
    auth: "none",
    tracing: { random_sampling: 100, exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }] },
  }),
  AZURE_KEY: "azure-loopback-key",
  GEMINI_KEY: "gemini-loopback-key",
  CF_AIG_AUTH: "Bearer cf-aig-secret",
};
const { openai } = sdkClients(env);

async function clientSpans(traceId: string, count: number) {
  return (await spansOf(traceId, count)).filter((s) => s.kind === SPAN_KIND.CLIENT).sort((a, b) => Number(a.attributes["tracegate.attempt"]) - Number(b.attributes["tracegate.attempt"]));
}

const traceOf = (headers: Headers) => (headers.get("traceresponse") ?? "").split("-")[1] ?? "";

describe.each([
  ["azure_openai/chat-deploy", "azure.ai.openai", { input: 9, output: 4, cached: 2 }],
  ["google/gemini-2.5-flash", "gcp.gemini", { input: 12, output: 8, cached: 4, reasoning: 3 }],
  ["vertex_ai/gemini-2.5-pro", "gcp.vertex_ai", { input: 12, output: 8, cached: 4, reasoning: 3 }],
] as const)("%s", (model, providerName, usage) => {
  it.each([false, true])("the CLIENT span names the provider and its usage (streamed: %s)", async (stream) => {
    const { response } = stream
      ? await openai.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "hi" }] }).withResponse()
      : await openai.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] }).withResponse();
    const [span] = await clientSpans(traceOf(response.headers), 2);
    expect(span?.attributes).toMatchObject({
      "gen_ai.provider.name": providerName,
      "server.address": "127.0.0.1",
      "gen_ai.usage.input_tokens": usage.input,
      "gen_ai.usage.output_tokens": usage.output,
      "gen_ai.usage.cache_read.input_tokens": usage.cached,
    });
    if ("reasoning" in usage) expect(span?.attributes["gen_ai.usage.reasoning.output_tokens"]).toBe(usage.reasoning);
    expect(span?.status.code).not.toBe(2);
  });
});

describe("retries, fallbacks and an AI Gateway upstream", () => {
  it("Gemini's 429 is retried (its retry-after capped by max_delay_ms), then the alias falls back to Azure", async () => {
    const { data, response } = await openai.chat.completions.create({ model: "sturdy", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe("azure chat-deploy: hi");
    const spans = await clientSpans(traceOf(response.headers), 4);
    expect(spans.map((s) => [s.attributes["gen_ai.provider.name"], s.attributes["tracegate.fallback.reason"]])).toEqual([
      ["gcp.gemini", undefined],
      ["gcp.gemini", "429"],
      ["azure.ai.openai", "429"],
    ]);
  });

  it("Cloudflare AI Gateway: the gateway's provider URL, cf-aig-authorization from its secret, the provider key", async () => {
    const model = await scriptAnswer({
      body: JSON.stringify({ id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] }),
    });
    const res = await openai.chat.completions.create({ model: `openai/${model}`, messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0]?.message.content).toBe("ok");
    const got = await receivedFor(model);
    expect(got.path).toBe("/v1/acct123/my-gateway/openai/chat/completions");
    expect(got.headers["cf-aig-authorization"]).toBe("Bearer cf-aig-secret");
    expect(got.headers.authorization).toBe("Bearer sk-openai");
  });
});
