import type { ChatCompletionChunk, ChunkDelta, FinishReason, OpenAIUsage } from "../../formats/openai";
import type { ReceivedGenerateContent } from "./read";
import { finishReasonOf, partsOf, responseIdOf, usageOf } from "./response";

/** Translates Gemini stream events, one at a time, into OpenAI chat.completion.chunks. */
export interface GeminiStreamTranslator {
  /** The chunks for one streamGenerateContent event. */
  push(event: ReceivedGenerateContent): ChatCompletionChunk[];
  /** After the last event: the usage chunk, or undefined when the stream never finished (cut short). */
  end(): ChatCompletionChunk | undefined;
}

/**
 * Per event: the role once, then the event's text (`content`), thought summaries (`reasoning_content`) and function
 * calls (whole, as one `tool_calls` delta each), then the finish reason when the candidate has one. Each event's
 * usageMetadata replaces the last (Gemini reports running totals); the usage chunk goes last. State is a few
 * counters: nothing of the answer is kept.
 */
export function geminiStreamToOpenai({ model, created }: { model: string; created: number }): GeminiStreamTranslator {
  let id: string | undefined;
  let answerModel = model;
  let usage: OpenAIUsage | undefined;
  let finished = false;
  const roleSent = new Set<number>();
  const callsSent = new Map<number, number>();
  const chunk = (index: number, delta: ChunkDelta, finish: FinishReason | null): ChatCompletionChunk => ({
    id: id ?? "",
    object: "chat.completion.chunk",
    created,
    model: answerModel,
    choices: [{ index, delta, finish_reason: finish, logprobs: null }],
  });
  return {
    push(event) {
      id ??= responseIdOf(event, created);
      answerModel = event.modelVersion ?? answerModel;
      if (event.usageMetadata) usage = usageOf(event.usageMetadata);
      const chunks: ChatCompletionChunk[] = [];
      (event.candidates ?? []).forEach((candidate, i) => {
        const index = candidate.index ?? i;
        const before = callsSent.get(index) ?? 0;
        const { text, reasoning, calls } = partsOf(candidate, id ?? "", before);
        const delta: ChunkDelta = {};
        if (!roleSent.has(index)) {
          roleSent.add(index);
          delta.role = "assistant";
        }
        if (text !== "") delta.content = text;
        if (reasoning !== "") delta.reasoning_content = reasoning;
        if (calls.length > 0) {
          delta.tool_calls = calls.map((call, k) => ({ index: before + k, ...call }));
          callsSent.set(index, before + calls.length);
        }
        if (Object.keys(delta).length > 0) chunks.push(chunk(index, delta, null));
        const finish = finishReasonOf(candidate.finishReason, (callsSent.get(index) ?? 0) > 0);
        if (finish !== null) {
          finished = true;
          chunks.push(chunk(index, {}, finish));
        }
      });
      if (event.candidates == null && event.promptFeedback?.blockReason) {
        finished = true;
        chunks.push(chunk(0, { role: "assistant", content: "" }, "content_filter"));
      }
      return chunks;
    },
    end() {
      if (!finished) return undefined;
      const last = { ...chunk(0, {}, null), choices: [] };
      return usage ? { ...last, usage } : last;
    },
  };
}
