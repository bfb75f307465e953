import { EVENT, FormatError, isNumber, isRecord, malformed, parseProviderJson } from "../../formats/check";
import type { ChunkDelta, FinishReason } from "../../formats/openai";
import { openaiChunk, openaiUsageChunk, type ChunkIdentity } from "../../translate/openai-chunk";
import { openaiErrorFromBedrock } from "./errors";
import type { EventStreamMessage } from "./event-stream";
import { finishReasonFromConverse, openaiUsageFromConverse } from "./response";

const utf8 = new TextDecoder();

function field(payload: Record<string, unknown>, key: string, event: string): Record<string, unknown> {
  const value = payload[key];
  if (!isRecord(value)) throw malformed(EVENT, `${event}.${key}`, value, "an object");
  return value;
}

/**
 * ConverseStream events -> OpenAI chat.completion.chunk SSE lines (pure state machine, one per answer). Bedrock
 * sends the stop reason (messageStop) before the usage (metadata): the finish chunk goes out at the first, the usage
 * chunk and `[DONE]` at the second. An exception message becomes an OpenAI `{"error": …}` event.
 */
export class ConverseStreamTranslator {
  /** contentBlockIndex of each tool use -> its index among the answer's tool calls. */
  private readonly toolIndexes = new Map<number, number>();
  private finish: FinishReason | null = null;
  private done = false;

  constructor(private readonly identity: ChunkIdentity) {}

  /** Whether the answer's end (metadata after messageStop, or an exception) has been translated. */
  get ended(): boolean {
    return this.done;
  }

  /** The SSE text for one event-stream message (empty for events OpenAI has no chunk for). */
  translate(message: EventStreamMessage): string {
    const type = message.headers[":message-type"];
    const payload = parseProviderJson(utf8.decode(message.payload), EVENT);
    if (type === "exception" || type === "error") {
      this.done = true;
      const name = message.headers[":exception-type"] ?? message.headers[":error-code"] ?? "exception";
      return `data: ${JSON.stringify(openaiErrorFromBedrock(name, payload))}\n\n`;
    }
    if (type !== "event") throw new FormatError(EVENT, `event-stream :message-type ${String(type)} is not known`);
    if (!isRecord(payload)) throw malformed(EVENT, message.headers[":event-type"] ?? "event", payload, "an object");
    return this.event(message.headers[":event-type"] ?? "", payload);
  }

  private event(eventType: string, payload: Record<string, unknown>): string {
    switch (eventType) {
      case "messageStart":
        return this.chunk({ role: "assistant", content: "" }, null);
      case "contentBlockStart":
        return this.blockStart(payload);
      case "contentBlockDelta":
        return this.blockDelta(payload);
      case "messageStop": {
        if (typeof payload.stopReason !== "string") throw malformed(EVENT, "messageStop.stopReason", payload.stopReason, "a string");
        this.finish = finishReasonFromConverse(payload.stopReason);
        return this.chunk({}, this.finish);
      }
      case "metadata":
        return this.metadata(payload);
      default: // contentBlockStop, and events newer than this file
        return "";
    }
  }

  private blockIndex(payload: Record<string, unknown>, event: string): number {
    const index = payload.contentBlockIndex;
    if (!isNumber(index)) throw malformed(EVENT, `${event}.contentBlockIndex`, index, "a number");
    return index;
  }

  private blockStart(payload: Record<string, unknown>): string {
    const index = this.blockIndex(payload, "contentBlockStart");
    const use = field(payload, "start", "contentBlockStart").toolUse;
    if (use === undefined) return "";
    if (!isRecord(use) || typeof use.toolUseId !== "string" || typeof use.name !== "string") {
      throw malformed(EVENT, "contentBlockStart.start.toolUse", use, "an object with toolUseId and name");
    }
    const toolIndex = this.toolIndexes.size;
    this.toolIndexes.set(index, toolIndex);
    const call = { index: toolIndex, id: use.toolUseId, type: "function" as const, function: { name: use.name, arguments: "" } };
    return this.chunk({ tool_calls: [call] }, null);
  }

  private blockDelta(payload: Record<string, unknown>): string {
    const index = this.blockIndex(payload, "contentBlockDelta");
    const delta = field(payload, "delta", "contentBlockDelta");
    if (typeof delta.text === "string") return this.chunk({ content: delta.text }, null);
    if (isRecord(delta.toolUse)) {
      const input = delta.toolUse.input;
      const toolIndex = this.toolIndexes.get(index);
      if (typeof input !== "string") throw malformed(EVENT, "contentBlockDelta.delta.toolUse.input", input, "a string");
      if (toolIndex === undefined) throw new FormatError(EVENT, `contentBlockDelta: block ${index} is not a tool use`);
      return this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: input } }] }, null);
    }
    const reasoning = delta.reasoningContent;
    if (isRecord(reasoning) && typeof reasoning.text === "string") return this.chunk({ reasoning_content: reasoning.text }, null);
    return ""; // a reasoning signature, citations: nothing OpenAI's chunk carries
  }

  private metadata(payload: Record<string, unknown>): string {
    if (this.finish === null) throw new FormatError(EVENT, "metadata: came before messageStop");
    const usage = openaiUsageFromConverse(payload.usage, EVENT);
    this.done = true;
    const usageEvent = this.identity.includeUsage ? `data: ${JSON.stringify(openaiUsageChunk(this.identity, usage))}\n\n` : "";
    return `${usageEvent}data: [DONE]\n\n`;
  }

  private chunk(delta: ChunkDelta, finish: FinishReason | null): string {
    return `data: ${JSON.stringify(openaiChunk(this.identity, delta, finish))}\n\n`;
  }
}
