import type { MessageDeltaUsage } from "../formats/anthropic";
import type { ReceivedDeltaUsage, ReceivedStreamEvent } from "../formats/anthropic-read";
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from "../formats/openai";
import { FormatError } from "../formats/check";
import { UpstreamStreamError } from "./errors";
import { openaiChunk, openaiUsageChunk, type ChunkIdentity } from "./openai-chunk";
import { finishReasonFromStop, openaiUsageFromAnthropic } from "./shared";

export { UpstreamStreamError };

/** Events that belong to a message: they cannot come before its message_start. */
const NEEDS_MESSAGE: ReadonlySet<string> = new Set([
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
]);

/** A stateful stream translator: each call returns the events to emit now (possibly none). */
export interface StreamTranslator<In, Out> {
  push(event: In): Out[];
  /** The upstream stream ended: whatever is still owed to the client. */
  end(): Out[];
}

export interface AnthropicToOpenaiOptions {
  /** The model the client asked for, reported in every chunk. */
  clientModel: string;
  /** The client's `stream_options.include_usage`: emit the final usage chunk (and `usage: null` before it). */
  includeUsage: boolean;
  /** Unix time in seconds for every chunk's `created`. */
  created: number;
  /** The tool carrying a JSON-mode answer (json-mode.ts): its input streams as `content`, its stop as `stop`. */
  jsonTool?: string;
}

/**
 * Anthropic Messages stream -> OpenAI chat.completion.chunk stream.
 * - message_start: the opening chunk (role "assistant", content "").
 * - text_delta: `content`; tool_use blocks: `tool_calls` (index counts tool calls only, not Anthropic blocks);
 *   input_json_delta: argument fragments; thinking_delta: `reasoning_content` (signatures are dropped); the
 *   JSON-mode tool's input_json_delta: `content`.
 * - message_delta: a chunk with finish_reason; message_stop: the usage chunk (`choices: []`) when asked for.
 * - ping and unknown events are ignored; an `error` event throws UpstreamStreamError; content or a message_delta
 *   before message_start is a malformed stream (FormatError): the chunks would have no id.
 * The chunk id is the upstream message id.
 */
export function anthropicStreamToOpenai(
  opts: AnthropicToOpenaiOptions,
): StreamTranslator<ReceivedStreamEvent, ChatCompletionChunk> {
  return new AnthropicToOpenaiStream(opts);
}

type EventOf<T extends ReceivedStreamEvent["type"]> = Extract<ReceivedStreamEvent, { type: T }>;

class AnthropicToOpenaiStream implements StreamTranslator<ReceivedStreamEvent, ChatCompletionChunk> {
  /** Every chunk's id, created, model and usage flag; the id is the upstream message's, known at message_start. */
  private identity: ChunkIdentity;
  private started = false;
  private usage: MessageDeltaUsage = { input_tokens: 0, output_tokens: 0 };
  /** Anthropic content block index -> OpenAI tool_calls index. */
  private readonly toolIndex = new Map<number, number>();
  /** Anthropic content block index of the JSON-mode answer's tool_use block, once it started. */
  private jsonBlock: number | undefined;
  private finished = false;
  private usageSent = false;

  constructor(private readonly opts: AnthropicToOpenaiOptions) {
    this.identity = { id: "", created: opts.created, model: opts.clientModel, includeUsage: opts.includeUsage };
  }

  push(event: ReceivedStreamEvent): ChatCompletionChunk[] {
    if (!this.started && NEEDS_MESSAGE.has(event.type)) {
      throw new FormatError("stream event", `${event.type}: before message_start`);
    }
    switch (event.type) {
      case "message_start":
        this.started = true;
        this.identity = { ...this.identity, id: event.message.id };
        this.mergeUsage(event.message.usage);
        return [this.chunk({ role: "assistant", content: "" })];
      case "content_block_start":
        return this.blockStart(event);
      case "content_block_delta":
        return this.blockDelta(event);
      case "message_delta":
        return this.messageDelta(event);
      case "message_stop":
        return this.usageChunk();
      case "error":
        throw new UpstreamStreamError(
          String(event.error?.type ?? "api_error"),
          String(event.error?.message ?? "the provider reported an error in the stream"),
        );
      default:
        return []; // ping, content_block_stop, and event types newer than this file
    }
  }

  end(): ChatCompletionChunk[] {
    // The usage chunk is owed only for a stream that got as far as its finish.
    return this.finished ? this.usageChunk() : [];
  }

  private blockStart(event: EventOf<"content_block_start">): ChatCompletionChunk[] {
    const block = event.content_block;
    if (block.type === "tool_use" && block.name === this.opts.jsonTool) {
      this.jsonBlock = event.index;
      return [];
    }
    if (block.type === "tool_use") {
      const index = this.toolIndex.size;
      this.toolIndex.set(event.index, index);
      const call = { index, id: block.id, type: "function" as const, function: { name: block.name, arguments: "" } };
      return [this.chunk({ tool_calls: [call] })];
    }
    if (block.type === "text" && block.text) return [this.chunk({ content: block.text })];
    return [];
  }

  private blockDelta(event: EventOf<"content_block_delta">): ChatCompletionChunk[] {
    const delta = event.delta;
    if (delta.type === "text_delta") return delta.text ? [this.chunk({ content: delta.text })] : [];
    if (delta.type === "thinking_delta") return delta.thinking ? [this.chunk({ reasoning_content: delta.thinking })] : [];
    if (delta.type === "input_json_delta" && event.index === this.jsonBlock) {
      return delta.partial_json ? [this.chunk({ content: delta.partial_json })] : [];
    }
    if (delta.type === "input_json_delta") {
      const index = this.toolIndex.get(event.index);
      if (index === undefined || !delta.partial_json) return [];
      return [this.chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
    }
    return []; // signature_delta, citations_delta
  }

  private messageDelta(event: EventOf<"message_delta">): ChatCompletionChunk[] {
    this.mergeUsage(event.usage ?? {});
    let reason = finishReasonFromStop(event.delta?.stop_reason);
    // A JSON-mode answer is the message's text, not a tool call the client made.
    if (reason === "tool_calls" && this.jsonBlock !== undefined && this.toolIndex.size === 0) reason = "stop";
    // A stream may carry several message_delta events; the client gets one finish_reason.
    if (this.finished || reason === null) return [];
    this.finished = true;
    return [this.chunk({}, reason)];
  }

  private chunk(delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    return openaiChunk(this.identity, delta, finishReason);
  }

  private usageChunk(): ChatCompletionChunk[] {
    if (!this.opts.includeUsage || this.usageSent) return [];
    this.usageSent = true;
    return [openaiUsageChunk(this.identity, openaiUsageFromAnthropic(this.usage))];
  }

  /** message_delta counters are cumulative totals: overwrite the ones present, keep the others. */
  private mergeUsage(next: ReceivedDeltaUsage): void {
    const merged: MessageDeltaUsage = { ...this.usage };
    if (typeof next.output_tokens === "number") merged.output_tokens = next.output_tokens;
    if (next.input_tokens != null) merged.input_tokens = next.input_tokens;
    if (next.cache_read_input_tokens != null) merged.cache_read_input_tokens = next.cache_read_input_tokens;
    if (next.cache_creation_input_tokens != null) merged.cache_creation_input_tokens = next.cache_creation_input_tokens;
    const thinking = next.output_tokens_details?.thinking_tokens;
    if (thinking != null) merged.output_tokens_details = { thinking_tokens: thinking };
    this.usage = merged;
  }
}
