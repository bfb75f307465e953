/**
 * Defensive readers for the JSON the GenAI telemetry mappers see (request.ts, response-*.ts, content.ts). Client
 * bodies are checked only as far as the gateway needs them, and the taps take any value (see their tests), so
 * every reader returns undefined for a shape it does not expect: a missing or odd field is simply not recorded.
 */

import { isRecord } from "../../formats/check";

export type JsonRecord = Readonly<Record<string, unknown>>;

/** `value[key]` when value is a plain object. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A non-empty string. */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A safe integer (token counts, seeds, choice counts). */
export function int(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

export function arr(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/**
 * Tool-call arguments as the spec records them: the parsed JSON value when the model produced valid JSON, otherwise
 * the raw string (models do emit truncated or invalid JSON, e.g. when the stream was cut off).
 */
export function parseArguments(raw: string): unknown {
  if (raw.trim() === "") return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
