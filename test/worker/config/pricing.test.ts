import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/config/validate";

function check(raw: unknown) {
  return validateConfig(raw);
}

const providers = [{ model: "openai/gpt-4o" }, { model: "anthropic/claude-haiku-4-5", name: "haiku" }];

describe("pricing: in the config", () => {
  it("a provider entry's and alias targets' prices, USD per million tokens", () => {
    const result = check({
      model_providers: [{ model: "openai/gpt-4o", pricing: { input: 2, output: 8, cache_read: 0.5, cache_write: 0, reasoning: 9 } }, providers[1]],
      model_aliases: {
        one: { target: "haiku", pricing: { input: 1, output: 5 } },
        many: { targets: ["openai/gpt-4o", { model: "haiku", pricing: { input: 3, output: 4 } }] },
        shared: { targets: ["openai/gpt-4o", "haiku"], pricing: { input: 7, output: 7 } },
        none: { target: "haiku" },
      },
    });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const { config } = result;
    expect(config.providers[0]?.pricing).toEqual({ input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0, reasoning: 9 });
    expect(config.providers[1]?.pricing).toBeUndefined();
    expect({ ...config.aliases }).toEqual({ one: ["haiku"], many: ["openai/gpt-4o", "haiku"], shared: ["openai/gpt-4o", "haiku"], none: ["haiku"] });
    expect({ ...config.aliasPricing }).toEqual({
      one: [{ input: 1, output: 5 }],
      many: [undefined, { input: 3, output: 4 }],
      shared: [{ input: 7, output: 7 }, { input: 7, output: 7 }],
    });
  });

  it("every bad key with its path", () => {
    const result = check({
      model_providers: [
        { model: "openai/gpt-4o", pricing: { input: -1, output: "cheap", cache_reads: 1 } },
        { model: "anthropic/claude-haiku-4-5", name: "haiku", pricing: { output: 1 } },
        { model: "openai/gpt-4o-mini", pricing: 3 },
      ],
      model_aliases: {
        a: { target: "haiku", pricing: { input: 1 } },
        b: { targets: [{ model: "haiku", pricing: { input: 1, output: 1, extra: 2 } }, { pricing: { input: 1, output: 1 } }] },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      "model_providers[0].pricing.cache_reads: unknown key (did you mean \"cache_read\"?)",
      "model_providers[0].pricing.input: expected a number from 0 to 100000, got -1",
      'model_providers[0].pricing.output: expected a number from 0 to 100000, got a string',
      "model_providers[1].pricing.input: required: USD per million input tokens, e.g. 2.5",
      "model_providers[2].pricing: expected a mapping, got a number",
      "model_aliases.a.pricing.output: required: USD per million output tokens, e.g. 10",
      "model_aliases.b.targets[0].pricing.extra: unknown key",
      "model_aliases.b.targets[1].model: expected a model name",
    ]);
  });
});
