/** At most one loss line per isolate per this interval. */
export const LOSS_LOG_INTERVAL_MS = 60_000;

const MAX_MESSAGE = 200;

/**
 * Telemetry the SDK or the collector did not keep, counted since the last log line, so that nothing is dropped
 * silently and a flood of drops does not flood the log: `report` writes one line with every count at most once per
 * interval (the first loss is logged at once). The per-span counts also travel in OTLP's dropped*Count fields.
 */
export class TelemetryLosses {
  /** Spans pushed out of the isolate buffer (span or byte budget full) before they could be exported. */
  spansBufferFull = 0;
  /** Spans past the per-request cap. */
  spansOverRequestCap = 0;
  /** Spans of requests held for `tracing.keep` that found the isolate's bound for held spans spent. */
  spansHeldOverBudget = 0;
  /** Span, event and link attributes past their count limits. */
  attributes = 0;
  /** Events past the per-span limit. */
  events = 0;
  /** Links past the per-span limit (or with invalid ids). */
  links = 0;
  /** Attribute values (or span/event names) cut to the length limit. */
  truncatedValues = 0;
  /** Spans a collector refused in a partial-success answer. */
  rejectedSpans = 0;
  private rejectedMessages: string[] = [];
  private lastLineAt: number | undefined;

  constructor(private readonly intervalMs: number = LOSS_LOG_INTERVAL_MS) {}

  /** A collector's `partialSuccess`: its rejected count and message (a message alone is a warning). */
  rejected(count: number, message: string, url: string): void {
    this.rejectedSpans += count;
    // Keep the first few distinct messages of the interval, each short and on one line (it came from the network).
    const clean = message.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, MAX_MESSAGE);
    const entry = clean ? `${url}: ${JSON.stringify(clean)}` : url;
    if (this.rejectedMessages.length < 3 && !this.rejectedMessages.includes(entry)) this.rejectedMessages.push(entry);
  }

  /** Logs the counts since the last line, unless a line went out less than an interval ago or there is nothing. */
  report(now: number, log: (message: string) => void): void {
    if (this.lastLineAt !== undefined && now - this.lastLineAt < this.intervalMs) return;
    const parts: string[] = [];
    if (this.spansBufferFull > 0) parts.push(`span buffer full; ${this.spansBufferFull} span(s) dropped before export`);
    if (this.spansOverRequestCap > 0) parts.push(`${this.spansOverRequestCap} span(s) over the per-request cap dropped`);
    if (this.spansHeldOverBudget > 0) {
      parts.push(`${this.spansHeldOverBudget} span(s) held for tracing.keep dropped (held spans at their bound)`);
    }
    const limited: string[] = [];
    if (this.attributes > 0) limited.push(`${this.attributes} attribute(s)`);
    if (this.events > 0) limited.push(`${this.events} event(s)`);
    if (this.links > 0) limited.push(`${this.links} link(s)`);
    if (limited.length > 0) parts.push(`${limited.join(", ")} over the span limits dropped`);
    if (this.truncatedValues > 0) parts.push(`${this.truncatedValues} value(s) cut to the length limit`);
    if (this.rejectedSpans > 0 || this.rejectedMessages.length > 0) {
      parts.push(`collector rejected ${this.rejectedSpans} span(s) (${this.rejectedMessages.join("; ")})`);
    }
    if (parts.length === 0) return;
    const since = this.lastLineAt === undefined ? "" : ` (since ${Math.round((now - this.lastLineAt) / 1000)} s ago)`;
    log(`tracegate: ${parts.join("; ")}${since}`);
    this.lastLineAt = now;
    this.spansBufferFull = this.spansOverRequestCap = this.spansHeldOverBudget = 0;
    this.attributes = this.events = this.links = 0;
    this.truncatedValues = this.rejectedSpans = 0;
    this.rejectedMessages = [];
  }
}

/**
 * One of the few deliberate module-level states: the isolate's loss counters, fed by every request's spans and the
 * isolate span buffer, and reported from the export (the only work that runs after a request).
 */
export const isolateLosses = new TelemetryLosses();
