import { DEFAULT_DOUBLE_KEYS } from "./attribute-types";
import type { AttributeValue } from "./span-data";

// Span limits (OpenTelemetry SDK spec, trace/sdk.md "Span Limits", and the OTEL_*_LIMIT variables of
// configuration/sdk-environment-variables.md). Counts past a limit are dropped and counted in OTLP's dropped*Count
// fields; strings longer than the value length limit are cut. Unlike the spec's default (no length limit), a length
// limit always applies: request headers, paths and model names reach span attributes, and an isolate has 128 MB.

export interface SpanLimits {
  /** Attributes per span (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`). */
  readonly attributeCount: number;
  /** Events per span (`OTEL_SPAN_EVENT_COUNT_LIMIT`). */
  readonly eventCount: number;
  /** Links per span (`OTEL_SPAN_LINK_COUNT_LIMIT`). */
  readonly linkCount: number;
  /** Attributes per event (`OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`). */
  readonly eventAttributeCount: number;
  /** Attributes per link (`OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`). */
  readonly linkAttributeCount: number;
  /** Characters (UTF-16 code units) kept of a string value or string array element; also caps span and event names. */
  readonly valueLength: number;
  /** Keys with their own value length instead of `valueLength` (captured message content). */
  readonly valueLengthByKey: ReadonlyMap<string, number>;
  /** The smallest of all value lengths: a string not longer than this is never looked at again (the hot path). */
  readonly shortestValueLength: number;
  /** Keys whose numbers are OTLP doubles even when whole (the registry's `double` attributes; sdk/attribute-types). */
  readonly doubleKeys: ReadonlySet<string>;
}

export const DEFAULT_COUNT_LIMIT = 128;
/** Ordinary attributes: enough for any real user agent, path or model name. */
export const DEFAULT_VALUE_LENGTH = 4096;
/**
 * Captured content (`gen_ai.input.messages` and the like) is cut to its own configured size, with a marker, where it
 * is captured (telemetry/genai); this is only the SDK's backstop for those keys, set above that size.
 */
export const DEFAULT_CONTENT_VALUE_LENGTH = 256 * 1024;

/** Attributes that hold captured content: JSON documents far longer than any ordinary attribute. */
export const CONTENT_ATTRIBUTE_KEYS: readonly string[] = [
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.definitions",
];

export function spanLimits(
  counts: Partial<Omit<SpanLimits, "valueLengthByKey" | "shortestValueLength" | "doubleKeys">> = {},
  valueLengthByKey: ReadonlyMap<string, number> = new Map(CONTENT_ATTRIBUTE_KEYS.map((k) => [k, DEFAULT_CONTENT_VALUE_LENGTH])),
  doubleKeys: ReadonlySet<string> = DEFAULT_DOUBLE_KEYS,
): SpanLimits {
  const valueLength = counts.valueLength ?? DEFAULT_VALUE_LENGTH;
  return {
    attributeCount: counts.attributeCount ?? DEFAULT_COUNT_LIMIT,
    eventCount: counts.eventCount ?? DEFAULT_COUNT_LIMIT,
    linkCount: counts.linkCount ?? DEFAULT_COUNT_LIMIT,
    eventAttributeCount: counts.eventAttributeCount ?? DEFAULT_COUNT_LIMIT,
    linkAttributeCount: counts.linkAttributeCount ?? DEFAULT_COUNT_LIMIT,
    valueLength,
    valueLengthByKey,
    shortestValueLength: Math.min(valueLength, ...valueLengthByKey.values()),
    doubleKeys,
  };
}

/** The limits when nothing is configured. */
export const DEFAULT_SPAN_LIMITS: SpanLimits = spanLimits();

type Env = Readonly<Record<string, unknown>>;
type Warn = (message: string) => void;

/** The first of `names` that is set: a non-negative integer, or a warning and the next one / undefined. */
function limitVariable(env: Env, names: readonly string[], warn: Warn): number | undefined {
  for (const name of names) {
    const raw = env[name];
    if (typeof raw !== "string" || raw.trim() === "") continue;
    const value = Number(raw.trim());
    if (Number.isSafeInteger(value) && value >= 0) return value;
    warn(`tracegate: ${name}="${raw.slice(0, 40)}" is not a non-negative integer; ignoring it`);
  }
  return undefined;
}

