import type { Attributes } from "@opentelemetry/api";
import { int } from "../read";

/** Helpers shared by the OpenAI and Anthropic response taps (openai.ts, anthropic.ts, responses.ts). */

/** Token counts in the GenAI conventions' sense; a field is undefined when the provider did not report it. */
export interface TokenUsage {
  /** All input tokens, cached ones included. */
  input?: number;
  output?: number;
  /** Input tokens served from the provider's prompt cache (part of `input`). */
  cacheRead?: number;
  /** Input tokens written to the provider's prompt cache (part of `input`). */
  cacheCreation?: number;
  /** Output tokens spent on reasoning/thinking (part of `output`). */
  reasoning?: number;
}

/** OpenAI allows n <= 128; indexes beyond are ignored rather than grow arrays without bound. */
export const MAX_CHOICES = 128;
export const MAX_BLOCKS = 1024;

export function validIndex(value: unknown, fallback: number, max: number): number | undefined {
  const i = int(value) ?? fallback;
  return i >= 0 && i < max ? i : undefined;
}

export function baseAttributes(
  id: string | undefined,
  model: string | undefined,
  finish: string[],
  usage: TokenUsage,
): Attributes {
  const attrs: Attributes = {};
  if (id !== undefined) attrs["gen_ai.response.id"] = id;
  if (model !== undefined) attrs["gen_ai.response.model"] = model;
  if (finish.length > 0) attrs["gen_ai.response.finish_reasons"] = finish;
  const counts: [string, number | undefined][] = [
    ["gen_ai.usage.input_tokens", usage.input],
    ["gen_ai.usage.output_tokens", usage.output],
    ["gen_ai.usage.cache_read.input_tokens", usage.cacheRead],
    ["gen_ai.usage.cache_creation.input_tokens", usage.cacheCreation],
    ["gen_ai.usage.reasoning.output_tokens", usage.reasoning],
  ];
  for (const [key, value] of counts) if (value !== undefined) attrs[key] = value;
  return attrs;
}
