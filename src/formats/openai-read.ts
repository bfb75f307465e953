import {
  ANSWER,
  badNumber,
  badString,
  EVENT,
  FormatError,
  isNumber,
  isOptionalNumber,
  isOptionalString,
  isRecord,
  malformed,
  pathOf,
  type ProviderPart,
} from "./check";
import type { Extra, FunctionCall } from "./openai";

/**
 * Readers of what an OpenAI-interface provider sends, used where it enters the gateway (the codecs in exchange/)
 * before anything reads it. They check the fields tracegate reads (translation, pass-through usage stripping, the
 * GenAI span attributes) and leave every other field as it came, unknown ones included. Each returns its argument,
 * typed, or throws a FormatError naming the field. They allocate nothing for a well-formed value: they run on
 * every answer and every stream event, and a path is spelt out only for the message of a failed check.
 */

// What providers answer, as the readers below check it: the fields tracegate reads, typed; every other field as it
// came (unknown until read). The types in openai.ts are what tracegate writes; each is assignable to its received
// form, so translated output can be read back.

export interface ReceivedUsage extends Extra {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** `function` is checked when `type` is "function"; other kinds (custom tools, newer ones) pass as they are. */
export interface ReceivedToolCall extends Extra {
  id: string;
  type: string;
  function?: FunctionCall;
}

export interface ReceivedMessage extends Extra {
  role?: string | null;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  tool_calls?: ReceivedToolCall[] | null;
}

export interface ReceivedChoice extends Extra {
  index?: number | null;
  message: ReceivedMessage;
  /** One of FinishReason, or a value newer than this file. */
  finish_reason?: string | null;
}

export interface ReceivedCompletion extends Extra {
  id: string;
  model?: string | null;
  choices: ReceivedChoice[];
  usage?: ReceivedUsage | null;
}

export interface ReceivedToolCallDelta extends Extra {
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

export interface ReceivedDelta extends Extra {
  role?: string | null;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  tool_calls?: ReceivedToolCallDelta[] | null;
}

export interface ReceivedChunkChoice extends Extra {
  index: number;
  /** Absent in Azure's content-filter chunks. */
  delta?: ReceivedDelta;
  finish_reason?: string | null;
}

export interface ReceivedChunk extends Extra {
  id: string;
  model?: string | null;
  choices: ReceivedChunkChoice[];
  usage?: ReceivedUsage | null;
}

/** What some OpenAI-compatible servers send in place of a chunk when a stream fails. */
export interface StreamErrorChunk extends Extra {
  error: Record<string, unknown>;
}

const ROOT_STRINGS = ["model"];
const TEXT_FIELDS = ["role", "content", "refusal", "reasoning_content"];
const TOOL_DELTA_STRINGS = ["id", "type"];
const FUNCTION_DELTA_STRINGS = ["name", "arguments"];
const REQUIRED_COUNTS = ["prompt_tokens", "completion_tokens"];
const OPTIONAL_COUNTS = ["total_tokens"];
const PROMPT_DETAILS = ["cached_tokens", "cache_write_tokens"];
const COMPLETION_DETAILS = ["reasoning_tokens"];

function checkDetails(part: ProviderPart, usage: Record<string, unknown>, key: string, fields: readonly string[]): void {
  const details = usage[key];
  if (details == null) return;
  if (!isRecord(details)) throw malformed(part, `usage.${key}`, details, "an object");
  const bad = badNumber(details, fields, true);
  if (bad !== undefined) throw malformed(part, `usage.${key}.${bad}`, details[bad], "a number");
}

/** `id`, `model` and `usage`: the same in an answer and in a chunk. */
function checkRoot(part: ProviderPart, value: Record<string, unknown>): void {
  if (typeof value.id !== "string") throw malformed(part, "id", value.id, "a string");
  const badRoot = badString(value, ROOT_STRINGS);
  if (badRoot !== undefined) throw malformed(part, badRoot, value[badRoot], "a string");
  const usage = value.usage;
  if (usage == null) return;
  if (!isRecord(usage)) throw malformed(part, "usage", usage, "an object");
  const bad = badNumber(usage, REQUIRED_COUNTS, false) ?? badNumber(usage, OPTIONAL_COUNTS, true);
  if (bad !== undefined) throw malformed(part, `usage.${bad}`, usage[bad], "a number");
  checkDetails(part, usage, "prompt_tokens_details", PROMPT_DETAILS);
  checkDetails(part, usage, "completion_tokens_details", COMPLETION_DETAILS);
}

/** `index` and `finish_reason` of a choice; the index is required in a chunk (choices are matched by it). */
function checkChoiceHead(part: ProviderPart, choice: Record<string, unknown>, i: number): void {
  if (part === EVENT ? !isNumber(choice.index) : !isOptionalNumber(choice.index)) {
    throw malformed(part, pathOf("choices", i, "index"), choice.index, "a number");
  }
  if (!isOptionalString(choice.finish_reason)) {
    throw malformed(part, pathOf("choices", i, "finish_reason"), choice.finish_reason, "a string");
  }
}

/** A message (answer) or delta (chunk): its text fields, and its tool calls' array. */
function checkText(part: ProviderPart, value: Record<string, unknown>, i: number, key: string): unknown[] | undefined {
  const bad = badString(value, TEXT_FIELDS);
  if (bad !== undefined) throw malformed(part, pathOf("choices", i, key, bad), value[bad], "a string");
  const calls = value.tool_calls;
  if (calls == null) return undefined;
  if (!Array.isArray(calls)) throw malformed(part, pathOf("choices", i, key, "tool_calls"), calls, "an array");
  return calls;
}

/** `choices[i].<key>.tool_calls[j].<fields>`, for a message. */
function toolPath(i: number, key: string, j: number, ...fields: string[]): string {
  return `${pathOf("choices", i, key)}.${pathOf("tool_calls", j, ...fields)}`;
}

function checkToolCall(call: unknown, i: number, j: number): void {
  if (!isRecord(call)) throw malformed(ANSWER, toolPath(i, "message", j), call, "an object");
  if (typeof call.id !== "string") throw malformed(ANSWER, toolPath(i, "message", j, "id"), call.id, "a string");
  if (typeof call.type !== "string") throw malformed(ANSWER, toolPath(i, "message", j, "type"), call.type, "a string");
  if (call.type !== "function") return; // custom tools and newer kinds pass as they are
  const fn = call.function;
  if (!isRecord(fn)) throw malformed(ANSWER, toolPath(i, "message", j, "function"), fn, "an object");
  if (typeof fn.name !== "string") throw malformed(ANSWER, toolPath(i, "message", j, "function", "name"), fn.name, "a string");
  if (typeof fn.arguments !== "string") throw malformed(ANSWER, toolPath(i, "message", j, "function", "arguments"), fn.arguments, "a string");
}

function checkChoice(choice: unknown, i: number): void {
  if (!isRecord(choice)) throw malformed(ANSWER, pathOf("choices", i), choice, "an object");
  checkChoiceHead(ANSWER, choice, i);
  const message = choice.message;
  if (!isRecord(message)) throw malformed(ANSWER, pathOf("choices", i, "message"), message, "an object");
  const calls = checkText(ANSWER, message, i, "message");
  if (calls) for (let j = 0; j < calls.length; j++) checkToolCall(calls[j], i, j);
}

function assertChatCompletion(json: unknown): asserts json is ReceivedCompletion {
  if (!isRecord(json)) throw new FormatError(ANSWER, "expected a JSON object");
  checkRoot(ANSWER, json);
  const choices = json.choices;
  if (!Array.isArray(choices)) throw malformed(ANSWER, "choices", choices, "an array");
  for (let i = 0; i < choices.length; i++) checkChoice(choices[i], i);
}

/** A provider's chat.completion (a non-streamed answer). */
export function readChatCompletion(json: unknown): ReceivedCompletion {
  assertChatCompletion(json);
  return json;
}

function checkToolCallDelta(call: unknown, i: number, j: number): void {
  if (!isRecord(call)) throw malformed(EVENT, toolPath(i, "delta", j), call, "an object");
  if (!isOptionalNumber(call.index)) throw malformed(EVENT, toolPath(i, "delta", j, "index"), call.index, "a number");
  const bad = badString(call, TOOL_DELTA_STRINGS);
  if (bad !== undefined) throw malformed(EVENT, toolPath(i, "delta", j, bad), call[bad], "a string");
  const fn = call.function;
  if (fn == null) return;
  if (!isRecord(fn)) throw malformed(EVENT, toolPath(i, "delta", j, "function"), fn, "an object");
  const badFn = badString(fn, FUNCTION_DELTA_STRINGS);
  if (badFn !== undefined) throw malformed(EVENT, toolPath(i, "delta", j, "function", badFn), fn[badFn], "a string");
}

function checkChunkChoice(choice: unknown, i: number): void {
  if (!isRecord(choice)) throw malformed(EVENT, pathOf("choices", i), choice, "an object");
  checkChoiceHead(EVENT, choice, i);
  const delta = choice.delta;
  if (delta === undefined) return; // Azure's content-filter chunks carry none
  if (!isRecord(delta)) throw malformed(EVENT, pathOf("choices", i, "delta"), delta, "an object");
  const calls = checkText(EVENT, delta, i, "delta");
  if (calls) for (let j = 0; j < calls.length; j++) checkToolCallDelta(calls[j], i, j);
}

function assertChunk(data: unknown): asserts data is ReceivedChunk | StreamErrorChunk {
  if (!isRecord(data)) throw new FormatError(EVENT, "expected a JSON object");
  if (isRecord(data.error)) return;
  checkRoot(EVENT, data);
  const choices = data.choices;
  if (!Array.isArray(choices)) throw malformed(EVENT, "choices", choices, "an array");
  for (let i = 0; i < choices.length; i++) checkChunkChoice(choices[i], i);
}

/** One chat.completion.chunk of a stream, or the `{"error": …}` some servers send when a stream fails. */
export function readChatCompletionChunk(data: unknown): ReceivedChunk | StreamErrorChunk {
  assertChunk(data);
  return data;
}

/** Whether a chunk is the provider's error in place of data. */
export function isStreamErrorChunk(chunk: ReceivedChunk | StreamErrorChunk): chunk is StreamErrorChunk {
  return isRecord(chunk.error);
}
