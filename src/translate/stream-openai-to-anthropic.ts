import type { MessageDeltaUsage, MessageStreamEvent } from "../formats/anthropic";
import {
  isStreamErrorChunk,
  type ReceivedChunk,
  type ReceivedToolCallDelta,
  type ReceivedUsage,
  type StreamErrorChunk,
} from "../formats/openai-read";
import { UpstreamStreamError } from "./errors";
import { anthropicUsageFromOpenai, reasoningOf, stopReasonFor } from "./shared";
import type { StreamTranslator } from "./stream-anthropic-to-openai";

export interface OpenaiToAnthropicOptions {
  /** The model the client asked for, reported in message_start. */
  clientModel: string;
}

type OpenBlock = { kind: "text" | "thinking"; index: number } | { kind: "tool"; index: number; toolIndex: number };

/**
 * OpenAI chat.completion.chunk stream -> Anthropic Messages stream.
 * - The first chunk opens the message (message_start, usage zero: OpenAI reports usage only at the end).
 * - Text (and refusal text) goes into a text block; each tool call index gets its own tool_use block, whose
 *   argument fragments become input_json_delta. A block is stopped before the next one starts.
 * - finish_reason is only remembered: the usage chunk comes after it, so message_delta (stop_reason, usage)
 *   and message_stop are emitted by `end()`.
 * - reasoning_content (DeepSeek) or reasoning (Groq, OpenRouter) goes into a thinking block, with an empty
 *   signature; `{"error":…}` chunks throw.
 */
export function openaiStreamToAnthropic(
  opts: OpenaiToAnthropicOptions,
): StreamTranslator<ReceivedChunk | StreamErrorChunk, MessageStreamEvent> {
  return new OpenaiToAnthropicStream(opts);
}

class OpenaiToAnthropicStream implements StreamTranslator<ReceivedChunk | StreamErrorChunk, MessageStreamEvent> {
  private started = false;
  private ended = false;
  private messageId = "";
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  /** OpenAI tool_calls index -> id of the call that index started (a new id at the same index is a new call). */
  private readonly toolIds = new Map<number, string>();
  private finish: string | null = null;
  private usage: ReceivedUsage | null = null;
  private refused = false;

  constructor(private readonly opts: OpenaiToAnthropicOptions) {}

  push(chunk: ReceivedChunk | StreamErrorChunk): MessageStreamEvent[] {
    if (this.ended) return [];
    if (isStreamErrorChunk(chunk)) {
      const error = chunk.error;
      throw new UpstreamStreamError(
        String(error.type ?? error.code ?? "api_error"),
        String(error.message ?? "the provider reported an error in the stream"),
      );
    }
    const out: MessageStreamEvent[] = [];
    if (!this.started) this.start(out, chunk.id);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) return out; // the usage chunk, or a choice other than the first
    const delta = choice.delta ?? {};
    const reasoning = reasoningOf(delta);
    if (reasoning !== undefined) this.appendThinking(out, reasoning);
    if (typeof delta.content === "string" && delta.content) this.appendText(out, delta.content);
    if (typeof delta.refusal === "string" && delta.refusal) {
      this.refused = true;
      this.appendText(out, delta.refusal);
    }
    for (const call of delta.tool_calls ?? []) this.appendToolCall(out, call);
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  end(): MessageStreamEvent[] {
    if (!this.started || this.ended) return [];
    this.ended = true;
    const out: MessageStreamEvent[] = [];
    this.closeOpen(out);
    const usage = this.usage;
    const counts = anthropicUsageFromOpenai(usage);
    const deltaUsage: MessageDeltaUsage = usage
      ? {
          input_tokens: counts.input_tokens,
          cache_creation_input_tokens: counts.cache_creation_input_tokens,
          cache_read_input_tokens: counts.cache_read_input_tokens,
          output_tokens: counts.output_tokens,
          ...(counts.output_tokens_details ? { output_tokens_details: counts.output_tokens_details } : {}),
        }
      : { output_tokens: 0 };
    out.push({
      type: "message_delta",
      delta: { stop_reason: stopReasonFor(this.finish, this.toolIds.size > 0, this.refused), stop_sequence: null },
      usage: deltaUsage,
    });
    out.push({ type: "message_stop" });
    return out;
  }

  private start(out: MessageStreamEvent[], id: string): void {
    this.started = true;
    this.messageId = id;
    out.push({
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        content: [],
        model: this.opts.clientModel,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  private closeOpen(out: MessageStreamEvent[]): void {
    if (this.open) out.push({ type: "content_block_stop", index: this.open.index });
    this.open = null;
  }

  private appendText(out: MessageStreamEvent[], text: string): void {
    if (this.open?.kind !== "text") {
      this.closeOpen(out);
      this.open = { kind: "text", index: this.nextIndex++ };
      out.push({ type: "content_block_start", index: this.open.index, content_block: { type: "text", text: "" } });
    }
    out.push({ type: "content_block_delta", index: this.open.index, delta: { type: "text_delta", text } });
  }

  /** Reasoning as a thinking block (empty signature: the reasoning is not Claude's, Anthropic could not verify it). */
  private appendThinking(out: MessageStreamEvent[], thinking: string): void {
    if (this.open?.kind !== "thinking") {
      this.closeOpen(out);
      this.open = { kind: "thinking", index: this.nextIndex++ };
      const block = { type: "thinking" as const, thinking: "", signature: "" };
      out.push({ type: "content_block_start", index: this.open.index, content_block: block });
    }
    out.push({ type: "content_block_delta", index: this.open.index, delta: { type: "thinking_delta", thinking } });
  }

  private appendToolCall(out: MessageStreamEvent[], call: ReceivedToolCallDelta): void {
    const toolIndex = typeof call.index === "number" ? call.index : 0;
    const known = this.toolIds.get(toolIndex);
    if (known === undefined || (call.id != null && call.id !== known)) {
      this.closeOpen(out);
      const id = call.id ?? `toolu_${this.messageId}_${toolIndex}`;
      this.toolIds.set(toolIndex, id);
      this.open = { kind: "tool", index: this.nextIndex++, toolIndex };
      const name = call.function?.name ?? "";
      const block = { type: "tool_use" as const, id, name, input: {} };
      out.push({ type: "content_block_start", index: this.open.index, content_block: block });
    } else if (this.open?.kind !== "tool" || this.open.toolIndex !== toolIndex) {
      // Fragments for a call whose block is already stopped: Anthropic blocks cannot be reopened. OpenAI sends
      // calls one after another, so this only happens with a misbehaving server.
      return;
    }
    const args = call.function?.arguments;
    if (!args) return;
    out.push({ type: "content_block_delta", index: this.open.index, delta: { type: "input_json_delta", partial_json: args } });
  }
}
