/** One Server-Sent Event: `event` is the `event:` field when present, `data` the joined `data:` lines. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Incremental SSE parser (the WHATWG event-stream rules we need): bytes in, events out.
 * Safe across chunk boundaries, including a CRLF split between two chunks and multi-byte UTF-8.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private event: string | undefined;
  private data: string[] = [];
  private pendingCR = false;

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
    this.buffer += input;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf("\n", start);
      const cr = this.buffer.indexOf("\r", start);
      let end: number;
      if (cr === -1) end = lf;
      else if (lf === -1) end = cr;
      else end = Math.min(cr, lf);
      if (end === -1) break;
      const line = this.buffer.slice(start, end);
      if (this.buffer.charCodeAt(end) === 13) {
        if (end + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer.charCodeAt(end + 1) === 10) end++;
      }
      start = end + 1;
      const ev = this.line(line);
      if (ev) events.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return events;
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
      return ev;
    }
    if (line.charCodeAt(0) === 58) return undefined; // ":" comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    return undefined;
  }
}

/** Encodes one event; `event` is omitted for OpenAI-style streams. */
export function encodeSse(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
