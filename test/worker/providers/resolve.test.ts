import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, type GatewayConfig, type ProviderConfig } from "../../../src/config/types";
import { listModels, resolveRoutes } from "../../../src/providers/resolve";

function provider(model: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  const slash = model.indexOf("/");
  return {
    name: model,
    provider: model.slice(0, slash),
    model: model.slice(slash + 1),
    interface: "openai",
    baseUrl: "http://127.0.0.1:1/v1",
    accessKey: undefined,
    headers: {},
    passthroughAuth: false,
    isDefault: false,
    propagateTraceContext: true,
    timeoutMs: undefined,
    retry: DEFAULT_RETRY,
    firstChunkTimeoutMs: undefined,
    otelName: "openai",
    wire: undefined,
    bedrock: undefined,
    pricing: undefined,
    embeddings: true,
    callPath: "/chat/completions",
    keyHeader: undefined,
    vertex: undefined,
    ...extra,
  };
}

function config(providers: ProviderConfig[], aliases: Record<string, string | string[]> = {}): GatewayConfig {
  const lists = Object.fromEntries(Object.entries(aliases).map(([k, v]) => [k, typeof v === "string" ? [v] : v]));
  return { providers, aliases: lists, aliasPricing: {}, tracing: undefined, maxBodyBytes: 1024, maxResponseBytes: 4096, maxStreamEventBytes: 1024, abandonedStreamMs: 0, abandonedStreamBytes: 1 };
}

describe("resolveRoutes: the first route tried", () => {
  const base = config(
    [
      provider("openai/gpt-4o"),
      provider("openai/*"),
      provider("anthropic/claude-sonnet-4", { name: "claude" }),
      provider("groq/gpt-4o"),
      provider("together/llama-3"),
    ],
    { smart: "anthropic/claude-sonnet-4", cheap: "openai/gpt-4o-mini" },
  );

  it("strips the provider prefix for the upstream model", () => {
    expect(resolveRoutes(base, "openai/gpt-4o")[0]).toMatchObject({ upstreamModel: "gpt-4o", resolvedModel: "openai/gpt-4o" });
  });

  it("finds a provider by its name", () => {
    expect(resolveRoutes(base, "claude")[0]?.provider.provider).toBe("anthropic");
  });

  it("accepts a bare model name only when unambiguous", () => {
    expect(resolveRoutes(base, "llama-3")[0]?.provider.provider).toBe("together");
    expect(resolveRoutes(base, "gpt-4o")[0]).toBeUndefined(); // openai and groq both serve it, and no default
  });

  it("resolves aliases, including to a wildcard provider", () => {
    expect(resolveRoutes(base, "smart")[0]).toMatchObject({ upstreamModel: "claude-sonnet-4" });
    expect(resolveRoutes(base, "cheap")[0]).toMatchObject({ upstreamModel: "gpt-4o-mini", resolvedModel: "openai/gpt-4o-mini" });
  });

  it("prefers an exact entry over the wildcard, and uses the wildcard otherwise", () => {
    const exact = resolveRoutes(base, "openai/gpt-4o")[0];
    expect(exact?.provider.model).toBe("gpt-4o");
    const wild = resolveRoutes(base, "openai/o3-mini")[0];
    expect(wild).toMatchObject({ upstreamModel: "o3-mini", resolvedModel: "openai/o3-mini" });
    expect(wild?.provider.model).toBe("*");
  });

  it("falls back to the default provider, with its own model", () => {
    const withDefault = config([provider("openai/gpt-4o", { isDefault: true })]);
    expect(resolveRoutes(withDefault, "who-knows")[0]).toMatchObject({ upstreamModel: "gpt-4o" });
    const wildDefault = config([provider("mock/*", { isDefault: true })]);
    expect(resolveRoutes(wildDefault, "x/some-model")[0]).toMatchObject({ upstreamModel: "some-model" });
  });

  it("lists an alias's fallback targets in order", () => {
    const withFallbacks = config([provider("openai/gpt-4o"), provider("anthropic/*")], {
      sturdy: ["anthropic/claude-sonnet-4", "openai/gpt-4o"],
    });
    expect(resolveRoutes(withFallbacks, "sturdy").map((r) => r.resolvedModel)).toEqual([
      "anthropic/claude-sonnet-4",
      "openai/gpt-4o",
    ]);
    expect(resolveRoutes(withFallbacks, "nope")).toEqual([]);
  });

  it("returns undefined for an unknown model without a default", () => {
    expect(resolveRoutes(base, "mistral/large")[0]).toBeUndefined();
  });
});

describe("listModels", () => {
  it("lists configured models and aliases, not wildcards", () => {
    const ids = listModels(config([provider("openai/gpt-4o"), provider("openai/*")], { fast: "openai/gpt-4o" })).map(
      (m) => m.id,
    );
    expect(ids).toEqual(["openai/gpt-4o", "fast"]);
  });
});
