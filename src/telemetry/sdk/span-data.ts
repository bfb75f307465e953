// The finished-span data model: what a span is once it has ended, independent of the OTel API objects, and what
// the OTLP encoders (otlp-json.ts, otlp-proto.ts) read. Times are Unix nanoseconds as bigint (no precision loss).

export type AttributeValue =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly number[]
  | readonly boolean[];

export interface SpanEventData {
  name: string;
  timeUnixNano: bigint;
  attributes: Readonly<Record<string, AttributeValue>>;
}

export interface SpanData {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId: string | undefined;
  /** The W3C `tracestate` string the span was recorded with. */
  traceState: string | undefined;
  /** W3C trace flags (bits 0-7). */
  flags: number;
  /** When defined, OTLP `Span.flags` gets 0x100 ("has is-remote") and 0x200 when the parent is remote. */
  parentIsRemote: boolean | undefined;
  name: string;
  kind: 1 | 2 | 3 | 4 | 5;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Readonly<Record<string, AttributeValue>>;
  events: readonly SpanEventData[];
  /** 0 = UNSET, 1 = OK, 2 = ERROR. */
  status: { code: 0 | 1 | 2; message?: string };
}

export interface Resource {
  attributes: Readonly<Record<string, AttributeValue>>;
}

export interface Scope {
  name: string;
  version?: string;
}

export const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
export const SPAN_FLAGS_IS_REMOTE = 0x200;

/** OTLP `Span.flags`: the W3C trace flags plus the is-remote bits. */
export function otlpSpanFlags(span: SpanData): number {
  const flags = span.flags & 0xff;
  if (span.parentIsRemote === undefined) return flags;
  return flags | SPAN_FLAGS_HAS_IS_REMOTE | (span.parentIsRemote ? SPAN_FLAGS_IS_REMOTE : 0);
}

/**
 * Numbers that become OTLP `intValue` (int64); every other number is a `doubleValue`. Integers beyond 2^53 are
 * not exact in a JS number and may not fit an int64, so they stay doubles.
 */
export function isIntValue(value: number): boolean {
  return Number.isSafeInteger(value);
}
