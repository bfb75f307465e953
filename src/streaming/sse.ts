import { GatewayError } from "../errors";

/**
 * Default bound on one event (its pending line plus its `data:` lines), in UTF-16 code units (about bytes for
 * JSON): a provider event is a few KiB; a line that never ends must not grow memory (or the scan) without limit.
 */
export const DEFAULT_MAX_SSE_EVENT_CHARS = 1 << 20;

/** One Server-Sent Event: `event` is the `event:` field when present, `data` the joined `data:` lines. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Incremental SSE parser (the WHATWG event-stream rules we need): bytes in, events out.
 * Safe across chunk boundaries, including a CRLF split between two chunks and multi-byte UTF-8. Linear in the input:
 * each character is scanned for a line end once, and an event larger than `maxEventChars` is a 502.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  /** The unfinished line: the text after the last line end seen. */
  private buffer = "";
  private event: string | undefined;
  private data: string[] = [];
  /** Characters in `data`, bounded by maxEventChars together with the unfinished line. */
  private dataChars = 0;
  private pendingCR = false;

  constructor(private readonly maxEventChars = DEFAULT_MAX_SSE_EVENT_CHARS) {}

  push(chunk: Uint8Array): SseEvent[] {
    return this.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    const events = this.feed(this.decoder.decode() + "\n\n");
    this.buffer = "";
    return events;
  }

  private feed(text: string): SseEvent[] {
    let input = text;
    // A CR at the end of the previous chunk already ended a line; skip the LF that completes it.
    if (this.pendingCR && input.startsWith("\n")) input = input.slice(1);
    this.pendingCR = false;
    // The unfinished line holds no line end: only the new text needs scanning.
    let scan = this.buffer.length;
    const buffer = this.buffer + input;
    const events: SseEvent[] = [];
    let start = 0;
    // Next LF / CR at or after `scan`, searched again only once passed (-1: none left in this buffer).
    let lf = buffer.indexOf("\n", scan);
    let cr = buffer.indexOf("\r", scan);
    for (;;) {
      if (lf !== -1 && lf < scan) lf = buffer.indexOf("\n", scan);
      if (cr !== -1 && cr < scan) cr = buffer.indexOf("\r", scan);
      let end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      const line = buffer.slice(start, end);
      if (buffer.charCodeAt(end) === 13) {
        if (end + 1 === buffer.length) this.pendingCR = true;
        else if (buffer.charCodeAt(end + 1) === 10) end++;
      }
      start = scan = end + 1;
      const ev = this.line(line);
      if (ev) events.push(ev);
    }
    this.buffer = buffer.slice(start);
    if (this.buffer.length + this.dataChars > this.maxEventChars) throw this.tooLarge();
    return events;
  }

  private tooLarge(): GatewayError {
    this.buffer = "";
    this.data = [];
    this.dataChars = 0;
    return GatewayError.upstreamError(`provider sent a stream event over ${this.maxEventChars} characters`);
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = undefined;
        return undefined;
      }
      const ev = { event: this.event, data: this.data.join("\n") };
      this.event = undefined;
      this.data = [];
      this.dataChars = 0;
      return ev;
    }
    if (line.charCodeAt(0) === 58) return undefined; // ":" comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") {
      this.data.push(value);
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxEventChars) throw this.tooLarge();
    }
    else if (field === "event") this.event = value;
    return undefined;
  }
}

/**
 * Encodes one event; `event` is omitted for OpenAI-style streams. Data that spans lines (an upstream event sent as
 * several `data:` lines) is written as several `data:` lines again, so the client joins it back the same way.
 */
export function encodeSse(data: string, event?: string): string {
  const body = data.includes("\n") ? `data: ${data.replaceAll("\n", "\ndata: ")}\n\n` : `data: ${data}\n\n`;
  return event === undefined ? body : `event: ${event}\n${body}`;
}
