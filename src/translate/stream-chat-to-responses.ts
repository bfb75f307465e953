import type { ReceivedChunk, ReceivedToolCallDelta, ReceivedUsage } from "../formats/openai-read";
import type { FunctionCallItem, OutputItem, ResponseObject, ResponseStreamEvent } from "../formats/responses";
import {
  itemId,
  messageItem,
  outputText,
  reasoningItem,
  responseShell,
  responsesUsage,
  statusOf,
  type ResponseContext,
} from "./response-chat-to-responses";
import type { StreamTranslator } from "./stream-anthropic-to-openai";

/** The output item being streamed now: the Responses API streams one item after another. */
type TextItem = { kind: "reasoning" | "message"; index: number; text: string };
type OpenItem = TextItem | { kind: "call"; index: number; item: FunctionCallItem };

/** The Responses event sequence of a chat stream, plus the final response once it has ended. */
export interface ResponsesStreamTranslator extends StreamTranslator<ReceivedChunk, ResponseStreamEvent> {
  /** The response the last `response.completed` / `response.incomplete` carried (undefined before). */
  readonly final: ResponseObject | undefined;
  /** The events that end the stream with `message`: `response.failed` once created, else an `error` event. */
  fail(code: string, message: string): ResponseStreamEvent[];
}

/**
 * OpenAI chat.completion.chunk stream -> OpenAI Responses event stream (an Anthropic stream comes here through
 * stream-anthropic-to-openai.ts): response.created and response.in_progress first; then per output item
 * response.output_item.added, its deltas (reasoning_summary_text / output_text / function_call_arguments), their
 * .done events and response.output_item.done; at the end response.completed (response.incomplete for a length or
 * content-filter finish) with the whole response and its usage. Every event carries a sequence_number from 0.
 */
export function chatStreamToResponses(ctx: ResponseContext): ResponsesStreamTranslator {
  return new ChatToResponsesStream(ctx);
}

class ChatToResponsesStream implements ResponsesStreamTranslator {
  private seq = 0;
  private started = false;
  private open: OpenItem | undefined;
  private readonly output: OutputItem[] = [];
  /** Chat tool_calls index -> its open or done item. */
  private readonly calls = new Map<number, FunctionCallItem>();
  private finish: string | null | undefined;
  private usage: ReceivedUsage | null | undefined;
  final: ResponseObject | undefined;

  constructor(private readonly ctx: ResponseContext) {}

  push(chunk: ReceivedChunk): ResponseStreamEvent[] {
    const out = this.start();
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    const delta = choice?.delta;
    if (delta?.reasoning_content) this.text("reasoning", delta.reasoning_content, out);
    if (delta?.content) this.text("message", delta.content, out);
    for (const call of delta?.tool_calls ?? []) this.toolCall(call, out);
    if (choice?.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  end(): ResponseStreamEvent[] {
    const out = this.start();
    this.close(out);
    const { status, incomplete_details } = statusOf(this.finish);
    const response = {
      ...responseShell(this.ctx, status, this.output, responsesUsage(this.usage)),
      incomplete_details,
      output_text: outputText(this.output),
    };
    this.final = response;
    out.push(this.event(status === "completed" ? "response.completed" : "response.incomplete", { response }));
    return out;
  }

  fail(code: string, message: string): ResponseStreamEvent[] {
    if (!this.started) return [this.event("error", { code, message, param: null })];
    const response = { ...responseShell(this.ctx, "failed", this.output, responsesUsage(this.usage)), error: { code, message } };
    return [this.event("response.failed", { response })];
  }

  private event(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.seq++, ...fields };
  }

  private start(): ResponseStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = responseShell(this.ctx, "in_progress", [], null);
    return [this.event("response.created", { response }), this.event("response.in_progress", { response })];
  }

  /** Reasoning or message text: opens its item (closing another kind first), then the delta. */
  private text(kind: TextItem["kind"], delta: string, out: ResponseStreamEvent[]): void {
    const open = this.open?.kind === kind ? (this.open as TextItem) : this.openText(kind, out);
    open.text += delta;
    const at = { item_id: itemId(this.ctx, kind === "message" ? "msg" : "rs"), output_index: open.index };
    if (kind === "message") out.push(this.event("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] }));
    else out.push(this.event("response.reasoning_summary_text.delta", { ...at, summary_index: 0, delta }));
  }

  private openText(kind: TextItem["kind"], out: ResponseStreamEvent[]): TextItem {
    this.close(out);
    const open: TextItem = { kind, index: this.output.length, text: "" };
    this.open = open;
    const output_index = open.index;
    if (kind === "message") {
      const id = itemId(this.ctx, "msg");
      const item = { type: "message", id, role: "assistant", status: "in_progress", content: [] };
      out.push(this.event("response.output_item.added", { output_index, item }));
      const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
      out.push(this.event("response.content_part.added", { item_id: id, output_index, content_index: 0, part }));
    } else {
      const id = itemId(this.ctx, "rs");
      out.push(this.event("response.output_item.added", { output_index, item: { type: "reasoning", id, summary: [] } }));
      const part = { type: "summary_text", text: "" };
      out.push(this.event("response.reasoning_summary_part.added", { item_id: id, output_index, summary_index: 0, part }));
    }
    return open;
  }

  private toolCall(call: ReceivedToolCallDelta, out: ResponseStreamEvent[]): void {
    const index = call.index ?? 0;
    let item = this.calls.get(index);
    if (!item) {
      this.close(out);
      item = {
        type: "function_call",
        id: itemId(this.ctx, "fc", this.calls.size),
        call_id: call.id ?? "",
        name: call.function?.name ?? "",
        arguments: "",
        status: "in_progress",
      };
      this.calls.set(index, item);
      this.open = { kind: "call", index: this.output.length, item };
      out.push(this.event("response.output_item.added", { output_index: this.output.length, item: { ...item } }));
    }
    const args = call.function?.arguments;
    // Fragments of a call other than the open one (servers that interleave) still count; only the open one streams.
    if (!args) return;
    item.arguments += args;
    const open = this.open;
    if (open?.kind === "call" && open.item === item) {
      out.push(this.event("response.function_call_arguments.delta", { item_id: item.id, output_index: open.index, delta: args }));
    }
  }

  /** Ends the open item: its .done events, then response.output_item.done with the whole item. */
  private close(out: ResponseStreamEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    let item: OutputItem;
    if ("item" in open) {
      open.item.status = "completed";
      item = open.item;
      const at = { item_id: item.id, output_index: open.index };
      out.push(this.event("response.function_call_arguments.done", { ...at, name: item.name, arguments: open.item.arguments }));
    } else if (open.kind === "message") {
      item = messageItem(this.ctx, open.text, "", "completed");
      const at = { item_id: item.id, output_index: open.index, content_index: 0 };
      out.push(this.event("response.output_text.done", { ...at, text: open.text, logprobs: [] }));
      out.push(this.event("response.content_part.done", { ...at, part: item.content[0] }));
    } else {
      item = reasoningItem(this.ctx, open.text);
      const at = { item_id: item.id, output_index: open.index, summary_index: 0 };
      out.push(this.event("response.reasoning_summary_text.done", { ...at, text: open.text }));
      out.push(this.event("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text: open.text } }));
    }
    this.output.push(item);
    out.push(this.event("response.output_item.done", { output_index: open.index, item }));
  }
}