export interface ContentLimitOptions {
  /**
   * The SDK's cap for the captured-content keys (CONTENT_ATTRIBUTE_KEYS), in characters; `Infinity` exempts them.
   * Set it at or above the content capture's own cap (plus its truncation marker) so the SDK never cuts the marker.
   */
  readonly contentValueLength?: number;
  /** Keys exported as doubles (DEFAULT_DOUBLE_KEYS, or LATEST_DOUBLE_KEYS under gen_ai_latest_experimental). */
  readonly doubleKeys?: ReadonlySet<string>;
}

/**
 * Limits from the standard variables: a signal-specific variable wins over the general `OTEL_ATTRIBUTE_*` one, which
 * wins over the default. An explicit value length limit applies to content keys too (it is a promise to the
 * backend), unless the content cap is smaller; left unset, content keys keep their own, larger cap.
 */
export function spanLimitsFromEnv(env: Env, options: ContentLimitOptions = {}, warn: Warn = (m) => console.warn(m)): SpanLimits {
  const count = (specific: string) => limitVariable(env, [specific, "OTEL_ATTRIBUTE_COUNT_LIMIT"], warn);
  const valueLength = limitVariable(env, ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], warn);
  const content = Math.min(options.contentValueLength ?? DEFAULT_CONTENT_VALUE_LENGTH, valueLength ?? Infinity);
  return spanLimits(
    {
      attributeCount: count("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT"),
      eventCount: limitVariable(env, ["OTEL_SPAN_EVENT_COUNT_LIMIT"], warn),
      linkCount: limitVariable(env, ["OTEL_SPAN_LINK_COUNT_LIMIT"], warn),
      eventAttributeCount: count("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"),
      linkAttributeCount: count("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"),
      valueLength,
    },
    new Map(CONTENT_ATTRIBUTE_KEYS.map((k) => [k, content])),
    options.doubleKeys,
  );
}

/**
 * `value` cut to `max` characters, never splitting a surrogate pair, as a string of its own: a plain `slice` would
 * keep the whole original alive in V8 (a sliced string references its parent), so a 120 KB header cut to 4 KB
 * would still hold 120 KB. The JSON round trip copies the characters exactly (lone surrogates included).
 */
export function truncateString(value: string, max: number): string {
  let end = max;
  const before = value.charCodeAt(end - 1);
  const after = value.charCodeAt(end);
  if (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) end--;
  return JSON.parse(JSON.stringify(value.slice(0, end))) as string;
}

/** Where cut values are counted (the isolate's TelemetryLosses). */
export interface TruncationCounter {
  truncatedValues: number;
}

/**
 * An attribute value within the limits: long strings and long string array elements cut (a new array when any is).
 * Returns the value itself when nothing had to change; each value that did is counted once.
 */
export function limitValue(key: string, value: AttributeValue, limits: SpanLimits, counter: TruncationCounter): AttributeValue {
  if (typeof value === "string") {
    if (value.length <= limits.shortestValueLength) return value;
    const max = limits.valueLengthByKey.get(key) ?? limits.valueLength;
    if (value.length <= max) return value;
    counter.truncatedValues++;
    return truncateString(value, max);
  }
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== "string") return value;
  const max = limits.valueLengthByKey.get(key) ?? limits.valueLength;
  const items = value as readonly string[];
  if (!items.some((item) => item.length > max)) return value;
  counter.truncatedValues++;
  return items.map((item) => (item.length > max ? truncateString(item, max) : item));
}

/** A span or event name within the ordinary value length (names carry model names, which come from clients). */
export function limitName(name: string, limits: SpanLimits, counter: TruncationCounter): string {
  if (name.length <= limits.valueLength) return name;
  counter.truncatedValues++;
  return truncateString(name, limits.valueLength);
}
