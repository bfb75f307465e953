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
  /** Attributes past the per-event limit. */
  droppedAttributesCount: number;
}

/** A link to another span (OTLP `Span.Link`). */
export interface SpanLinkData {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  traceState: string | undefined;
  /** W3C trace flags of the linked span context (bits 0-7). */
  flags: number;
  /** Whether the linked context came from another process; undefined when not known. */
  isRemote: boolean | undefined;
  attributes: Readonly<Record<string, AttributeValue>>;
  /** Attributes past the per-link limit, plus any the caller said it dropped. */
  droppedAttributesCount: number;
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
  links: readonly SpanLinkData[];
  /** 0 = UNSET, 1 = OK, 2 = ERROR. */
  status: { code: 0 | 1 | 2; message?: string };
  /** Attributes, events and links past the span limits (OTLP's dropped*Count fields). */
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  /** The instrumentation scope: the tracer's name and version, one object shared by all its spans. */
  scope: Scope;
  /**
   * Keys whose numbers are exported as OTLP doubles even when whole (the registry's `double` attributes, one set
   * shared by every span of the settings); absent: DEFAULT_DOUBLE_KEYS.
   */
  doubleKeys?: ReadonlySet<string>;
}

export interface Resource {
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface Scope {
  name: string;
  version?: string;
}

export const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
export const SPAN_FLAGS_IS_REMOTE = 0x200;

/** OTLP `Span.flags` / `Link.flags`: the W3C trace flags plus the is-remote bits when remoteness is known. */
function withRemoteBits(traceFlags: number, isRemote: boolean | undefined): number {
  const flags = traceFlags & 0xff;
  if (isRemote === undefined) return flags;
  return flags | SPAN_FLAGS_HAS_IS_REMOTE | (isRemote ? SPAN_FLAGS_IS_REMOTE : 0);
}

/** OTLP `Span.flags`: the W3C trace flags plus the is-remote bits of the parent. */
export function otlpSpanFlags(span: SpanData): number {
  return withRemoteBits(span.flags, span.parentIsRemote);
}

/** OTLP `Link.flags`: the linked context's W3C trace flags plus its is-remote bits. */
export function otlpLinkFlags(link: SpanLinkData): number {
  return withRemoteBits(link.flags, link.isRemote);
}

/**
 * Spans grouped by instrumentation scope (one OTLP `ScopeSpans` each), in order of first appearance. Tracers share
 * one Scope object per name and version, so the common case (every span from the gateway's tracer) is one check per
 * span and no copy; scopes that are equal but not the same object still land in one group.
 */
export function groupByScope(spans: readonly SpanData[]): [Scope, readonly SpanData[]][] {
  const first = spans[0]?.scope;
  if (first === undefined) return [];
  if (spans.every((s) => s.scope === first)) return [[first, spans]];
  const groups = new Map<string, [Scope, SpanData[]]>();
  for (const span of spans) {
    const key = `${span.scope.name}\u0000${span.scope.version ?? ""}`;
    const group = groups.get(key);
    if (group) group[1].push(span);
    else groups.set(key, [span.scope, [span]]);
  }
  return [...groups.values()];
}
