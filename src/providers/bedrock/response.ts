import { ANSWER, isNumber, isRecord, malformed, type ProviderPart } from "../../formats/check";
import type { ChatCompletion, FinishReason, OpenAIUsage, ToolCall } from "../../formats/openai";

/** Converse `stopReason` -> OpenAI `finish_reason`; a reason newer than this file counts as a plain stop. */
export function finishReasonFromConverse(stopReason: string): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "content_filtered":
    case "guardrail_intervened":
      return "content_filter";
    default: // end_turn, stop_sequence
      return "stop";
  }
}

function count(usage: Record<string, unknown>, key: string, part: ProviderPart, required: boolean): number {
  const value = usage[key];
  if (isNumber(value)) return value;
  if (value == null && !required) return 0;
  throw malformed(part, `usage.${key}`, value, "a number");
}

/**
 * Converse usage (checked) -> OpenAI usage. Bedrock's `inputTokens` leaves out the cache reads and writes; OpenAI's
 * `prompt_tokens` is the whole input, with the cached part in `prompt_tokens_details` (as telemetry/genai/response.ts
 * reads it).
 */
export function openaiUsageFromConverse(usage: unknown, part: ProviderPart): OpenAIUsage {
  if (!isRecord(usage)) throw malformed(part, "usage", usage, "an object");
  const read = count(usage, "cacheReadInputTokens", part, false);
  const write = count(usage, "cacheWriteInputTokens", part, false);
  const prompt = count(usage, "inputTokens", part, true) + read + write;
  const completion = count(usage, "outputTokens", part, true);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read, ...(write > 0 ? { cache_write_tokens: write } : {}) },
  };
}

/** The arguments string of a tool call: Bedrock sends the input as a JSON value. */
function argumentsOf(input: unknown): string {
  return input === undefined ? "{}" : JSON.stringify(input);
}

function messageParts(content: unknown): { text: string | null; toolCalls: ToolCall[] } {
  if (!Array.isArray(content)) throw malformed(ANSWER, "output.message.content", content, "an array");
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  content.forEach((block: unknown, i) => {
    if (!isRecord(block)) throw malformed(ANSWER, `output.message.content[${i}]`, block, "an object");
    if (typeof block.text === "string") text = (text ?? "") + block.text;
    const use = block.toolUse;
    if (use === undefined) return; // reasoning and other blocks OpenAI's message has no field for
    const path = `output.message.content[${i}].toolUse`;
    if (!isRecord(use)) throw malformed(ANSWER, path, use, "an object");
    if (typeof use.toolUseId !== "string") throw malformed(ANSWER, `${path}.toolUseId`, use.toolUseId, "a string");
    if (typeof use.name !== "string") throw malformed(ANSWER, `${path}.name`, use.name, "a string");
    toolCalls.push({ id: use.toolUseId, type: "function", function: { name: use.name, arguments: argumentsOf(use.input) } });
  });
  return { text, toolCalls };
}

/**
 * A Converse answer (JSON, unchecked) -> an OpenAI chat.completion. A wrong shape is a FormatError naming the field.
 * `id` and `created` are the gateway's: Converse answers carry neither.
 */
export function chatCompletionFromConverse(body: unknown, model: string, id: string, created: number): ChatCompletion {
  if (!isRecord(body)) throw malformed(ANSWER, "(answer)", body, "an object");
  const output = body.output;
  if (!isRecord(output) || !isRecord(output.message)) throw malformed(ANSWER, "output.message", isRecord(output) ? output.message : output, "an object");
  if (typeof body.stopReason !== "string") throw malformed(ANSWER, "stopReason", body.stopReason, "a string");
  const { text, toolCalls } = messageParts(output.message.content);
  const message: ChatCompletion["choices"][number]["message"] = { role: "assistant", content: text, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message, finish_reason: finishReasonFromConverse(body.stopReason), logprobs: null }],
    usage: openaiUsageFromConverse(body.usage, ANSWER),
  };
}
