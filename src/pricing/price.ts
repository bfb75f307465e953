import type { TokenUsage } from "../telemetry/genai/taps/shared";

/** A model's prices in USD per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  /** Input tokens read from the provider's prompt cache; absent: the input price. */
  readonly cacheRead?: number;
  /** Input tokens written to the provider's prompt cache; absent: the input price. */
  readonly cacheWrite?: number;
  /** Reasoning tokens, where priced apart from other output; absent: the output price. */
  readonly reasoning?: number;
}

/**
 * The cost of one call in USD, priced as the providers price: `usage` follows the GenAI conventions (input counts
 * every input token, cached ones included; output counts reasoning tokens), as both response taps report it, so
 * cache reads and writes are taken out of input and priced at their own rates (OpenAI's `prompt_tokens` includes
 * cached tokens; Anthropic's three input counters were added up by the tap, so each is counted once), and reasoning
 * tokens out of output when they have a price of their own. Undefined (unknown, never 0) without a price, or when
 * the provider reported no input or output count.
 */
export function callCost(usage: TokenUsage, price: ModelPrice | undefined): number | undefined {
  if (price === undefined || usage.input === undefined || usage.output === undefined) return undefined;
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheCreation ?? 0;
  const reasoning = price.reasoning === undefined ? 0 : (usage.reasoning ?? 0);
  const plainInput = Math.max(0, usage.input - cacheRead - cacheWrite);
  const plainOutput = Math.max(0, usage.output - reasoning);
  const micro =
    plainInput * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    plainOutput * price.output +
    reasoning * (price.reasoning ?? price.output);
  return micro / 1_000_000;
}
