// @ts-check
// The receiver's span model: what OTLP carries, flattened to plain JSON (ids in hex, times as decimal-string
// nanoseconds, attributes as plain values) so it can be stored as JSONL, served as JSON and read by the CLI and page.

/** @typedef {string | number | boolean | null | unknown[] | { [key: string]: unknown }} AttrValue arrays and kvlists hold AttrValues */
/** @typedef {{ name: string, timeNs: string, attributes: Record<string, AttrValue> }} SpanEvent */
/**
 * @typedef {{
 *   traceId: string, spanId: string, parentSpanId: string, traceState: string,
 *   name: string, kind: number, startNs: string, endNs: string,
 *   attributes: Record<string, AttrValue>, events: SpanEvent[],
 *   status: { code: number, message: string },
 *   service: string, scope: string, resource: Record<string, AttrValue>
 * }} Span
 */

export const KIND_NAMES = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
export const STATUS_ERROR = 2;

/** Nanoseconds (decimal string) to milliseconds since the epoch. */
export function nsToMs(/** @type {string} */ ns) {
  if (!ns) return 0;
  return Number(BigInt(ns) / 1000n) / 1000;
}

/** @param {Span} span */
export const startMs = (span) => nsToMs(span.startNs);
/** @param {Span} span */
export const endMs = (span) => Math.max(nsToMs(span.endNs), nsToMs(span.startNs));
/** @param {Span} span */
export const durationMs = (span) => endMs(span) - startMs(span);

/** The attribute as a number, or undefined. */
export function numAttr(/** @type {Span} */ span, /** @type {string} */ key) {
  const v = span.attributes[key];
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** The attribute as a string, or undefined. */
export function strAttr(/** @type {Span} */ span, /** @type {string} */ key) {
  const v = span.attributes[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String).join(",");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}
