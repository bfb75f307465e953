import type { Attributes } from "@opentelemetry/api";
import { anthropicOutputMessage } from "../content";
import { isRecord } from "../../../formats/check";
import { field, int, nonEmpty, parseArguments, str, type JsonRecord } from "../read";
import { baseAttributes, MAX_BLOCKS, validIndex, type TokenUsage } from "./shared";

/** One streamed content block: its content_block_start block plus the deltas that followed (capture only). */
interface BlockAcc {
  block: JsonRecord;
  text: string;
  thinking: string;
  json: string;
}

/** The response tap for the Anthropic Messages interface (see responseTap in response.ts). */
export class AnthropicTap {
  private id: string | undefined;
  private model: string | undefined;
  /** A message was seen (message_start, message_delta or a whole message): one generation. */
  private started = false;
  private stopReason: string | undefined;
  private inputTokens: number | undefined;
  private outputTokens: number | undefined;
  private cacheRead: number | undefined;
  private cacheCreation: number | undefined;
  private thinkingTokens: number | undefined;
  /** Non-streamed: the message's `content`. Streamed: block accumulators. Capture only. */
  private content: unknown;
  private readonly blocks: (BlockAcc | undefined)[] = [];

  constructor(private readonly capture: boolean) {}

  observeEvent(data: unknown): void {
    if (!isRecord(data)) return;
    switch (data.type) {
      case "message_start":
        this.readMessage(data.message);
        return;
      case "message_delta":
        this.started = true;
        this.stopReason = nonEmpty(field(data.delta, "stop_reason")) ?? this.stopReason;
        this.readUsage(data.usage);
        return;
      case "content_block_start": {
        if (!this.capture || !isRecord(data.content_block)) return;
        const i = validIndex(data.index, -1, MAX_BLOCKS);
        if (i === undefined) return;
        while (this.blocks.length < i) this.blocks.push(undefined);
        this.blocks[i] = { block: data.content_block, text: "", thinking: "", json: "" };
        return;
      }
      case "content_block_delta": {
        if (!this.capture) return;
        const i = validIndex(data.index, -1, MAX_BLOCKS);
        const acc = i === undefined ? undefined : this.blocks[i];
        const delta = data.delta;
        if (acc === undefined || !isRecord(delta)) return;
        const { text, partial_json: json, thinking } = delta;
        if (delta.type === "text_delta" && typeof text === "string") acc.text += text;
        else if (delta.type === "input_json_delta" && typeof json === "string") acc.json += json;
        else if (delta.type === "thinking_delta" && typeof thinking === "string") acc.thinking += thinking;
        return;
      }
      default:
        return;
    }
  }

  observeResponse(json: unknown): void {
    if (!isRecord(json) || json.type === "error" || json.error !== undefined) return;
    this.readMessage(json);
    if (this.capture) this.content = json.content;
  }

  private readMessage(message: unknown): void {
    if (!isRecord(message)) return;
    this.started = true;
    this.id ??= nonEmpty(message.id);
    this.model ??= nonEmpty(message.model);
    this.stopReason = nonEmpty(message.stop_reason) ?? this.stopReason;
    this.readUsage(message.usage);
  }

  /** Counters are cumulative: a later non-null value replaces an earlier one, an absent one leaves it. */
  private readUsage(usage: unknown): void {
    if (!isRecord(usage)) return;
    this.inputTokens = int(usage.input_tokens) ?? this.inputTokens;
    this.outputTokens = int(usage.output_tokens) ?? this.outputTokens;
    this.cacheRead = int(usage.cache_read_input_tokens) ?? this.cacheRead;
    this.cacheCreation = int(usage.cache_creation_input_tokens) ?? this.cacheCreation;
    this.thinkingTokens = int(field(usage.output_tokens_details, "thinking_tokens")) ?? this.thinkingTokens;
  }

  responseModel(): string | undefined {
    return this.model;
  }

  usage(): TokenUsage {
    const input =
      this.inputTokens === undefined ? undefined : this.inputTokens + (this.cacheRead ?? 0) + (this.cacheCreation ?? 0);
    return {
      input,
      output: this.outputTokens,
      cacheRead: this.cacheRead,
      cacheCreation: this.cacheCreation,
      reasoning: this.thinkingTokens,
    };
  }

  attributes(captureContent: boolean): Attributes {
    const finish = this.started ? [this.stopReason ?? "error"] : [];
    const attrs = baseAttributes(this.id, this.model, finish, this.usage());
    const [reason] = finish;
    if (captureContent && this.capture && reason !== undefined) {
      const content = this.content ?? this.blocks.filter((b) => b !== undefined).map(rebuildBlock);
      attrs["gen_ai.output.messages"] = JSON.stringify([anthropicOutputMessage(content, reason)]);
    }
    return attrs;
  }
}

/** A streamed block as a non-streamed message would have carried it. */
function rebuildBlock(acc: BlockAcc): JsonRecord {
  const block: Record<string, unknown> = { ...acc.block };
  if (acc.text !== "") block.text = (str(block.text) ?? "") + acc.text;
  if (acc.thinking !== "") block.thinking = (str(block.thinking) ?? "") + acc.thinking;
  if (acc.json !== "") block.input = parseArguments(acc.json);
  return block;
}
