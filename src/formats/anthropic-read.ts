import type { Extra } from "./anthropic";
import {
  ANSWER,
  badNumber,
  badString,
  EVENT,
  FormatError,
  isNumber,
  isOptionalNumber,
  isRecord,
  malformed,
  pathOf,
  type ProviderPart,
} from "./check";

/**
 * Readers of what an Anthropic-interface provider sends, on the same terms as openai-read.ts: only the fields
 * tracegate reads are checked; unknown fields, and block, delta and event types newer than this file, pass. Event
 * paths start from the event type (`message_start.message.id`).
 */

// What providers answer, as the readers below check it: the fields tracegate reads, typed; every other field as it
// came (unknown until read). Block, delta and event types newer than this file pass too: the unions name the ones
// tracegate reads. The types in anthropic.ts are what tracegate writes; each is assignable to its received form.

export interface ReceivedUsage extends Extra {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export type ReceivedBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature?: string | null }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "redacted_thinking" };

export interface ReceivedMessage extends Extra {
  id: string;
  model?: string | null;
  content: ReceivedBlock[];
  /** One of StopReason, or a value newer than this file. */
  stop_reason?: string | null;
  usage: ReceivedUsage;
}

export type ReceivedDelta =
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature?: string | null }
  | { type: "citations_delta" };

/** message_delta counters: cumulative totals for the whole message; absent ones did not change. */
export interface ReceivedDeltaUsage extends Extra {
  output_tokens?: number | null;
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export type ReceivedStreamEvent =
  | { type: "message_start"; message: ReceivedMessage }
  | { type: "content_block_start"; index: number; content_block: ReceivedBlock }
  | { type: "content_block_delta"; index: number; delta: ReceivedDelta }
  | { type: "content_block_stop"; index?: number | null }
  | {
      type: "message_delta";
      delta?: ({ stop_reason?: string | null; stop_sequence?: string | null } & Extra) | null;
      usage?: ReceivedDeltaUsage | null;
    }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error?: ({ type?: string | null; message?: string | null } & Extra) | null };

const MESSAGE_STRINGS = ["model", "stop_reason"];
const USAGE_COUNTS = ["input_tokens", "output_tokens"];
const CACHE_COUNTS = ["cache_creation_input_tokens", "cache_read_input_tokens"];
const DELTA_USAGE_COUNTS = ["output_tokens", "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"];
const THINKING_COUNTS = ["thinking_tokens"];
const NONE: readonly string[] = [];
const SIGNATURE = ["signature"];
const STOP_STRINGS = ["stop_reason", "stop_sequence"];
const ERROR_STRINGS = ["type", "message"];

/** The string field each text-carrying block or delta type must have. */
const TEXT_OF: Readonly<Record<string, string>> = {
  text: "text",
  thinking: "thinking",
  text_delta: "text",
  thinking_delta: "thinking",
  input_json_delta: "partial_json",
};

/**
 * A content block (`base[index]`), or a content_block_start's block / content_block_delta's delta (`base`): its
 * `type`, and the fields of the types tracegate reads.
 */
function checkTyped(part: ProviderPart, base: string, index: number | undefined, value: unknown): void {
  if (!isRecord(value)) throw malformed(part, pathOf(base, index), value, "an object");
  const type = value.type;
  if (typeof type !== "string") throw malformed(part, pathOf(base, index, "type"), type, "a string");
  const text = TEXT_OF[type];
  if (text !== undefined && typeof value[text] !== "string") {
    throw malformed(part, pathOf(base, index, text), value[text], "a string");
  }
  if ((type === "thinking" || type === "signature_delta") && badString(value, SIGNATURE) !== undefined) {
    throw malformed(part, pathOf(base, index, "signature"), value.signature, "a string");
  }
  if (type !== "tool_use") return;
  if (typeof value.id !== "string") throw malformed(part, pathOf(base, index, "id"), value.id, "a string");
  if (typeof value.name !== "string") throw malformed(part, pathOf(base, index, "name"), value.name, "a string");
  if (!isRecord(value.input)) throw malformed(part, pathOf(base, index, "input"), value.input, "an object");
}

