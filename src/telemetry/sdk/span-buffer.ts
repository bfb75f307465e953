import type { SpanData } from "./span-data";

/**
 * Finished spans waiting for export, bounded. When full, the oldest spans are dropped (and counted) so memory
 * stays flat however slow or dead the collector is.
 */
export class SpanBuffer {
  private spans: SpanData[] = [];
  private dropped = 0;

  constructor(private readonly maxSpans: number) {}

  get size(): number {
    return this.spans.length;
  }

  add(spans: readonly SpanData[]): void {
    if (spans.length === 0) return;
    for (const span of spans) this.spans.push(span);
    const over = this.spans.length - this.maxSpans;
    if (over > 0) {
      this.spans.splice(0, over);
      this.dropped += over;
    }
  }

  /** Takes everything buffered, and the number of spans dropped since the last drain. */
  drain(): { spans: SpanData[]; dropped: number } {
    const out = { spans: this.spans, dropped: this.dropped };
    this.spans = [];
    this.dropped = 0;
    return out;
  }
}

/**
 * One of the few deliberate module-level states. A Worker cannot flush on a timer between requests (work happens
 * only inside a request or its `waitUntil`, limited to 30 s), so each request adds its spans here and drains the
 * buffer from its own `waitUntil`: concurrent requests in the same isolate share POSTs, and a request whose flush
 * finds the buffer already drained by another returns at once. Spans left behind when an isolate is evicted are
 * lost, which the bound keeps small.
 */
export const isolateSpanBuffer = new SpanBuffer(2048);
