import { estimateSpanBytes, MAX_BUFFERED_BYTES, MAX_BUFFERED_SPANS } from "../sdk/span-buffer";
import type { SpanData } from "../sdk/span-data";
import type { HeldSpans } from "../sdk/tracer";

/** One held request's share of the budget. */
export interface HeldRequest extends HeldSpans {
  /** Gives back what the request's spans took (once the request is decided, kept or not); repeat calls do nothing. */
  release(): void;
}

/**
 * The isolate's budget for spans recorded while their request's fate is open (`tracing.keep`): every request the
 * head decision dropped is recorded until it ends, so concurrent requests could otherwise hold any amount of memory.
 * Bounded like the span buffer (as many spans and estimated bytes again); a span that finds the budget spent is
 * not recorded (counted as a loss), and a request gives its share back when it is decided, kept or not.
 */
export class HeldSpanBudget {
  private spans = 0;
  private bytes = 0;

  constructor(
    private readonly maxSpans: number,
    private readonly maxBytes: number,
  ) {}

  /** Spans and estimated bytes held now, over all undecided requests. */
  get held(): { spans: number; bytes: number } {
    return { spans: this.spans, bytes: this.bytes };
  }

  /** One request's share: its spans enter while there is room; `release` gives back what it took (once). */
  forRequest(): HeldRequest {
    let spans = 0;
    let bytes = 0;
    return {
      hold: (span: SpanData): boolean => {
        const size = estimateSpanBytes(span);
        if (this.spans + 1 > this.maxSpans || this.bytes + size > this.maxBytes) return false;
        this.spans++;
        this.bytes += size;
        spans++;
        bytes += size;
        return true;
      },
      release: () => {
        this.spans -= spans;
        this.bytes -= bytes;
        spans = bytes = 0;
      },
    };
  }
}

/**
 * One of the few deliberate module-level states: what undecided requests of this isolate hold, bounded like the
 * isolate span buffer (2,048 spans, 8 MiB estimated). Only requests recorded for `keep` touch it.
 */
export const isolateHeldSpans = new HeldSpanBudget(MAX_BUFFERED_SPANS, MAX_BUFFERED_BYTES);
