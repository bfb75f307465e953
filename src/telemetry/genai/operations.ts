import type { Attributes } from "@opentelemetry/api";
import { isRecord } from "../../formats/check";
import { arr, field, int, nonEmpty, str, type JsonRecord } from "./read";
import { serverAttributesOf } from "./request";
import type { TokenUsage } from "./taps/shared";

// Provider calls that are not chats: embeddings (a GenAI operation of its own in the conventions) and Anthropic's
// token count (no GenAI operation: the span names the call, the provider and the model, and nothing else).

/** Who is called: the provider's `gen_ai.provider.name` and the URL of the call. */
interface CallTarget {
  readonly providerName: string;
  readonly url: string;
}

/** Attributes every provider call has: operation (when it is a GenAI one), provider, requested model, server. */
function callAttributes(operation: string | undefined, body: JsonRecord, target: CallTarget): Attributes {
  const attrs: Attributes = { "gen_ai.provider.name": target.providerName };
  if (operation !== undefined) attrs["gen_ai.operation.name"] = operation;
  const model = nonEmpty(body.model);
  if (model !== undefined) attrs["gen_ai.request.model"] = model;
  return Object.assign(attrs, serverAttributesOf(target.url));
}

/**
 * The embeddings CLIENT span's request attributes (semantic-conventions v1.41 `span.gen_ai.embeddings.client`):
 * `gen_ai.operation.name` `embeddings`, provider, model, server, `gen_ai.request.encoding_formats` (OpenAI's one
 * `encoding_format`, as a list) and `gen_ai.embeddings.dimension.count` from the request's `dimensions`.
 */
export function embeddingsAttributes(body: JsonRecord, target: CallTarget): Attributes {
  const attrs = callAttributes("embeddings", body, target);
  const format = nonEmpty(body.encoding_format);
  if (format !== undefined) attrs["gen_ai.request.encoding_formats"] = [format];
  const dimensions = int(body.dimensions);
  if (dimensions !== undefined) attrs["gen_ai.embeddings.dimension.count"] = dimensions;
  return attrs;
}

/** The token-count CLIENT span's attributes: provider, model and server (no GenAI operation is defined for it). */
export function countTokensAttributes(body: JsonRecord, target: CallTarget): Attributes {
  return callAttributes(undefined, body, target);
}

/**
 * Watches an embeddings answer: `gen_ai.response.model`, `gen_ai.usage.input_tokens` (`usage.prompt_tokens`) and,
 * when the request did not say, `gen_ai.embeddings.dimension.count` from the first vector's length (a float vector;
 * a base64 one is not decoded for it). Same surface as the chat taps (ResponseTap); embeddings are never streamed.
 */
export class EmbeddingsTap {
  private model: string | undefined;
  private input: number | undefined;
  private dimensions: number | undefined;

  observeEvent(): void {}

  observeResponse(json: unknown): void {
    if (!isRecord(json)) return;
    this.model = nonEmpty(json.model);
    this.input = int(field(json.usage, "prompt_tokens"));
    const first = field(arr(json.data)?.[0], "embedding");
    this.dimensions = str(first) === undefined ? arr(first)?.length : undefined;
  }

  attributes(): Attributes {
    const attrs: Attributes = {};
    if (this.model !== undefined) attrs["gen_ai.response.model"] = this.model;
    if (this.input !== undefined) attrs["gen_ai.usage.input_tokens"] = this.input;
    if (this.dimensions !== undefined) attrs["gen_ai.embeddings.dimension.count"] = this.dimensions;
    return attrs;
  }

  usage(): TokenUsage {
    return this.input === undefined ? {} : { input: this.input };
  }

  responseModel(): string | undefined {
    return this.model;
  }
}
