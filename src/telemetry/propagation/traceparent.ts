/**
 * W3C Trace Context `traceparent` (Level 1 + Level 2), https://www.w3.org/TR/trace-context-2/#traceparent-header
 *
 *   traceparent = version "-" trace-id "-" parent-id "-" trace-flags [ "-" future fields ]
 *
 * - lowercase hex only; version `ff` is invalid; version `00` is exactly 55 characters (no suffix);
 * - a higher version is parsed by its first four fields, which must be followed by the end or by `-`;
 * - an all-zero trace-id or parent-id is invalid;
 * - spaces/tabs around the value are optional whitespace;
 * - repeated `traceparent` headers arrive joined (`a, b`) from `Headers.get()` and fail the format: invalid.
 *
 * Invalid or missing: the caller starts a new trace and ignores `tracestate` (spec: "If the vendor failed to parse
 * traceparent, it MUST NOT attempt to parse tracestate").
 */

/** Level 1 `sampled` flag. */
export const FLAG_SAMPLED = 0x01;
/** Level 2 `random-trace-id` flag: the right-most 7 bytes of the trace-id are random. */
export const FLAG_RANDOM = 0x02;
/** The only flag bits this implementation may send; the others are reserved and MUST be sent as zero. */
const KNOWN_FLAGS = FLAG_SAMPLED | FLAG_RANDOM;

export interface ParentContext {
  traceId: string;
  parentId: string;
  /** Incoming trace-flags as received (all bits). */
  flags: number;
  /** Incoming version, two lowercase hex digits (`00`, or a future version such as `cc`). */
  version: string;
}

// Version, trace-id, parent-id, flags, then either the end or (future versions only) "-" and anything.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = "00000000000000000000000000000000";
const ZERO_PARENT_ID = "0000000000000000";

export function parseTraceparent(header: string | null): ParentContext | undefined {
  if (header === null) return undefined;
  const value = trimOws(header);
  // A valid value is 55 characters, or longer for a future version with extra fields.
  if (value.length < 55) return undefined;
  const m = TRACEPARENT.exec(value);
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m;
  if (version === undefined || traceId === undefined || parentId === undefined || flags === undefined) return undefined;
  if (version === "ff") return undefined;
  if (version === "00" && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  return { traceId, parentId, flags: parseInt(flags, 16), version };
}

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/** Strips optional whitespace (RFC 7230 OWS: spaces and horizontal tabs only) from both ends. */
export function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isOws(s.charCodeAt(start))) start++;
  while (end > start && isOws(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Always version `00`; only the sampled and random bits are kept. */
export function formatTraceparent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-0${(flags & KNOWN_FLAGS).toString(16)}`;
}
