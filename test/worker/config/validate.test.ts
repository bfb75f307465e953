import { DEFAULT_RETRY } from "../../../src/config/types";
import { describe, expect, it } from "vitest";
import type { GatewayConfig, ProviderConfig } from "../../../src/config/types";
import { validateConfig } from "../../../src/config/validate";

function valid(raw: unknown): { config: GatewayConfig; notices: string[] } {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join("\n")}`);
  return result;
}

function errors(raw: unknown): string[] {
  const result = validateConfig(raw);
  if (result.ok) throw new Error("expected errors, the config validated");
  return result.errors;
}

/** A config with the given providers (and extra top-level keys). */
const withProviders = (providers: unknown[], extra: Record<string, unknown> = {}) => ({
  model_providers: providers,
  ...extra,
});

function onlyProvider(entry: Record<string, unknown>): ProviderConfig {
  const [provider] = valid(withProviders([entry])).config.providers;
  if (!provider) throw new Error("no provider");
  return provider;
}

describe("validateConfig: a valid config", () => {
  it("builds every ProviderConfig field, with defaults", () => {
    const { config, notices } = valid(
      withProviders([
        { model: "openai/gpt-4o", access_key: "$OPENAI_API_KEY", default: true },
        {
          model: "local/my-model",
          name: "internal",
          provider_interface: "openai",
          base_url: "https://llm.internal.example/api/v1/",
          headers: { "x-team": "search" },
          passthrough_auth: true,
          propagate_trace_context: false,
          timeout_ms: 30000,
        },
      ]),
    );
    expect(notices).toEqual([]);
    expect(config.providers).toEqual([
      {
        name: "openai/gpt-4o",
        provider: "openai",
        model: "gpt-4o",
        interface: "openai",
        baseUrl: "https://api.openai.com/v1",
        accessKey: "$OPENAI_API_KEY",
        headers: {},
        passthroughAuth: false,
        isDefault: true,
        propagateTraceContext: true,
        timeoutMs: undefined,
        retry: DEFAULT_RETRY,
        firstChunkTimeoutMs: undefined,
        otelName: "openai",
        embeddings: true,
        callPath: "/chat/completions",
        keyHeader: undefined,
      },
      {
        name: "internal",
        provider: "local",
        model: "my-model",
        interface: "openai",
        baseUrl: "https://llm.internal.example/api/v1",
        accessKey: undefined,
        headers: { "x-team": "search" },
        passthroughAuth: true,
        isDefault: false,
        propagateTraceContext: false,
        timeoutMs: 30000,
        retry: DEFAULT_RETRY,
        firstChunkTimeoutMs: undefined,
        otelName: "local",
        embeddings: true,
        callPath: "/chat/completions",
        keyHeader: undefined,
      },
    ]);
    expect(config.tracing).toBeUndefined();
    expect(config.maxBodyBytes).toBe(1048576);
    expect(Object.keys(config.aliases)).toEqual([]);
  });

  it("knows which providers serve embeddings: the known ones that do, and any other OpenAI-compatible server", () => {
    for (const model of ["openai/*", "mistral/*", "together/*", "together_ai/*", "gemini/*"]) {
      expect(onlyProvider({ model }).embeddings, model).toBe(true);
    }
    expect(onlyProvider({ model: "ollama/*", base_url: "http://127.0.0.1:11434" }).embeddings).toBe(true);
    for (const model of ["anthropic/*", "groq/*", "deepseek/*"]) expect(onlyProvider({ model }).embeddings, model).toBe(false);
    const custom = { base_url: "https://llm.internal.example/v1" };
    expect(onlyProvider({ model: "vllm/*", provider_interface: "openai", ...custom }).embeddings).toBe(true);
    expect(onlyProvider({ model: "claude-proxy/*", provider_interface: "anthropic", ...custom }).embeddings).toBe(false);
  });

  it("keeps further slashes in the model part and accepts provider/* wildcards", () => {
    expect(onlyProvider({ model: "openrouter/meta-llama/llama-3-8b" })).toMatchObject({
      provider: "openrouter",
      model: "meta-llama/llama-3-8b",
      baseUrl: "https://openrouter.ai/api/v1",
    });
    expect(onlyProvider({ model: "groq/*" })).toMatchObject({ provider: "groq", model: "*", name: "groq/*" });
  });

  it("treats mock/<anything> as the built-in provider: OpenAI interface, no key, no base_url", () => {
    expect(onlyProvider({ model: "mock/echo" })).toMatchObject({
      interface: "openai",
      accessKey: undefined,
      baseUrl: "http://mock.tracegate.invalid/v1",
      otelName: "tracegate.mock",
    });
  });

  it("infers the interface, base URL and OTel name of each known provider", () => {
    const expected: Record<string, [string, string, string]> = {
      openai: ["openai", "https://api.openai.com/v1", "openai"],
      anthropic: ["anthropic", "https://api.anthropic.com/v1", "anthropic"],
      groq: ["openai", "https://api.groq.com/openai/v1", "groq"],
      mistral: ["openai", "https://api.mistral.ai/v1", "mistral_ai"],
      deepseek: ["openai", "https://api.deepseek.com/v1", "deepseek"],
      together: ["openai", "https://api.together.xyz/v1", "together_ai"],
      xai: ["openai", "https://api.x.ai/v1", "x_ai"],
      openrouter: ["openai", "https://openrouter.ai/api/v1", "openrouter"],
      gemini: ["openai", "https://generativelanguage.googleapis.com/v1beta/openai", "gcp.gemini"],
      mock: ["openai", "http://mock.tracegate.invalid/v1", "tracegate.mock"],
    };
    const { config } = valid(withProviders(Object.keys(expected).map((p) => ({ model: `${p}/some-model` }))));
    for (const p of config.providers) {
      expect([p.interface, p.baseUrl, p.otelName], p.provider).toEqual(expected[p.provider]);
    }
    expect(config.providers).toHaveLength(Object.keys(expected).length);
  });

  it("reads Plano's together_ai prefix as the known together provider, keeping the model id", () => {
    expect(onlyProvider({ model: "together_ai/meta-llama/Llama-3-70b" })).toMatchObject({
      provider: "together_ai",
      model: "meta-llama/Llama-3-70b",
      baseUrl: "https://api.together.xyz/v1",
      otelName: "together_ai",
    });
  });
});

describe("base_url", () => {
  it("without a path keeps the provider's default prefix", () => {
    expect(onlyProvider({ model: "openai/gpt-4o", base_url: "http://127.0.0.1:9000" }).baseUrl).toBe("http://127.0.0.1:9000/v1");
    expect(onlyProvider({ model: "groq/llama", base_url: "https://proxy.example/" }).baseUrl).toBe(
      "https://proxy.example/openai/v1",
    );
    expect(onlyProvider({ model: "ollama/llama3.1", base_url: "http://127.0.0.1:11434" }).baseUrl).toBe(
      "http://127.0.0.1:11434/v1",
    );
    expect(
      onlyProvider({ model: "vllm/qwen", provider_interface: "openai", base_url: "http://gpu-box:8000" }).baseUrl,
    ).toBe("http://gpu-box:8000/v1");
  });

  it("with a path replaces the default prefix, without the trailing slash", () => {
    expect(onlyProvider({ model: "openai/gpt-4o", base_url: "https://gw.example/openai/" }).baseUrl).toBe(
      "https://gw.example/openai",
    );
    expect(onlyProvider({ model: "anthropic/claude", base_url: "https://gw.example/a/b/v1" }).baseUrl).toBe(
      "https://gw.example/a/b/v1",
    );
  });

  it("rejects what is not a plain http(s) URL", () => {
    expect(
      errors(
        withProviders([
          { model: "openai/a", base_url: "not a url" },
          { model: "openai/b", base_url: "ftp://files.example/v1" },
          { model: "openai/c", base_url: "https://x.example/v1?key=1" },
          { model: "openai/d", base_url: 8080 },
        ]),
      ),
    ).toEqual([
      "model_providers[0].base_url: expected an http(s) URL such as https://api.example.com/v1",
      "model_providers[1].base_url: expected an http(s) URL, not ftp:",
      "model_providers[2].base_url: expected an http(s) URL without credentials, query or fragment",
      "model_providers[3].base_url: expected a non-empty string, got a number",
    ]);
  });

  it("is required for ollama and for unknown providers", () => {
    expect(errors(withProviders([{ model: "ollama/llama3.1" }]))).toEqual([
      'model_providers[0].base_url: required for provider "ollama"',
    ]);
    expect(errors(withProviders([{ model: "local/x", provider_interface: "openai" }]))).toEqual([
      'model_providers[0].base_url: required for provider "local"',
    ]);
  });
});

describe("provider_interface", () => {
  it("is required for unknown providers", () => {
    expect(errors(withProviders([{ model: "local/x", base_url: "http://10.0.0.1:8000" }]))).toEqual([
      'model_providers[0].provider_interface: required for provider "local" ("openai" or "anthropic")',
    ]);
  });

  it("maps Plano's provider names to the API they speak", () => {
    const iface = (value: string) =>
      onlyProvider({ model: "corp/m", provider_interface: value, base_url: "https://llm.corp.example" }).interface;
    expect(iface("anthropic")).toBe("anthropic");
    expect(iface("claude")).toBe("anthropic");
    for (const value of ["openai", "groq", "mistral", "deepseek", "gemini", "xai", "moonshotai", "openrouter", "vercel"]) {
      expect(iface(value), value).toBe("openai");
    }
  });

  it("overrides the inferred interface of a known provider", () => {
    expect(onlyProvider({ model: "openai/claude-behind-proxy", provider_interface: "anthropic" }).interface).toBe("anthropic");
  });

  it("rejects values with no counterpart at the edge", () => {
    expect(
      errors(
        withProviders([
          { model: "aws/claude", provider_interface: "amazon_bedrock", base_url: "https://bedrock.example" },
          { model: "openai/gpt-4o", provider_interface: 1 },
        ]),
      ),
    ).toEqual([
      'model_providers[0].provider_interface: expected "openai" or "anthropic" (or a Plano provider speaking one of them), got "amazon_bedrock"',
      'model_providers[1].provider_interface: expected "openai" or "anthropic" (or a Plano provider speaking one of them), got a number',
    ]);
  });
});

describe("model_providers mistakes", () => {
  it("wrong model shape", () => {
    expect(
      errors(
        withProviders([
          { model: "openai/gpt-4o" },
          { model: "gpt-4o" },
          { model: "openai/" },
          { model: "openai/gpt-*" },
          { model: "open ai/gpt" },
          { model: 4 },
          {},
        ]),
      ),
    ).toEqual([
      'model_providers[1].model: expected "provider/model"',
      'model_providers[2].model: expected "provider/model"',
      'model_providers[3].model: expected "provider/model"',
      'model_providers[4].model: expected "provider/model"',
      'model_providers[5].model: expected "provider/model", got a number',
      'model_providers[6].model: required, e.g. "openai/gpt-4o" or "openai/*"',
    ]);
  });

  it("unknown keys, with a suggestion when one is close", () => {
    expect(
      errors(withProviders([{ model: "openai/gpt-4o", acess_key: "$K", colour: "blue", Default: true }])),
    ).toEqual([
      'model_providers[0].acess_key: unknown key (did you mean "access_key"?)',
      "model_providers[0].colour: unknown key",
      'model_providers[0].Default: unknown key (did you mean "default"?)',
    ]);
  });

  it("wrong types", () => {
    expect(
      errors(
        withProviders([
          {
            model: "openai/gpt-4o",
            default: "yes",
            passthrough_auth: 1,
            propagate_trace_context: null,
            timeout_ms: -5,
            name: "",
            access_key: 42,
            headers: { "x-team": 7, "bad header": "v", "x-ok": "a\r\nb" },
          },
          "openai/gpt-4o-mini",
        ]),
      ),
    ).toEqual([
      "model_providers[0].name: expected a non-empty string, got an empty string",
      "model_providers[0].access_key: expected a non-empty string, got a number",
      "model_providers[0].default: expected true or false, got a string",
      "model_providers[0].passthrough_auth: expected true or false, got a number",
      "model_providers[0].propagate_trace_context: expected true or false, got nothing",
      "model_providers[0].timeout_ms: expected a positive integer, got -5",
      "model_providers[0].headers.x-team: expected a string, got a number",
      'model_providers[0].headers["bad header"]: invalid HTTP header name',
      "model_providers[0].headers.x-ok: header value must not contain line breaks",
      "model_providers[1]: expected a mapping, got a string",
    ]);
  });

  it("a malformed $ reference in access_key, without echoing it", () => {
    const result = errors(withProviders([{ model: "openai/gpt-4o", access_key: "${OPENAI_KEY" }]));
    expect(result).toEqual(["model_providers[0].access_key: malformed secret reference; write $NAME or ${NAME}"]);
  });

  it("two defaults", () => {
    expect(
      errors(
        withProviders([
          { model: "openai/a", default: true },
          { model: "openai/b", default: false },
          { model: "openai/c", default: true },
        ]),
      ),
    ).toEqual(["model_providers[2].default: only one provider can be the default (model_providers[0] already is)"]);
  });

  it("duplicate models and names (one namespace: a client may send either)", () => {
    expect(
      errors(
        withProviders([
          { model: "openai/gpt-4o", name: "main" },
          { model: "openai/gpt-4o" },
          { model: "anthropic/claude", name: "main" },
          { model: "groq/llama", name: "openai/gpt-4o" },
          { model: "main/x", provider_interface: "openai", base_url: "http://h" },
          { model: "groq/*" },
          { model: "groq/*" },
        ]),
      ),
    ).toEqual([
      'model_providers[1].model: "openai/gpt-4o" is already used by model_providers[0]',
      'model_providers[2].name: "main" is already used by model_providers[0]',
      'model_providers[3].name: "openai/gpt-4o" is already used by model_providers[0]',
      'model_providers[6].model: "groq/*" is already used by model_providers[5]',
    ]);
  });

  it("no providers at all", () => {
    expect(errors({})).toEqual(["model_providers: at least one provider is required"]);
    expect(errors({ model_providers: [] })).toEqual(["model_providers: at least one provider is required"]);
    expect(errors({ model_providers: null })).toEqual(["model_providers: at least one provider is required"]);
    expect(errors({ model_providers: { model: "openai/gpt-4o" } })).toEqual([
      "model_providers: expected a list, got a mapping",
    ]);
  });
});

describe("top level", () => {
  it("rejects a root that is not a mapping", () => {
    for (const root of [null, undefined, "model_providers", 42, [{ model: "openai/gpt-4o" }]]) {
      expect(errors(root)).toEqual(["config: expected a mapping"]);
    }
  });

  it("rejects unknown top-level keys, suggesting a close one", () => {
    expect(errors({ modle_providers: [{ model: "openai/gpt-4o" }], debug: true })).toEqual([
      'modle_providers: unknown key (did you mean "model_providers"?)',
      "debug: unknown key",
      "model_providers: at least one provider is required",
    ]);
  });

  it("accepts Plano's top-level keys with one notice each", () => {
    const planoKeys = ["version", "listeners", "endpoints", "prompt_targets", "prompt_guards", "system_prompt", "overrides"];
    const more = ["agents", "filters", "state_storage", "routing", "routing_preferences", "mode"];
    const raw: Record<string, unknown> = withProviders([{ model: "mock/echo" }]);
    for (const key of [...planoKeys, ...more]) raw[key] = key === "version" ? "v0.3.0" : {};
    const { notices } = valid(raw);
    expect(notices).toEqual([...planoKeys, ...more].map((k) => `${k}: ignored (Plano key with no meaning at the edge)`));
  });

  it("accepts Plano's per-provider keys with a notice", () => {
    const { notices } = valid(
      withProviders([
        {
          model: "openai/gpt-4o",
          http_host: "api.openai.com",
          routing_preferences: [{ name: "code", description: "writes code" }],
          capabilities: { context_window: 128000 },
          retry_policy: { default_max_attempts: 2 },
        },
      ]),
    );
    expect(notices).toEqual([
      "model_providers[0].http_host: ignored (Plano key with no meaning at the edge)",
      "model_providers[0].routing_preferences: ignored (Plano key with no meaning at the edge)",
      "model_providers[0].capabilities: ignored (Plano key with no meaning at the edge)",
      "model_providers[0].retry_policy: ignored (Plano key with no meaning at the edge)",
    ]);
  });

  it("reads llm_providers, Plano's older spelling, with paths under that key", () => {
    const { config, notices } = valid({ llm_providers: [{ model: "openai/gpt-4o" }] });
    expect(config.providers.map((p) => p.name)).toEqual(["openai/gpt-4o"]);
    expect(notices).toEqual(["llm_providers: read as model_providers (Plano's older spelling)"]);
    expect(errors({ llm_providers: [{ model: "gpt-4o" }] })).toEqual(['llm_providers[0].model: expected "provider/model"']);
  });

  it("rejects model_providers and llm_providers together", () => {
    expect(errors({ model_providers: [{ model: "mock/a" }], llm_providers: [{ model: "mock/b" }] })).toEqual([
      "llm_providers: use either model_providers or llm_providers (its older spelling), not both",
    ]);
  });

  it("collects every error in one pass", () => {
    const result = errors({
      model_providers: [{ model: "gpt-4o" }, { model: "ollama/llama3" }, { model: "openai/gpt-4o", acess_key: "$K" }],
      model_aliases: { fast: { target: "openai/gpt-5" } },
      tracing: { random_sampling: 101 },
      limits: { max_body_bytes: 0 },
      listners: [],
    });
    expect(result).toEqual([
      'listners: unknown key (did you mean "listeners"?)',
      'model_providers[0].model: expected "provider/model"',
      'model_providers[1].base_url: required for provider "ollama"',
      'model_providers[2].acess_key: unknown key (did you mean "access_key"?)',
      'model_aliases.fast.target: "openai/gpt-5" is not a configured model (use a model_providers model or name)',
      "tracing.random_sampling: expected a number from 0 to 100, got 101",
      "limits.max_body_bytes: expected a positive integer, got 0",
    ]);
  });
});

describe("model_aliases", () => {
  const providers = [
    { model: "openai/gpt-4o" },
    { model: "openai/gpt-4o-mini" },
    { model: "groq/gpt-4o-mini" },
    { model: "anthropic/claude-sonnet-4-5", name: "claude" },
    { model: "xai/*" },
  ];

  it("accepts a configured model, a provider name, a unique bare name and a wildcard match", () => {
    const { config } = valid(
      withProviders(providers, {
        model_aliases: {
          smart: { target: "openai/gpt-4o" },
          writer: { target: "claude" },
          main: { target: "gpt-4o" },
          grok: { target: "xai/grok-4" },
        },
      }),
    );
    expect({ ...config.aliases }).toEqual({
      smart: ["openai/gpt-4o"],
      writer: ["claude"],
      main: ["gpt-4o"],
      grok: ["xai/grok-4"],
    });
    // No prototype: a request for model "constructor" must not find an alias.
    expect(config.aliases.constructor).toBeUndefined();
  });

  it("rejects targets that name no configured model, with the path", () => {
    expect(
      errors(
        withProviders(providers, {
          model_aliases: {
            a: { target: "openai/gpt-5" },
            b: { target: "gpt-4o-mini" },
            c: { target: "xai/*" },
            "my.alias": { target: "mistral/large" },
          },
        }),
      ),
    ).toEqual([
      'model_aliases.a.target: "openai/gpt-5" is not a configured model (use a model_providers model or name)',
      'model_aliases.b.target: "gpt-4o-mini" is served by 2 providers; write "provider/gpt-4o-mini"',
      'model_aliases.c.target: "xai/*" is not a configured model (use a model_providers model or name)',
      'model_aliases["my.alias"].target: "mistral/large" is not a configured model (use a model_providers model or name)',
    ]);
  });

  it("rejects a wrong alias shape and unknown keys in an alias", () => {
    expect(
      errors(
        withProviders(providers, {
          model_aliases: {
            plain: "openai/gpt-4o",
            both: { target: "openai/gpt-4o", targets: ["openai/gpt-4o"] },
            neither: { tagret: "openai/gpt-4o" },
            nolist: { targets: [] },
            empty: { target: "" },
            badlist: { targets: ["openai/gpt-4o", 7, "mistral/large"] },
          },
        }),
      ),
    ).toEqual([
      "model_aliases.plain: expected a mapping, got a string",
      'model_aliases.both: write either "target" or "targets", not both',
      'model_aliases.neither.tagret: unknown key (did you mean "target"?)',
      'model_aliases.neither.target: required, e.g. target: "openai/gpt-4o" (or targets: [a, b] for fallbacks)',
      "model_aliases.nolist.targets: expected a non-empty list of models",
      "model_aliases.empty.target: expected a model name",
      "model_aliases.badlist.targets[1]: expected a model name",
      'model_aliases.badlist.targets[2]: "mistral/large" is not a configured model (use a model_providers model or name)',
    ]);
    expect(errors(withProviders(providers, { model_aliases: ["fast"] }))).toEqual([
      "model_aliases: expected a mapping, got a list",
    ]);
  });
});

describe("fallbacks and retries", () => {
  it("reads targets lists in order and retry policies with defaults", () => {
    const { config } = valid(
      withProviders(
        [
          { model: "openai/gpt-4o", retry: { attempts: 3, on_status: [429, 503], backoff_ms: 100 } },
          { model: "anthropic/claude-sonnet-4-5" },
        ],
        { model_aliases: { sturdy: { targets: ["anthropic/claude-sonnet-4-5", "openai/gpt-4o"] } } },
      ),
    );
    expect(config.aliases.sturdy).toEqual(["anthropic/claude-sonnet-4-5", "openai/gpt-4o"]);
    expect(config.providers[0]?.retry).toEqual({ attempts: 3, onStatus: [429, 503], backoffMs: 100, maxDelayMs: 10000 });
    expect(config.providers[1]?.retry).toEqual({ attempts: 1, onStatus: [429, 500, 502, 503, 504], backoffMs: 250, maxDelayMs: 10000 });
  });

  it("rejects bad retry policies with their paths", () => {
    expect(
      errors(
        withProviders([
          { model: "openai/gpt-4o", retry: { attempts: 0, on_status: [200, "x"], backof_ms: 1 } },
          { model: "openai/gpt-4o-mini", retry: { attempts: 11 } },
          { model: "openai/o3", retry: true },
        ]),
      ),
    ).toEqual([
      'model_providers[0].retry.backof_ms: unknown key (did you mean "backoff_ms"?)',
      "model_providers[0].retry.attempts: expected a positive integer, got 0",
      "model_providers[0].retry.on_status: expected a list of HTTP statuses from 400 to 599",
      "model_providers[1].retry.attempts: at most 10",
      "model_providers[2].retry: expected a mapping, got a boolean",
    ]);
  });
});

describe("tracing", () => {
  const base = (tracing: unknown) => withProviders([{ model: "mock/echo" }], { tracing });

  it("reads every key, stringifying static attribute values", () => {
    const { config, notices } = valid(
      base({
        random_sampling: 12.5,
        trust_incoming_sampling: false,
        capture_content: true,
        span_attributes: {
          header_prefixes: ["x-app-", "x-tenant-"],
          static: { "deployment.environment": "prod", "service.replicas": 3, "feature.beta": true },
        },
        exporters: [
          { endpoint: "https://otlp.example.com/v1/traces", headers: { authorization: "Bearer $OTLP_TOKEN" } },
          { endpoint: "http://127.0.0.1:4318/v1/traces", protocol: "http/json" },
        ],
      }),
    );
    expect(notices).toEqual([]);
    expect(config.tracing).toEqual({
      randomSampling: 12.5,
      trustIncomingSampling: false,
      captureContent: true,
      captureContentMaxBytes: 16 * 1024,
      captureContentMedia: false,
      headerPrefixes: ["x-app-", "x-tenant-"],
      staticAttributes: { "deployment.environment": "prod", "service.replicas": "3", "feature.beta": "true" },
      exporters: [
        {
          endpoint: "https://otlp.example.com/v1/traces",
          headers: { authorization: "Bearer $OTLP_TOKEN" },
          protocol: "http/protobuf",
        },
        { endpoint: "http://127.0.0.1:4318/v1/traces", headers: {}, protocol: "http/json" },
      ],
      conversationId: { header: "x-conversation-id", body_field: undefined },
      sessionId: { header: "x-session-id", body_field: undefined },
      endUser: { from_body: false, hash: false },
    });
  });

  it("defaults: trust incoming sampling, no content capture; absent random_sampling means off, with a notice", () => {
    const { config, notices } = valid(base({ span_attributes: { header_prefixes: ["x-"] } }));
    expect(config.tracing).toEqual({
      randomSampling: 0,
      trustIncomingSampling: true,
      captureContent: false,
      captureContentMaxBytes: 16 * 1024,
      captureContentMedia: false,
      headerPrefixes: ["x-"],
      staticAttributes: {},
      exporters: [],
      conversationId: { header: "x-conversation-id", body_field: undefined },
      sessionId: { header: "x-session-id", body_field: undefined },
      endUser: { from_body: false, hash: false },
    });
    expect(notices).toEqual([
      "tracing.random_sampling: not set, so no trace is recorded; set a percentage from 1 to 100",
    ]);
  });

  it("keep: reads the rules; without random_sampling tracing is on for kept requests only, with no notice", () => {
    const { config, notices } = valid(
      base({ keep: { errors: true, slower_than_ms: 2000, costlier_than_usd: 0.05, fallbacks: true } }),
    );
    expect(notices).toEqual([]);
    expect(config.tracing?.randomSampling).toBe(0);
    expect(config.tracing?.keep).toEqual({ errors: true, slowerThanMs: 2000, costlierThanUsd: 0.05, fallbacks: true });
    expect(valid(base({ random_sampling: 5, keep: { errors: true } })).config.tracing?.keep).toEqual({
      errors: true,
      slowerThanMs: undefined,
      costlierThanUsd: undefined,
      fallbacks: false,
    });
  });

  it("keep: bad rules are reported with their key paths", () => {
    expect(
      errors(
        base({
          random_sampling: 1,
          keep: { errors: "yes", slower_than_ms: 0, costlier_than_usd: -1, fallbacks: 1, error: true },
        }),
      ),
    ).toEqual([
      'tracing.keep.error: unknown key (did you mean "errors"?)',
      "tracing.keep.errors: expected true or false, got a string",
      "tracing.keep.slower_than_ms: expected a positive integer, got 0",
      "tracing.keep.costlier_than_usd: expected a positive number of US dollars, got -1",
      "tracing.keep.fallbacks: expected true or false, got a number",
    ]);
    expect(errors(base({ random_sampling: 1, keep: { errors: false } }))).toEqual([
      "tracing.keep: names no rule: set errors, fallbacks, slower_than_ms or costlier_than_usd",
    ]);
    expect(errors(base({ random_sampling: 1, keep: true }))).toEqual(["tracing.keep: expected a mapping, got a boolean"]);
  });

  it("exporter presets: the backend's traces URL (its default base, or endpoint as the base) and its options", () => {
    const { config, notices } = valid(
      base({
        random_sampling: 10,
        exporters: [
          { preset: "langfuse", public_key: "pk-lf-1", secret_key: "$LANGFUSE_SECRET_KEY" },
          { preset: "langfuse", endpoint: "https://langfuse.example.com/", public_key: "pk", secret_key: "sk" },
          { preset: "datadog", api_key: "$DD_API_KEY", site: "datadoghq.eu" },
          { preset: "datadog-llmobs", api_key: "$DD_API_KEY" },
          { preset: "phoenix" },
          { preset: "honeycomb", api_key: "$HONEYCOMB_KEY", headers: { "x-extra": "1" } },
          { preset: "grafana-cloud", endpoint: "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp", instance_id: "1", token: "$GRAFANA_TOKEN" },
          { preset: "jaeger", protocol: "http/json" },
        ],
      }),
    );
    expect(notices).toEqual([]);
    expect(config.tracing?.exporters.map((e) => [e.endpoint, e.protocol, e.preset?.name])).toEqual([
      ["https://cloud.langfuse.com/api/public/otel/v1/traces", "http/protobuf", "langfuse"],
      ["https://langfuse.example.com/api/public/otel/v1/traces", "http/protobuf", "langfuse"],
      ["https://otlp.datadoghq.eu/v1/traces", "http/protobuf", "datadog"],
      ["https://otlp.datadoghq.com/v1/traces", "http/protobuf", "datadog-llmobs"],
      ["http://localhost:6006/v1/traces", "http/protobuf", "phoenix"],
      ["https://api.honeycomb.io/v1/traces", "http/protobuf", "honeycomb"],
      ["https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/traces", "http/protobuf", "grafana-cloud"],
      ["http://localhost:4318/v1/traces", "http/json", "jaeger"],
    ]);
    expect(config.tracing?.exporters[0]?.preset?.options).toEqual({ public_key: "pk-lf-1", secret_key: "$LANGFUSE_SECRET_KEY" });
    expect(config.tracing?.exporters[5]?.headers).toEqual({ "x-extra": "1" });
  });

  it("exporter presets: unknown presets, missing credentials, unknown keys and encodings a backend refuses, with key paths", () => {
    expect(
      errors(
        base({
          random_sampling: 10,
          exporters: [
            { preset: "newrelic" },
            { preset: "langfuse", public_key: "pk" },
            { preset: "datadog", api_key: "k", protocol: "http/json" },
            { preset: "grafana-cloud", instance_id: "1", token: "t" },
            { preset: "honeycomb", api_key: "k", datset: "x" },
          ],
        }),
      ),
    ).toEqual([
      'tracing.exporters[0].preset: expected one of "langfuse", "datadog", "datadog-llmobs", "phoenix", "honeycomb", "grafana-cloud", "jaeger", got "newrelic"',
      "tracing.exporters[1].secret_key: required by the langfuse preset",
      'tracing.exporters[2].protocol: expected one of "http/protobuf", got "http/json"',
      "tracing.exporters[3].endpoint: required by the grafana-cloud preset, e.g. https://otlp-gateway-prod-eu-west-2.grafana.net/otlp",
      'tracing.exporters[4].datset: unknown key (did you mean "dataset"?)',
    ]);
  });

  it("an empty tracing key counts as absent", () => {
    expect(valid(base(null)).config.tracing).toBeUndefined();
  });

  it("accepts Plano-only tracing keys and posthog exporters with notices", () => {
    const { config, notices } = valid(
      base({
        random_sampling: 100,
        trace_arch_internal: true,
        opentracing_grpc_endpoint: "http://collector:4317",
        exporters: [{ type: "posthog", url: "https://us.i.posthog.com", api_key: "$POSTHOG_KEY" }],
      }),
    );
    expect(config.tracing?.exporters).toEqual([]);
    expect(notices).toEqual([
      "tracing.trace_arch_internal: ignored (Plano key with no meaning at the edge)",
      "tracing.opentracing_grpc_endpoint: ignored (Workers cannot export over gRPC; list an OTLP/HTTP endpoint under tracing.exporters)",
      "tracing.exporters[0]: ignored (Plano's posthog exporter; tracegate exports OTLP)",
    ]);
  });

  it("reports out-of-range sampling, bad exporters and wrong types", () => {
    expect(
      errors(
        base({
          random_sampling: -1,
          capture_content: "true",
          capture_content_max_bytes: 0,
          capture_content_media: "yes",
          random_samplng: 5,
          span_attributes: { header_prefixes: "x-", static: { list: [1] }, dynamic: {} },
          exporters: [
            { endpoint: "http://127.0.0.1:4318", protocol: "grpc" },
            { protocol: "http/json" },
            { endpoint: "grpc://collector:4317", compression: "gzip" },
          ],
        }),
      ),
    ).toEqual([
      'tracing.random_samplng: unknown key (did you mean "random_sampling"?)',
      "tracing.random_sampling: expected a number from 0 to 100, got -1",
      "tracing.capture_content: expected true or false, got a string",
      "tracing.capture_content_max_bytes: expected a positive integer, got 0",
      "tracing.capture_content_media: expected true or false, got a string",
      "tracing.span_attributes.dynamic: unknown key",
      "tracing.span_attributes.header_prefixes: expected a list, got a string",
      "tracing.span_attributes.static.list: expected a string, number or boolean, got a list",
      'tracing.exporters[0].protocol: expected one of "http/protobuf", "http/json", got "grpc"',
      "tracing.exporters[1].endpoint: required, e.g. http://127.0.0.1:4318/v1/traces",
      "tracing.exporters[2].compression: unknown key",
      "tracing.exporters[2].endpoint: expected an http(s) URL, not grpc:",
    ]);
    expect(errors(base({ random_sampling: "50%" }))).toEqual([
      "tracing.random_sampling: expected a number from 0 to 100, got a string",
    ]);
    expect(errors(base([]))).toEqual(["tracing: expected a mapping, got a list"]);
  });
});

describe("limits", () => {
  const base = (limits: unknown) => withProviders([{ model: "mock/echo" }], { limits });

  it("reads max_body_bytes, default 1 MiB", () => {
    expect(valid(base({ max_body_bytes: 2048 })).config.maxBodyBytes).toBe(2048);
    expect(valid(base({})).config.maxBodyBytes).toBe(1048576);
  });

  it("requires a positive integer and known keys", () => {
    expect(errors(base({ max_body_bytes: 1.5, max_body_byte: 3 }))).toEqual([
      'limits.max_body_byte: unknown key (did you mean "max_body_bytes"?)',
      "limits.max_body_bytes: expected a positive integer, got 1.5",
    ]);
    expect(errors(base({ max_body_bytes: "1MB" }))).toEqual(["limits.max_body_bytes: expected a positive integer, got a string"]);
  });
});
