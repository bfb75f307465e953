import { ANSWER, badNumber, isRecord, malformed, pathOf } from "./check";

// OpenAI's Embeddings API (`POST /embeddings`), the one embeddings format tracegate speaks to clients and providers.

/** A client's embeddings request: the fields tracegate reads; the rest passes to the provider as it is. */
export interface EmbeddingsRequest {
  model: string;
  /** A string, strings, tokens (numbers) or lists of tokens. */
  input: string | readonly unknown[];
  encoding_format?: string;
  dimensions?: number;
  [key: string]: unknown;
}

/** An embeddings answer as checked: a list of vectors (floats, or base64 text), the model, the usage. */
export interface ReceivedEmbeddings {
  object?: string;
  data: { object?: string; index: number; embedding: readonly number[] | string }[];
  model?: string;
  usage?: { prompt_tokens: number; total_tokens?: number } | null;
  [key: string]: unknown;
}

/**
 * Checks an embeddings answer where it enters: `data` a list of `{index, embedding}` with a vector (an array) or
 * base64 text, and `usage.prompt_tokens` a number when usage is there. A vector's numbers are not each checked (a
 * few thousand per input): the provider's JSON already made them numbers or something a client's parser rejects.
 */
export function readEmbeddings(value: unknown): ReceivedEmbeddings {
  if (!isRecord(value)) throw malformed(ANSWER, "", value, "a JSON object");
  const data = value.data;
  if (!Array.isArray(data)) throw malformed(ANSWER, "data", data, "an array");
  data.forEach((item: unknown, i) => {
    if (!isRecord(item)) throw malformed(ANSWER, pathOf("data", i), item, "an object");
    if (typeof item.index !== "number") throw malformed(ANSWER, pathOf("data", i, "index"), item.index, "a number");
    const vector = item.embedding;
    if (!Array.isArray(vector) && typeof vector !== "string") {
      throw malformed(ANSWER, pathOf("data", i, "embedding"), vector, "an array of numbers or base64 text");
    }
  });
  const usage = value.usage;
  if (usage != null) {
    if (!isRecord(usage)) throw malformed(ANSWER, "usage", usage, "an object");
    const bad = badNumber(usage, ["prompt_tokens"], false) ?? badNumber(usage, ["total_tokens"], true);
    if (bad !== undefined) throw malformed(ANSWER, `usage.${bad}`, usage[bad], "a number");
  }
  return value as ReceivedEmbeddings;
}
