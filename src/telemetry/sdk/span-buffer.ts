import { isolateLosses, TelemetryLosses } from "./losses";
import type { AttributeValue, SpanData } from "./span-data";

/** Spans buffered per isolate, at most. */
export const MAX_BUFFERED_SPANS = 2048;
/**
 * Estimated bytes buffered per isolate, at most: well under the isolate's 128 MB, and room for the spans of the
 * export in flight (drained, up to as much again) and its encoded body.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

// Fixed costs in the estimate, from V8's object layouts (rounded up): a SpanData with its id strings, bigint times
// and status; one attribute (property slot, key string header, value or string header); one event or link object.
const SPAN_BYTES = 480;
const ENTRY_BYTES = 40;
const ITEM_BYTES = 120;

function valueBytes(value: AttributeValue): number {
  if (typeof value === "string") return value.length;
  if (!Array.isArray(value)) return 8;
  let bytes = 16;
  for (const item of value as readonly unknown[]) bytes += ENTRY_BYTES / 2 + (typeof item === "string" ? item.length : 8);
  return bytes;
}

function attributesBytes(attributes: Readonly<Record<string, AttributeValue>>): number {
  let bytes = 0;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) bytes += ENTRY_BYTES + key.length + valueBytes(value);
  }
  return bytes;
}

/**
 * A span's approximate heap size: fixed costs plus the characters of its name, attribute keys and values, events
 * and links. Strings count one byte a character (V8 stores Latin-1 strings so; others take two), which the budget's
 * margin absorbs. Computed once per span, when it enters the buffer.
 */
export function estimateSpanBytes(span: SpanData): number {
  let bytes = SPAN_BYTES + span.name.length + (span.traceState?.length ?? 0) + attributesBytes(span.attributes);
  for (const event of span.events) bytes += ITEM_BYTES + event.name.length + attributesBytes(event.attributes);
  for (const link of span.links) bytes += ITEM_BYTES + (link.traceState?.length ?? 0) + attributesBytes(link.attributes);
  return bytes;
}

/**
 * Finished spans waiting for export, bounded by count and by estimated bytes. When either is exceeded the oldest
 * spans are dropped (and counted, in `drain` and in `losses`), so memory stays flat however slow or dead the
 * collector is and however large each span is.
 */
export class SpanBuffer {
  private spans: SpanData[] = [];
  private sizes: number[] = [];
  private totalBytes = 0;
  private dropped = 0;

  constructor(
    private readonly maxSpans: number,
    private readonly maxBytes: number = MAX_BUFFERED_BYTES,
    /** Where drops are counted for the rate-limited log line; the export reports them. */
    readonly losses: TelemetryLosses = new TelemetryLosses(),
  ) {}

  get size(): number {
    return this.spans.length;
  }

  /** Estimated bytes of the spans held. */
  get bytes(): number {
    return this.totalBytes;
  }

  add(spans: readonly SpanData[]): void {
    if (spans.length === 0) return;
    for (const span of spans) {
      const size = estimateSpanBytes(span);
      this.spans.push(span);
      this.sizes.push(size);
      this.totalBytes += size;
    }
    let over = Math.max(0, this.spans.length - this.maxSpans);
    let bytes = this.totalBytes;
    for (let i = 0; i < over; i++) bytes -= this.sizes[i] ?? 0;
    while (bytes > this.maxBytes && over < this.spans.length) bytes -= this.sizes[over++] ?? 0;
    if (over > 0) {
      this.spans.splice(0, over);
      this.sizes.splice(0, over);
      this.totalBytes = bytes;
      this.dropped += over;
      this.losses.spansBufferFull += over;
    }
  }

  /** Takes everything buffered, and the number of spans dropped since the last drain. */
  drain(): { spans: SpanData[]; dropped: number } {
    const out = { spans: this.spans, dropped: this.dropped };
    this.spans = [];
    this.sizes = [];
    this.totalBytes = 0;
    this.dropped = 0;
    return out;
  }
}

/**
 * One of the few deliberate module-level states. A Worker cannot flush on a timer between requests (work happens
 * only inside a request or its `waitUntil`, limited to 30 s), so each request adds its spans here and drains the
 * buffer from its own `waitUntil`: concurrent requests in the same isolate share POSTs, and a request whose flush
 * finds the buffer already drained by another returns at once. Spans left behind when an isolate is evicted are
 * lost, which the bounds keep small.
 */
export const isolateSpanBuffer = new SpanBuffer(MAX_BUFFERED_SPANS, MAX_BUFFERED_BYTES, isolateLosses);
