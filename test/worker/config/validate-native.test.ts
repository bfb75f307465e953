import { describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../../src/config/types";
import { validateConfig } from "../../../src/config/validate";

// The provider entries of issue 15: Azure OpenAI's URL forms and auth, Vertex AI's section, the wire providers,
// Plano's other named providers, and Cloudflare AI Gateway as a base_url.

function provider(entry: Record<string, unknown>): ProviderConfig {
  const result = validateConfig({ model_providers: [entry] });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  const [p] = result.config.providers;
  if (!p) throw new Error("no provider");
  return p;
}

function errors(entry: Record<string, unknown>): string[] {
  const result = validateConfig({ model_providers: [entry] });
  if (result.ok) throw new Error("expected errors, the config validated");
  return result.errors;
}

describe("azure_openai entries", () => {
  it("deployment-scoped by default (Plano's api-version), /openai/v1 when base_url says so, api-key or Entra", () => {
    expect(provider({ model: "azure_openai/prod-4o", base_url: "https://res.openai.azure.com", access_key: "$K" })).toMatchObject({
      baseUrl: "https://res.openai.azure.com/openai/deployments",
      callPath: "/{model}/chat/completions?api-version=2025-01-01-preview",
      keyHeader: "api-key",
      otelName: "azure.ai.openai",
      wire: undefined,
    });
    expect(provider({ model: "azure_openai/d", base_url: "https://res.openai.azure.com/openai/v1/", azure: { auth: "entra" } })).toMatchObject({
      baseUrl: "https://res.openai.azure.com/openai/v1",
      callPath: "/chat/completions",
      keyHeader: undefined,
    });
    expect(provider({ model: "azure_openai/d", base_url: "https://res.openai.azure.com", azure: { api_version: "2024-10-21" } }).callPath).toBe(
      "/{model}/chat/completions?api-version=2024-10-21",
    );
  });

  it("names the key of what is missing or wrong", () => {
    expect(errors({ model: "azure_openai/d" })).toEqual(['model_providers[0].base_url: required for Azure OpenAI, e.g. "https://<resource>.openai.azure.com"']);
    expect(errors({ model: "azure_openai/d", base_url: "https://r.openai.azure.com", azure: { auth: "cert", api_version: "a b" } })).toEqual([
      'model_providers[0].azure.api_version: expected an Azure API version such as "2025-01-01-preview"',
      'model_providers[0].azure.auth: expected one of "api_key", "entra", got "cert"',
    ]);
    expect(errors({ model: "openai/gpt-4o", azure: {} })).toEqual(['model_providers[0].azure: only for "azure_openai/<deployment>" entries']);
  });
});

describe("vertex_ai entries", () => {
  it("the regional endpoint from vertex.location (global has none), base_url for a proxy", () => {
    const vertex = { project: "my-proj", location: "europe-west4", service_account: "$GCP_SA" };
    expect(provider({ model: "vertex_ai/gemini-2.5-pro", vertex })).toMatchObject({
      baseUrl: "https://europe-west4-aiplatform.googleapis.com/v1",
      otelName: "gcp.vertex_ai",
      wire: "vertex",
      vertex,
    });
    expect(provider({ model: "vertex_ai/*", vertex: { project: "p" }, access_key: "$TOKEN" }).baseUrl).toBe("https://us-central1-aiplatform.googleapis.com/v1");
    expect(provider({ model: "vertex_ai/*", vertex: { project: "p", location: "global" } }).baseUrl).toBe("https://aiplatform.googleapis.com/v1");
  });

  it("needs a project; the service account only as a $SECRET", () => {
    expect(errors({ model: "vertex_ai/m" })).toEqual(["model_providers[0].vertex: required for Vertex AI: project (and location, service_account)"]);
    expect(errors({ model: "vertex_ai/m", vertex: { location: "EU west", service_account: '{"private_key": "..."}' } })).toEqual([
      'model_providers[0].vertex.project: required, the Google Cloud project id (e.g. "my-project")',
      'model_providers[0].vertex.location: expected a Vertex AI location such as "us-central1" or "global"',
      "model_providers[0].vertex.service_account: expected a $NAME reference to a secret holding the service account's JSON key file",
    ]);
  });
});

describe("wire providers and named OpenAI-compatible providers", () => {
  it("google/ is Gemini's own API, gemini/ its OpenAI-compatible one; workers_ai/ needs no key or URL", () => {
    expect(provider({ model: "google/gemini-2.5-flash", access_key: "$G" })).toMatchObject({
      baseUrl: "https://generativelanguage.googleapis.com/v1beta",
      wire: "gemini",
      otelName: "gcp.gemini",
    });
    expect(provider({ model: "gemini/gemini-2.5-flash" })).toMatchObject({ wire: undefined, baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai" });
    expect(provider({ model: "workers_ai/@cf/meta/llama-3.1-8b-instruct" })).toMatchObject({
      model: "@cf/meta/llama-3.1-8b-instruct",
      wire: "workers_ai",
      otelName: "cloudflare.workers_ai",
      accessKey: undefined,
    });
  });

  it.each([
    ["moonshotai/kimi-k2", "https://api.moonshot.ai/v1"],
    ["zhipu/glm-4.6", "https://open.bigmodel.cn/api/paas/v4"],
    ["qwen/qwen3", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"],
    ["xiaomi/mimo-v2-pro", "https://api.xiaomimimo.com/v1"],
    ["digitalocean/llama3.3-70b-instruct", "https://inference.do-ai.run/v1"],
    ["do/llama3.3-70b-instruct", "https://inference.do-ai.run/v1"],
    ["vercel/openai/gpt-4o", "https://ai-gateway.vercel.sh/v1"],
    ["edenai/openai/gpt-4o", "https://api.edenai.run/v3"],
  ])("%s needs no base_url: %s", (model, baseUrl) => {
    expect(provider({ model, access_key: "$KEY" })).toMatchObject({ interface: "openai", baseUrl, callPath: "/chat/completions" });
  });

  it("Cloudflare AI Gateway: its provider-specific URL as base_url, cf-aig-authorization as a header", () => {
    const gateway = "https://gateway.ai.cloudflare.com/v1/acct123/my-gateway";
    expect(provider({ model: "openai/gpt-4o", base_url: `${gateway}/openai`, access_key: "$OPENAI_API_KEY", headers: { "cf-aig-authorization": "Bearer $CF_AIG" } })).toMatchObject({
      baseUrl: `${gateway}/openai`,
      otelName: "openai",
      headers: { "cf-aig-authorization": "Bearer $CF_AIG" },
    });
    expect(provider({ model: "anthropic/claude-sonnet-4-5", base_url: `${gateway}/anthropic` }).baseUrl).toBe(`${gateway}/anthropic`);
  });
});
