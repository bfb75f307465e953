import type { AnthropicUsage, ImageMediaType, MessageDeltaUsage, StopReason } from "../formats/anthropic";
import { isRecord } from "../formats/check";
import type { FinishReason, OpenAIUsage } from "../formats/openai";
import type { ReceivedUsage } from "../formats/openai-read";

/** Anthropic stop_reason (as received: possibly newer than this file) -> OpenAI finish_reason. */
export function finishReasonFromStop(stop: string | null | undefined): FinishReason | null {
  switch (stop) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // null (not known yet) or a stop reason newer than this file.
      return stop == null ? null : "stop";
  }
}

/** OpenAI finish_reason (as received) -> Anthropic stop_reason. OpenAI does not say which stop sequence matched. */
export function stopReasonFromFinish(finish: string | null | undefined): StopReason | null {
  switch (finish) {
    case "stop":
      return "end_turn";
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return finish == null ? null : "end_turn";
  }
}

/**
 * Which stop reason an OpenAI finish means here. Some OpenAI-compatible servers answer "stop" while returning tool
 * calls; Anthropic clients run their tool loop on `tool_use`, so tool calls win over a plain stop.
 */
export function stopReasonFor(
  finish: string | null | undefined,
  hasToolCalls: boolean,
  refused: boolean,
): StopReason {
  if (refused) return "refusal";
  const stop = stopReasonFromFinish(finish) ?? "end_turn";
  return stop === "end_turn" && hasToolCalls ? "tool_use" : stop;
}

type AnthropicCounts = Pick<AnthropicUsage, "cache_creation_input_tokens" | "cache_read_input_tokens"> & {
  input_tokens?: number | null;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
};

/** Anthropic counts input in three disjoint parts; OpenAI's prompt_tokens is their sum. */
export function openaiUsageFromAnthropic(usage: AnthropicCounts): OpenAIUsage {
  const read = usage.cache_read_input_tokens ?? 0;
  const write = usage.cache_creation_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + read + write;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: read, ...(write > 0 ? { cache_write_tokens: write } : {}) },
    ...(thinking != null ? { completion_tokens_details: { reasoning_tokens: thinking } } : {}),
  };
}

/** The inverse of openaiUsageFromAnthropic: cached (and cache-write) tokens come out of prompt_tokens. */
export function anthropicUsageFromOpenai(usage: ReceivedUsage | null | undefined): AnthropicUsage & MessageDeltaUsage {
  const read = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const write = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: usage?.completion_tokens ?? 0,
    ...(reasoning != null ? { output_tokens_details: { thinking_tokens: reasoning } } : {}),
  };
}

/**
 * OpenAI tool-call arguments (a string the model wrote) -> Anthropic tool_use input (must be an object).
 * Empty, invalid or non-object JSON becomes {}: Anthropic rejects anything else, and a malformed call
 * echoed back in history should not fail the whole request.
 */
export function parseToolArguments(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

const IMAGE_TYPES: readonly string[] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

export function isImageMediaType(value: string): value is ImageMediaType {
  return IMAGE_TYPES.includes(value);
}

/** `data:image/png;base64,AAAA` -> its parts; undefined when not a base64 data URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(url);
  if (!match || match[1] === undefined || match[3] === undefined) return undefined;
  return { mediaType: match[1].toLowerCase(), data: match[3] };
}

/**
 * The reasoning text of an OpenAI-compatible message or delta: `reasoning_content` (DeepSeek, vLLM, tracegate's own
 * translation) or `reasoning` (Groq, OpenRouter; not checked by the readers, as some servers put other things
 * there: only a string is read); undefined when there is none.
 */
export function reasoningOf(value: { reasoning_content?: string | null; reasoning?: unknown } | null | undefined): string | undefined {
  const text = value?.reasoning_content ?? value?.reasoning;
  return typeof text === "string" && text !== "" ? text : undefined;
}
