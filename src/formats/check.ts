/**
 * Building blocks of the provider readers (openai-read.ts, anthropic-read.ts). The checks allocate nothing while a
 * value is well-formed: a path is spelt out only for the message of the one that is not.
 */

/** What a provider sent: a whole (non-streamed) answer, or one event of a stream. */
export type ProviderPart = "answer" | "stream event";
export const ANSWER: ProviderPart = "answer";
export const EVENT: ProviderPart = "stream event";

/** A provider answer or stream event without the shape its API defines; the message names the field. */
export class FormatError extends Error {
  constructor(
    readonly part: ProviderPart,
    /** e.g. `choices: expected an array`, `message_start.message.id: required`. */
    readonly detail: string,
  ) {
    super(`provider sent a malformed ${part}: ${detail}`);
    this.name = "FormatError";
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Provider JSON as a value; text that is not JSON is a FormatError. */
export function parseProviderJson(text: string, part: ProviderPart): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FormatError(part, "not JSON");
  }
}

/** The FormatError for `value` at `path` failing an `expected` check: "required" when it is absent. */
export function malformed(part: ProviderPart, path: string, value: unknown, expected: string): FormatError {
  return new FormatError(part, `${path}: ${value === undefined ? "required" : `expected ${expected}`}`);
}

export function isOptionalString(value: unknown): value is string | null | undefined {
  return value == null || typeof value === "string";
}

/** A finite number (token counts and indexes; JSON's 1e999 parses to Infinity). */
export function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function isOptionalNumber(value: unknown): value is number | null | undefined {
  return value == null || isNumber(value);
}

/**
 * A path for a message: `base`, then `[index]` when index is a number, then `.field` for each field. Only called
 * once a check has failed.
 */
export function pathOf(base: string, index: number | undefined, ...fields: string[]): string {
  let path = index === undefined ? base : `${base}[${index}]`;
  for (const field of fields) path = path === "" ? field : `${path}.${field}`;
  return path;
}

/** The first of `fields` of `value` that is not a string, null or absent. */
export function badString(value: Record<string, unknown>, fields: readonly string[]): string | undefined {
  // Indexed, not for-of: these run on every provider answer, and an array iterator is an allocation per call
  // wherever the optimizing compiler has not removed it.
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (!isOptionalString(value[field])) return field;
  }
  return undefined;
}

/** The first of `fields` of `value` that is not a number (or, when `optional`, null or absent). */
export function badNumber(value: Record<string, unknown>, fields: readonly string[], optional: boolean): string | undefined {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (optional ? !isOptionalNumber(value[field]) : !isNumber(value[field])) return field;
  }
  return undefined;
}
