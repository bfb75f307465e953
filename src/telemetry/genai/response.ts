import type { Attributes } from "@opentelemetry/api";
import type { CallApi } from "../../providers/known";
import { AnthropicTap } from "./response-anthropic";
import { OpenAITap } from "./response-openai";
import { ResponsesTap } from "./responses-api/tap";
import type { TokenUsage } from "./tap-shared";

/**
 * What a response tap offers. The taps (response-openai.ts, response-anthropic.ts) do not import this module, so
 * that nothing imports back the module that imports it: responseTap's return type checks they fit.
 */
export interface ResponseTap {
  /** One parsed stream event/chunk in the provider's format (OpenAI chat.completion.chunk, Anthropic stream event). */
  observeEvent(data: unknown): void;
  /** A whole non-streamed response body (OpenAI chat.completion, or Anthropic message). */
  observeResponse(json: unknown): void;
  /**
   * gen_ai.response.id, gen_ai.response.model, gen_ai.response.finish_reasons, gen_ai.usage.* and, when
   * `captureContent` is true *and* the tap was created with `captureContent: true`, gen_ai.output.messages.
   */
  attributes(captureContent: boolean): Attributes;
  /** Usage as numbers, for other consumers (metrics, token rate limits, cost): undefined fields when unknown. */
  usage(): TokenUsage;
  /** `gen_ai.response.model`: the model that answered, as the provider names it (prices it). */
  responseModel(): string | undefined;
}

/**
 * Watches one provider response (streamed or not) and maps it to the GenAI span attributes (semantic-conventions
 * v1.41, gen-ai-spans.md and anthropic.md; the later semantic-conventions-genai repo clarifies the same rules).
 *
 * Usage ("gen_ai.usage.input_tokens SHOULD include all types of input tokens, including cached tokens"; cache and
 * reasoning counts are subsets of the input/output totals):
 * - OpenAI: input = `prompt_tokens` (already includes cached tokens);
 *   cache_read = `prompt_tokens_details.cached_tokens` (DeepSeek: `prompt_cache_hit_tokens`);
 *   cache_creation = `prompt_tokens_details.cache_write_tokens` (newer APIs, and gateways translating from Anthropic,
 *   which count it inside prompt_tokens too); reasoning = `completion_tokens_details.reasoning_tokens`.
 *   Streams: the chunk with a non-null `usage` (usually a last chunk with `choices: []`).
 * - Anthropic: input = `input_tokens + cache_read_input_tokens + cache_creation_input_tokens` (Anthropic's
 *   input_tokens excludes both; the spec's Anthropic page says to add them); reasoning =
 *   `output_tokens_details.thinking_tokens` when reported. Streams: message_start carries the first counts,
 *   message_delta cumulative ones; a later non-null value replaces an earlier one.
 * Counts the provider reports as 0 are recorded as 0; counts it does not report are not recorded.
 *
 * - OpenAI Responses API (native pass-through): `usage.input_tokens` (cached included),
 *   `input_tokens_details.cached_tokens`, `output_tokens`, `output_tokens_details.reasoning_tokens`, from the
 *   response object (streams: the one the final event carries).
 *
 * Finish reasons are the provider's own values (OpenAI `finish_reason` per choice, in choice-index order; Anthropic
 * `stop_reason`). A generation that was seen but never got one (stream cut off, cancelled, failed) is reported as
 * `error`, as the spec asks, instead of being left out.
 *
 * Content: gen_ai.output.messages has one message per choice/generation. Stream deltas (text, reasoning, tool-call
 * fragments per choice; content blocks for Anthropic) are only accumulated when the tap was created with
 * `captureContent: true`; otherwise each event costs a few property reads.
 */
export function responseTap(iface: CallApi, opts?: { captureContent: boolean }): ResponseTap {
  const capture = opts?.captureContent ?? false;
  if (iface === "responses") return new ResponsesTap();
  return iface === "openai" ? new OpenAITap(capture) : new AnthropicTap(capture);
}
