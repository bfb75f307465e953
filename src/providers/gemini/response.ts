import type { ChatCompletion, ChatCompletionChoice, FinishReason, OpenAIUsage, ToolCall } from "../../formats/openai";
import type { ReceivedCandidate, ReceivedGeminiPart, ReceivedUsageMetadata } from "./read";
import type { ReceivedGenerateContent } from "./read";

/** Gemini's finishReason -> OpenAI's; function calls in the answer make it `tool_calls`. */
export function finishReasonOf(reason: string | null | undefined, hasToolCalls: boolean): FinishReason | null {
  if (reason == null || reason === "FINISH_REASON_UNSPECIFIED") return null;
  if (hasToolCalls) return "tool_calls";
  switch (reason) {
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content_filter";
    default:
      // STOP, and reasons newer than this file (OTHER, MALFORMED_FUNCTION_CALL, LANGUAGE…).
      return "stop";
  }
}

/**
 * usageMetadata -> OpenAI usage: the prompt includes cached tokens (`cached_tokens`), the completion includes the
 * thinking tokens (`reasoning_tokens`), as in OpenAI's own accounting.
 */
export function usageOf(meta: ReceivedUsageMetadata): OpenAIUsage {
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const thoughts = meta.thoughtsTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: meta.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

/** A function call's id: Gemini's own when it sends one, else one made from the call's place in the answer. */
export function callId(part: ReceivedGeminiPart, responseId: string, index: number): string {
  return part.functionCall?.id ?? `call_${responseId}_${index}`;
}

/** What one candidate's parts say, split the way OpenAI's message holds it. */
export function partsOf(candidate: ReceivedCandidate, responseId: string, firstCall = 0) {
  let text = "";
  let reasoning = "";
  const calls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      const id = callId(part, responseId, firstCall + calls.length);
      calls.push({ id, type: "function", function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) } });
    } else if (typeof part.text === "string") {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    }
  }
  return { text, reasoning, calls };
}

/** The answer's id: Gemini's responseId, else one made of the time (OpenAI clients expect one). */
export function responseIdOf(json: ReceivedGenerateContent, created: number): string {
  return json.responseId ?? `gemini-${created}`;
}

/** A whole generateContent answer as an OpenAI chat.completion (`model`: the version Gemini names, else the one asked). */
export function geminiResponseToOpenai(json: ReceivedGenerateContent, model: string, created: number): ChatCompletion {
  const id = responseIdOf(json, created);
  const choices = (json.candidates ?? []).map((candidate, i): ChatCompletionChoice => {
    const { text, reasoning, calls } = partsOf(candidate, id);
    return {
      index: candidate.index ?? i,
      message: {
        role: "assistant",
        content: text === "" && calls.length > 0 ? null : text,
        refusal: null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
        ...(reasoning === "" ? {} : { reasoning_content: reasoning }),
      },
      finish_reason: finishReasonOf(candidate.finishReason, calls.length > 0) ?? "stop",
      logprobs: null,
    };
  });
  // A prompt Gemini blocks gets no candidate at all: an empty answer stopped by the content filter.
  if (choices.length === 0 && json.promptFeedback?.blockReason) {
    choices.push({ index: 0, message: { role: "assistant", content: "", refusal: null }, finish_reason: "content_filter", logprobs: null });
  }
  const completion: ChatCompletion = { id, object: "chat.completion", created, model: json.modelVersion ?? model, choices };
  if (json.usageMetadata) completion.usage = usageOf(json.usageMetadata);
  return completion;
}
