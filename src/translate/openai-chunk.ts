import type { ChatCompletionChunk, ChunkDelta, FinishReason, OpenAIUsage } from "../formats/openai";

/** What every chunk of one OpenAI stream repeats. */
export interface ChunkIdentity {
  readonly id: string;
  readonly created: number;
  /** The model reported in every chunk. */
  readonly model: string;
  /** The request's `stream_options.include_usage`: `usage: null` in each chunk, then a final usage chunk. */
  readonly includeUsage: boolean;
}

/** A chat.completion.chunk with one choice; with include_usage OpenAI sends `usage: null` in every chunk but the last. */
export function openaiChunk(identity: ChunkIdentity, delta: ChunkDelta, finish: FinishReason | null): ChatCompletionChunk {
  return {
    id: identity.id,
    object: "chat.completion.chunk",
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    ...(identity.includeUsage ? { usage: null } : {}),
  };
}

/** The stream's final usage chunk (`choices: []`). */
export function openaiUsageChunk(identity: ChunkIdentity, usage: OpenAIUsage): ChatCompletionChunk {
  const { id, created, model } = identity;
  return { id, object: "chat.completion.chunk", created, model, choices: [], usage };
}
