/**
 * Defensive readers for provider JSON handled by the GenAI telemetry mappers (genai-request, genai-response,
 * genai-content). Bodies arrive as `unknown`: every reader returns undefined for a shape it does not expect, so a
 * missing or odd field is simply not recorded and nothing throws.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

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
