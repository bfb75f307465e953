import { ANSWER, badNumber, EVENT, FormatError, isRecord, malformed, pathOf, type ProviderPart } from "./check";
import type { Extra } from "./openai";

/**
 * Readers of what a provider serving the Responses API itself sends (a native pass-through), used where it enters
 * the gateway. They check the fields tracegate reads (the GenAI span attributes, the stream's end) and leave every
 * other field as it came. Each returns its argument, typed, or throws a FormatError naming the field; nothing is
 * allocated for a well-formed value.
 */

export interface ReceivedResponsesUsage extends Extra {
  input_tokens: number;
  output_tokens: number;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface ReceivedOutputItem extends Extra {
  type: string;
}

export interface ReceivedResponse extends Extra {
  id: string;
  model?: string | null;
  status?: string | null;
  output: ReceivedOutputItem[];
  usage?: ReceivedResponsesUsage | null;
}

export interface ReceivedResponsesEvent extends Extra {
  type: string;
  /** On response.created / in_progress / completed / incomplete / failed. */
  response?: ReceivedResponse;
}

const COUNTS = ["input_tokens", "output_tokens"];

function checkResponse(part: ProviderPart, value: unknown, at: string): asserts value is ReceivedResponse {
  const path = (field: string) => (at === "" ? field : `${at}.${field}`);
  if (!isRecord(value)) throw malformed(part, at || "response", value, "an object");
  if (typeof value.id !== "string") throw malformed(part, path("id"), value.id, "a string");
  if (value.model != null && typeof value.model !== "string") throw malformed(part, path("model"), value.model, "a string");
  const output = value.output;
  if (!Array.isArray(output)) throw malformed(part, path("output"), output, "an array");
  for (let i = 0; i < output.length; i++) {
    const item: unknown = output[i];
    if (!isRecord(item) || typeof item.type !== "string") {
      throw malformed(part, path(pathOf("output", i, "type")), isRecord(item) ? item.type : item, "a string");
    }
  }
  const usage = value.usage;
  if (usage == null) return;
  if (!isRecord(usage)) throw malformed(part, path("usage"), usage, "an object");
  const bad = badNumber(usage, COUNTS, false);
  if (bad !== undefined) throw malformed(part, path(`usage.${bad}`), usage[bad], "a number");
}

/** A provider's response object (a non-streamed answer). */
export function readResponse(json: unknown): ReceivedResponse {
  if (!isRecord(json)) throw new FormatError(ANSWER, "expected a JSON object");
  checkResponse(ANSWER, json, "");
  return json;
}

/** One event of a provider's Responses stream; the response an event carries is checked as an answer is. */
export function readResponsesEvent(data: unknown): ReceivedResponsesEvent {
  if (!isRecord(data)) throw new FormatError(EVENT, "expected a JSON object");
  if (typeof data.type !== "string") throw malformed(EVENT, "type", data.type, "a string");
  if (data.response !== undefined) checkResponse(EVENT, data.response, `${data.type}.response`);
  return data as ReceivedResponsesEvent;
}

/** Events that end a complete Responses stream. */
const FINAL_EVENTS: ReadonlySet<string> = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);

/** Whether a (read) event ends the stream. */
export function endsResponsesStream(data: unknown): boolean {
  return isRecord(data) && typeof data.type === "string" && FINAL_EVENTS.has(data.type);
}
