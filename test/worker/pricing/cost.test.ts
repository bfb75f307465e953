import { describe, expect, it } from "vitest";
import { bundledPrice, callPrice } from "../../../src/pricing/match";
import { callCost } from "../../../src/pricing/price";
import { responseTap } from "../../../src/telemetry/genai/response";

const M = 1_000_000;

describe("callCost from a provider's answer, as the provider prices it", () => {
  it("openai: cached input at the cached rate (prompt_tokens includes them), reasoning tokens as output", () => {
    const tap = responseTap("openai");
    tap.observeResponse({
      id: "c1",
      model: "gpt-4.1-2025-04-14",
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "hi" } }],
      usage: {
        prompt_tokens: 12_000,
        completion_tokens: 3_000,
        prompt_tokens_details: { cached_tokens: 10_000 },
        completion_tokens_details: { reasoning_tokens: 2_000 },
      },
    });
    // gpt-4.1: input $2, cached input $0.50, output $8 per million.
    const expected = (2_000 * 2 + 10_000 * 0.5 + 3_000 * 8) / M;
    expect(callCost(tap.usage(), bundledPrice("openai", "gpt-4.1-2025-04-14"))).toBeCloseTo(expected, 12);
  });

  it("anthropic: input counted once (cache read and write are priced apart, not added to input twice)", () => {
    const tap = responseTap("anthropic");
    tap.observeResponse({
      id: "m1",
      type: "message",
      model: "claude-sonnet-4-5-20250929",
      stop_reason: "end_turn",
      content: [],
      usage: {
        input_tokens: 1_000,
        cache_read_input_tokens: 20_000,
        cache_creation_input_tokens: 4_000,
        output_tokens: 500,
        output_tokens_details: { thinking_tokens: 300 },
      },
    });
    expect(tap.usage().input).toBe(25_000);
    // Sonnet 4.5: input $3, 5m cache write $3.75, cache hit $0.30, output $15 per million; thinking is output.
    const expected = (1_000 * 3 + 20_000 * 0.3 + 4_000 * 3.75 + 500 * 15) / M;
    expect(callCost(tap.usage(), bundledPrice("anthropic", "claude-sonnet-4-5-20250929"))).toBeCloseTo(expected, 12);
  });

  it("a streamed OpenAI answer's usage chunk prices the same", () => {
    const tap = responseTap("openai");
    tap.observeEvent({ id: "c", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "x" } }] });
    tap.observeEvent({ id: "c", model: "gpt-4o-mini", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    tap.observeEvent({ id: "c", choices: [], usage: { prompt_tokens: 100, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 0 } } });
    expect(callCost(tap.usage(), bundledPrice("openai", "gpt-4o-mini"))).toBeCloseTo((100 * 0.15 + 40 * 0.6) / M, 12);
  });

  it("reasoning tokens at their own price only when one is set", () => {
    const usage = { input: 10, output: 100, reasoning: 60 };
    expect(callCost(usage, { input: 1, output: 2 })).toBeCloseTo((10 + 200) / M, 15);
    expect(callCost(usage, { input: 1, output: 2, reasoning: 5 })).toBeCloseTo((10 + 40 * 2 + 60 * 5) / M, 15);
  });

  it("a model without a price is unknown, never 0; so is an answer without usage", () => {
    expect(bundledPrice("openai", "gpt-4o-audio-preview")).toBeUndefined();
    expect(bundledPrice("my-proxy", "gpt-4o")).toBeUndefined();
    expect(callCost({ input: 10, output: 10 }, undefined)).toBeUndefined();
    expect(callCost({}, { input: 1, output: 1 })).toBeUndefined();
    expect(callCost({ input: 0, output: 0 }, { input: 1, output: 1 })).toBe(0);
  });
});

describe("model names", () => {
  it("dated snapshots and moving names map to their family's price", () => {
    const gpt4o = bundledPrice("openai", "gpt-4o");
    expect(gpt4o).toEqual({ input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: undefined });
    expect(bundledPrice("openai", "gpt-4o-2024-08-06")).toBe(gpt4o);
    expect(bundledPrice("openai", "GPT-4o")).toBe(gpt4o);
    expect(bundledPrice("openai", "gpt-4o-mini")).not.toBe(gpt4o);
    expect(bundledPrice("anthropic", "claude-opus-4-1-20250805")?.input).toBe(15);
    expect(bundledPrice("anthropic", "claude-opus-4-5-20251101")?.input).toBe(5);
    expect(bundledPrice("gcp.gemini", "models/gemini-2.5-flash")?.output).toBe(2.5);
    expect(bundledPrice("mistral_ai", "mistral-small-latest")?.input).toBe(0.1);
    expect(bundledPrice("x_ai", "grok-4-0709")?.output).toBe(15);
  });

  it("a configured price wins; else the answering model's, else the requested model's", () => {
    const configured = { input: 9, output: 9 };
    expect(callPrice(configured, "openai", "gpt-4o", "gpt-4o")).toBe(configured);
    expect(callPrice(undefined, "openai", "gpt-4o-mini-2024-07-18", "gpt-4o")?.input).toBe(0.15);
    expect(callPrice(undefined, "openai", "some-unpriced-name", "gpt-4o")?.input).toBe(2.5);
    expect(callPrice(undefined, "openai", undefined, "nope")).toBeUndefined();
  });
});
