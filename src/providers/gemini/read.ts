import {
  ANSWER,
  badNumber,
  badString,
  EVENT,
  FormatError,
  isRecord,
  malformed,
  pathOf,
  type ProviderPart,
} from "../../formats/check";

/**
 * Readers of what Gemini (the Gemini API or Vertex AI) answers, on the terms of formats/openai-read.ts: the fields
 * the translation reads are checked, every other field passes as it came; a wrong one is a FormatError naming it.
 */

export interface ReceivedGeminiPart {
  readonly text?: string | null;
  readonly thought?: boolean | null;
  readonly functionCall?: { readonly id?: string | null; readonly name: string; readonly args?: unknown } | null;
  readonly [key: string]: unknown;
}

export interface ReceivedCandidate {
  readonly index?: number | null;
  readonly content?: { readonly parts?: readonly ReceivedGeminiPart[] | null } | null;
  /** STOP, MAX_TOKENS, SAFETY…, or a value newer than this file. */
  readonly finishReason?: string | null;
}

export interface ReceivedUsageMetadata {
  readonly promptTokenCount?: number | null;
  readonly candidatesTokenCount?: number | null;
  readonly totalTokenCount?: number | null;
  readonly cachedContentTokenCount?: number | null;
  readonly thoughtsTokenCount?: number | null;
  readonly toolUsePromptTokenCount?: number | null;
}

export interface ReceivedGenerateContent {
  readonly candidates?: readonly ReceivedCandidate[] | null;
  readonly usageMetadata?: ReceivedUsageMetadata | null;
  readonly modelVersion?: string | null;
  readonly responseId?: string | null;
  readonly promptFeedback?: { readonly blockReason?: string | null } | null;
}

const USAGE_COUNTS = [
  "promptTokenCount",
  "candidatesTokenCount",
  "totalTokenCount",
  "cachedContentTokenCount",
  "thoughtsTokenCount",
  "toolUsePromptTokenCount",
] as const;

function checkPart(part: unknown, path: string, index: number, kind: ProviderPart): void {
  if (!isRecord(part)) throw malformed(kind, pathOf(path, index), part, "an object");
  const bad = badString(part, ["text"]);
  if (bad !== undefined) throw malformed(kind, pathOf(path, index, bad), part[bad], "a string");
  const call = part.functionCall;
  if (call == null) return;
  if (!isRecord(call) || typeof call.name !== "string") {
    throw malformed(kind, pathOf(path, index, "functionCall", "name"), isRecord(call) ? call.name : call, "a string");
  }
  if (call.args != null && !isRecord(call.args)) throw malformed(kind, pathOf(path, index, "functionCall", "args"), call.args, "an object");
}

function checkCandidate(candidate: unknown, index: number, kind: ProviderPart): void {
  if (!isRecord(candidate)) throw malformed(kind, pathOf("candidates", index), candidate, "an object");
  const bad = badString(candidate, ["finishReason"]) ?? badNumber(candidate, ["index"], true);
  if (bad !== undefined) throw malformed(kind, pathOf("candidates", index, bad), candidate[bad], "a string or number");
  const content = candidate.content;
  if (content == null) return;
  if (!isRecord(content)) throw malformed(kind, pathOf("candidates", index, "content"), content, "an object");
  const parts = content.parts;
  if (parts == null) return;
  if (!Array.isArray(parts)) throw malformed(kind, pathOf("candidates", index, "content", "parts"), parts, "an array");
  const partsPath = pathOf("candidates", index, "content", "parts");
  parts.forEach((part, i) => checkPart(part, partsPath, i, kind));
}

function read(json: unknown, kind: ProviderPart): ReceivedGenerateContent {
  if (!isRecord(json)) throw new FormatError(kind, "expected an object");
  const candidates = json.candidates;
  if (candidates != null) {
    if (!Array.isArray(candidates)) throw malformed(kind, "candidates", candidates, "an array");
    candidates.forEach((c, i) => checkCandidate(c, i, kind));
  }
  const usage = json.usageMetadata;
  if (usage != null) {
    if (!isRecord(usage)) throw malformed(kind, "usageMetadata", usage, "an object");
    const bad = badNumber(usage, USAGE_COUNTS, true);
    if (bad !== undefined) throw malformed(kind, `usageMetadata.${bad}`, usage[bad], "a number");
  }
  const bad = badString(json, ["modelVersion", "responseId"]);
  if (bad !== undefined) throw malformed(kind, bad, json[bad], "a string");
  return json as ReceivedGenerateContent;
}

/** A whole generateContent answer. */
export function readGenerateContent(json: unknown): ReceivedGenerateContent {
  return read(json, ANSWER);
}

/** One streamGenerateContent event (the same shape, holding the next part of the answer). */
export function readGenerateContentEvent(json: unknown): ReceivedGenerateContent {
  return read(json, EVENT);
}
