import { describe, expect, it } from "vitest";
import bundledText from "../../../gateway.config.yaml";
import planoFull from "../../fixtures/plano-full.yaml";
import planoLegacy from "../../fixtures/plano-legacy.yaml";
import { loadConfig, parseConfigText, type ConfigResult } from "../../../src/config/load";
import type { GatewayConfig } from "../../../src/config/types";

function configOf(result: ConfigResult): GatewayConfig {
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join("\n")}`);
  return result.config;
}

describe("parseConfigText", () => {
  it("reads YAML", () => {
    const config = configOf(
      parseConfigText(["model_providers:", "  - model: mock/echo", "    default: true", "limits: {max_body_bytes: 4096}"].join("\n")),
    );
    expect(config.providers.map((p) => [p.name, p.isDefault])).toEqual([["mock/echo", true]]);
    expect(config.maxBodyBytes).toBe(4096);
  });

  it("reads JSON, compact or indented with tabs", () => {
    const raw = { model_providers: [{ model: "openai/gpt-4o", access_key: "$OPENAI_API_KEY" }], model_aliases: { m: { target: "gpt-4o" } } };
    for (const text of [JSON.stringify(raw), JSON.stringify(raw, null, "\t")]) {
      const config = configOf(parseConfigText(text));
      expect(config.providers[0]).toMatchObject({ name: "openai/gpt-4o", accessKey: "$OPENAI_API_KEY" });
      expect(config.aliases.m).toEqual(["gpt-4o"]);
    }
  });

  it("reports invalid YAML with its line number", () => {
    expect(parseConfigText("model_providers:\n  - model: mock/echo\nmodel_providers: []\n")).toEqual({
      ok: false,
      errors: ["config: invalid YAML at line 3: duplicated mapping key"],
    });
    expect(parseConfigText("model_providers:\n  - model: mock/echo\n\tdefault: true\n")).toEqual({
      ok: false,
      errors: ["config: invalid YAML at line 3: tab characters must not be used in indentation"],
    });
    const json = parseConfigText('{"model_providers": [\n  {"model": "mock/echo"},\n]\n');
    expect(json.ok).toBe(false);
    if (!json.ok) expect(json.errors[0]).toMatch(/^config: invalid YAML at line \d+: /);
  });

  it("rejects an empty config, a non-mapping root and several documents", () => {
    expect(parseConfigText("")).toEqual({ ok: false, errors: ["config: expected a mapping, but the config is empty"] });
    expect(parseConfigText("# nothing here\n")).toEqual({ ok: false, errors: ["config: expected a mapping, but the config is empty"] });
    expect(parseConfigText("- model: mock/echo\n")).toEqual({ ok: false, errors: ["config: expected a mapping"] });
    expect(parseConfigText("just text")).toEqual({ ok: false, errors: ["config: expected a mapping"] });
    expect(parseConfigText("model_providers: []\n---\nmodel_providers: []\n")).toEqual({
      ok: false,
      errors: ["config: expected one YAML document, found 2 (separated by ---)"],
    });
  });

  it("passes validation errors through with their paths", () => {
    expect(parseConfigText("model_providers:\n  - model: mock/echo\n  - model: gpt-4o\n")).toEqual({
      ok: false,
      errors: ['model_providers[1].model: expected "provider/model"'],
    });
  });
});

describe("the bundled gateway.config.yaml", () => {
  it("validates with no error and no notice", () => {
    const result = parseConfigText(bundledText);
    expect(result).toMatchObject({ ok: true, notices: [] });
    const config = configOf(result);
    expect(config.providers.map((p) => ({ name: p.name, isDefault: p.isDefault, interface: p.interface }))).toEqual([
      { name: "mock/echo", isDefault: true, interface: "openai" },
      { name: "mock/*", isDefault: false, interface: "openai" },
    ]);
    expect({ ...config.aliases }).toEqual({ fast: ["mock/echo"] });
    expect(config.tracing).toMatchObject({ randomSampling: 100, exporters: [] });
    expect(config.maxBodyBytes).toBe(1048576);
  });

  it("keeps its commented-out provider examples valid once uncommented", () => {
    const uncommented = bundledText.replace(/^ {2}# (- model|  access_key|  base_url)/gm, "  $1");
    expect(uncommented).not.toBe(bundledText);
    const config = configOf(parseConfigText(uncommented));
    expect(config.providers.map((p) => p.name)).toEqual([
      "mock/echo",
      "mock/*",
      "openai/gpt-4o-mini",
      "openai/*",
      "anthropic/claude-sonnet-4-5",
      "ollama/llama3.1",
    ]);
    expect(config.providers.find((p) => p.provider === "openai")?.accessKey).toBe("$OPENAI_API_KEY");
  });
});

describe("Plano configs", () => {
  it("loads a complete Plano config, using its model keys and noting the rest", () => {
    const result = parseConfigText(planoFull);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const { config, notices } = result;
    expect(config.providers.map((p) => `${p.name} ${p.interface} ${p.baseUrl}`)).toEqual([
      "openai/gpt-4o openai https://api.openai.com/v1",
      "openai/gpt-4o-mini openai https://api.openai.com/v1",
      "anthropic/claude-sonnet-4-5 anthropic https://api.anthropic.com/v1",
      "mistral/ministral-8b-latest openai https://api.mistral.ai/v1",
      "groq/llama-3.3-70b-versatile openai https://api.groq.com/openai/v1",
      "gemini/gemini-2.5-flash openai https://generativelanguage.googleapis.com/v1beta/openai",
      "deepseek/deepseek-chat openai https://api.deepseek.com/v1",
      "xai/* openai https://api.x.ai/v1",
      "llama-via-openrouter openai https://openrouter.ai/api/v1",
      "ollama/* openai http://host.docker.internal:11434/v1",
      "moonshotai/kimi-k2 openai https://api.moonshot.ai/v1",
      "litellm/gpt-4o-team openai https://litellm.internal.example.com/v1",
      "amazon_bedrock/us.amazon.nova-premier-v1:0 openai https://bedrock-runtime.us-west-2.amazonaws.com",
      "amazon_bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0 openai https://bedrock-runtime.us-west-2.amazonaws.com",
      "azure_openai/gpt-4o openai https://your-resource.openai.azure.com/openai/deployments",
      "azure_openai/gpt-4 openai https://mycompany.openai.azure.com/custom/deployment/path",
      "zhipu/glm-4.6 openai https://open.bigmodel.cn/api/paas/v4",
      "qwen/qwen3 openai https://dashscope.aliyuncs.com/compatible-mode/v1",
      "xiaomi/* openai https://api.xiaomimimo.com/v1",
    ]);
    // Azure: Plano's deployment-scoped URL and api-version, the key in `api-key`.
    expect(config.providers.filter((p) => p.provider === "azure_openai").map((p) => [p.otelName, p.callPath, p.keyHeader])).toEqual([
      ["azure.ai.openai", "/{model}/chat/completions?api-version=2025-01-01-preview", "api-key"],
      ["azure.ai.openai", "/{model}/chat/completions?api-version=2025-01-01-preview", "api-key"],
    ]);
    expect(config.providers[12]).toMatchObject({
      otelName: "aws.bedrock",
      wire: "bedrock",
      accessKey: "$AWS_BEARER_TOKEN_BEDROCK",
      bedrock: { region: "us-west-2", secretAccessKey: undefined, sessionToken: undefined },
    });
    expect(config.providers.filter((p) => p.isDefault).map((p) => p.name)).toEqual(["openai/gpt-4o"]);
    expect(config.providers[2]?.accessKey).toBe("${ANTHROPIC_API_KEY}");
    expect(config.providers[8]).toMatchObject({ provider: "openrouter", model: "meta-llama/llama-3.1-8b-instruct" });
    expect(config.providers[10]?.headers).toEqual({ "User-Agent": "support-desk/2.1" });
    expect(config.providers[11]?.passthroughAuth).toBe(true);
    expect({ ...config.aliases }).toEqual({
      "fast-llm": ["gpt-4o-mini"],
      "smart-llm": ["anthropic/claude-sonnet-4-5"],
      grok: ["xai/grok-4"],
    });
    expect(config.tracing).toEqual({
      randomSampling: 25,
      trustIncomingSampling: true,
      captureContent: false,
      captureContentMaxBytes: 16 * 1024,
      captureContentMedia: false,
      headerPrefixes: ["x-org-", "x-user-"],
      staticAttributes: { "deployment.environment": "production", "service.team": "support" },
      exporters: [],
      conversationId: { header: "x-conversation-id", body_field: undefined },
      sessionId: { header: "x-session-id", body_field: undefined },
      endUser: { from_body: false, hash: false },
    });
    const ignored = (key: string) => `${key}: ignored (Plano key with no meaning at the edge)`;
    expect(notices).toEqual([
      ...["version", "agents", "filters", "listeners", "endpoints", "routing_preferences", "system_prompt"].map(ignored),
      ...["prompt_targets", "prompt_guards", "overrides", "routing", "state_storage"].map(ignored),
      ignored("model_providers[2].routing_preferences"),
      ignored("model_providers[11].http_host"),
      ignored("tracing.trace_arch_internal"),
      "tracing.opentracing_grpc_endpoint: ignored (Workers cannot export over gRPC; list an OTLP/HTTP endpoint under tracing.exporters)",
    ]);
    // Plano's ratelimits are enforced at the edge too, in its own selector form.
    expect(config.rateLimits).toEqual([
      { model: "openai/gpt-4o", selector: { header: "x-org-id", value: "*" }, requests: undefined, tokens: 200000, windowSeconds: 3600 },
    ]);
  });

  it("loads an older Plano config: llm_providers, legacy listeners, claude interface", () => {
    const result = parseConfigText(planoLegacy);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.config.providers.map((p) => [p.name, p.provider, p.model, p.interface])).toEqual([
      ["gpt-4o", "openai", "gpt-4o", "openai"],
      ["claude", "anthropic", "claude-3-5-sonnet-latest", "anthropic"],
    ]);
    expect(result.notices).toEqual([
      "version: ignored (Plano key with no meaning at the edge)",
      "listeners: ignored (Plano key with no meaning at the edge)",
      "mode: ignored (Plano key with no meaning at the edge)",
      "llm_providers: read as model_providers (Plano's older spelling)",
    ]);
  });
});

describe("loadConfig", () => {
  const override = JSON.stringify({ model_providers: [{ model: "mock/override" }] });

  it("uses the GATEWAY_CONFIG override when it is set, else the bundled text; a blank one is an error (D15)", () => {
    expect(configOf(loadConfig(bundledText, override)).providers.map((p) => p.name)).toEqual(["mock/override"]);
    expect(configOf(loadConfig(bundledText, undefined)).providers[0]?.name).toBe("mock/echo");
    for (const blank of ["", "  \n"]) {
      expect(loadConfig(bundledText, blank)).toEqual({
        ok: false,
        errors: ["GATEWAY_CONFIG is set but empty: give it the config, or remove the binding to use the bundled config"],
      });
    }
  });

  it("parses a text once: the same text returns the same result object", () => {
    const first = loadConfig(bundledText, override);
    expect(loadConfig("unused bundled text", override)).toBe(first);
    expect(loadConfig(bundledText, undefined)).toBe(loadConfig(bundledText, undefined));
    const bad = loadConfig(bundledText, "model_providers: 3");
    expect(bad).toEqual({ ok: false, errors: ["model_providers: expected a list, got a number"] });
    expect(loadConfig(bundledText, "model_providers: 3")).toBe(bad);
  });

  it("keeps a bounded cache: old texts are parsed again after many new ones", () => {
    const text = (i: number) => JSON.stringify({ model_providers: [{ model: `mock/m${i}` }] });
    const first = loadConfig(bundledText, text(0));
    expect(loadConfig(bundledText, text(0))).toBe(first);
    for (let i = 1; i <= 20; i++) loadConfig(bundledText, text(i));
    const again = loadConfig(bundledText, text(0));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it("keeps recently used texts while evicting others", () => {
    const text = (i: number) => JSON.stringify({ model_providers: [{ model: `mock/r${i}` }] });
    const hot = loadConfig(bundledText, text(0));
    for (let i = 1; i <= 20; i++) {
      loadConfig(bundledText, text(i));
      expect(loadConfig(bundledText, text(0))).toBe(hot);
    }
  });
});