/** Token counts (`<base>.usage`): `required` ones are numbers, `optional` ones numbers, null or absent. */
function checkUsage(part: ProviderPart, base: string, usage: unknown, required: readonly string[], optional: readonly string[]): void {
  if (!isRecord(usage)) throw malformed(part, pathOf(base, undefined, "usage"), usage, "an object");
  const bad = badNumber(usage, required, false) ?? badNumber(usage, optional, true);
  if (bad !== undefined) throw malformed(part, pathOf(base, undefined, "usage", bad), usage[bad], "a number");
  const details = usage.output_tokens_details;
  if (details == null) return;
  const at = "output_tokens_details";
  if (!isRecord(details)) throw malformed(part, pathOf(base, undefined, "usage", at), details, "an object");
  const badDetail = badNumber(details, THINKING_COUNTS, true);
  if (badDetail !== undefined) {
    throw malformed(part, pathOf(base, undefined, "usage", at, badDetail), details[badDetail], "a number");
  }
}

/** A whole message (`base` is "" for an answer, `message_start.message` in a stream). */
function checkMessage(part: ProviderPart, base: string, message: unknown): void {
  if (!isRecord(message)) {
    if (base === "") throw new FormatError(part, "expected a JSON object");
    throw malformed(part, base, message, "an object");
  }
  if (typeof message.id !== "string") throw malformed(part, pathOf(base, undefined, "id"), message.id, "a string");
  const bad = badString(message, MESSAGE_STRINGS);
  if (bad !== undefined) throw malformed(part, pathOf(base, undefined, bad), message[bad], "a string");
  const content = message.content;
  if (!Array.isArray(content)) throw malformed(part, pathOf(base, undefined, "content"), content, "an array");
  for (let i = 0; i < content.length; i++) checkTyped(part, pathOf(base, undefined, "content"), i, content[i]);
  checkUsage(part, base, message.usage, USAGE_COUNTS, CACHE_COUNTS);
}

function assertMessage(json: unknown): asserts json is ReceivedMessage {
  checkMessage(ANSWER, "", json);
}

/** A provider's message (a non-streamed answer). */
export function readAnthropicMessage(json: unknown): ReceivedMessage {
  assertMessage(json);
  return json;
}

function checkIndex(event: Record<string, unknown>, type: string, optional: boolean): void {
  const index = event.index;
  if (optional ? !isOptionalNumber(index) : !isNumber(index)) throw malformed(EVENT, `${type}.index`, index, "a number");
}

function checkMessageDelta(event: Record<string, unknown>): void {
  const delta = event.delta;
  if (delta != null) {
    if (!isRecord(delta)) throw malformed(EVENT, "message_delta.delta", delta, "an object");
    const bad = badString(delta, STOP_STRINGS);
    if (bad !== undefined) throw malformed(EVENT, `message_delta.delta.${bad}`, delta[bad], "a string");
  }
  if (event.usage != null) checkUsage(EVENT, "message_delta", event.usage, NONE, DELTA_USAGE_COUNTS);
}

function checkError(event: Record<string, unknown>): void {
  const error = event.error;
  if (error == null) return;
  if (!isRecord(error)) throw malformed(EVENT, "error.error", error, "an object");
  const bad = badString(error, ERROR_STRINGS);
  if (bad !== undefined) throw malformed(EVENT, `error.error.${bad}`, error[bad], "a string");
}

function assertEvent(data: unknown): asserts data is ReceivedStreamEvent {
  if (!isRecord(data)) throw new FormatError(EVENT, "expected a JSON object");
  const type = data.type;
  if (typeof type !== "string") throw malformed(EVENT, "type", type, "a string");
  switch (type) {
    case "message_start":
      return checkMessage(EVENT, "message_start.message", data.message);
    case "content_block_start":
      checkIndex(data, type, false);
      return checkTyped(EVENT, "content_block_start.content_block", undefined, data.content_block);
    case "content_block_delta":
      checkIndex(data, type, false);
      return checkTyped(EVENT, "content_block_delta.delta", undefined, data.delta);
    case "content_block_stop":
      return checkIndex(data, type, true);
    case "message_delta":
      return checkMessageDelta(data);
    case "error":
      return checkError(data);
    default:
      return; // message_stop, ping, and event types newer than this file carry nothing tracegate reads
  }
}

/** One event of a Messages stream. */
export function readMessageStreamEvent(data: unknown): ReceivedStreamEvent {
  assertEvent(data);
  return data;
}

/** Anthropic's token count answer (`POST /messages/count_tokens`): `{input_tokens}`. */
export function readTokenCount(json: unknown): { input_tokens: number } {
  if (!isRecord(json)) throw malformed(ANSWER, "", json, "a JSON object");
  if (!isNumber(json.input_tokens)) throw malformed(ANSWER, "input_tokens", json.input_tokens, "a number");
  return json as { input_tokens: number };
}
