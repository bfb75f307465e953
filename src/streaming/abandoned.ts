import type { AbandonPolicy, UpstreamExchange } from "../exchange/upstream";
import { parseProviderJson } from "../formats/check";
import type { AbandonedRead } from "../telemetry/request-trace";
import type { SseEvent, SseParser } from "./sse";

type Reader = LeftStream["reader"];

/**
 * The pipe's side of a client leaving (pipe.ts): the events observed so far (the client's share), the read in
 * flight, and whether the client left; `leave()` starts the read-on under the exchange's abandon policy.
 */
export class LeaveWatch {
  events = 0;
  left = false;
  private pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;

  constructor(
    private readonly exchange: UpstreamExchange,
    private readonly reader: Reader | undefined,
    private readonly parser: SseParser,
    private readonly doneData: string,
  ) {
    if (!exchange.abandon) return;
    exchange.onClientGone(() => {
      if (this.leave()) return;
      exchange.abort();
      exchange.settle({ kind: "cancelled" });
    });
  }

  /** An event the client is sent, to the stream tap. */
  observe(data: unknown): void {
    this.exchange.observe(data);
    this.events++;
  }

  /** The next chunk, remembered while in flight: if the client leaves meanwhile, the read-on takes it. */
  async read(reader: Reader): Promise<ReadableStreamReadResult<Uint8Array>> {
    this.pending = reader.read();
    try {
      return await this.pending;
    } finally {
      this.pending = undefined;
    }
  }

  /** The client left: read on under the abandon policy (true), or not (false: the caller cancels). */
  leave(): boolean {
    const { exchange, reader, parser, pending, doneData } = this;
    const policy = exchange.abandon;
    if (this.left) return true;
    if (!policy || !reader) return false;
    this.left = true;
    policy.keepAlive(readAbandoned({ reader, parser, pending, delivered: this.events, doneData }, exchange, policy));
    return true;
  }
}

/** A piped stream at the moment its client left (pipe.ts). */
export interface LeftStream {
  /** pipe.ts's ChunkSource (not imported: pipe.ts imports this module). */
  readonly reader: {
    read(): Promise<ReadableStreamReadResult<Uint8Array>>;
    cancel(reason?: unknown): Promise<void>;
  };
  readonly parser: SseParser;
  /** The pipe's read in flight, if any: its chunk is the next one, and is read here. */
  readonly pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  /** Events observed so far: those the client was sent. */
  readonly delivered: number;
  readonly doneData: string;
}

/**
 * Reads on a stream its client left, until the provider ends it, so the span (and metrics) get the usage the
 * provider bills rather than none: each event goes to the stream tap only (nothing is translated or kept), within
 * `policy.timeoutMs` and `policy.maxBytes`, after which the upstream request is aborted. Then the call ends as
 * cancelled, with how many events the client got of how many, for the delivered-tokens estimate.
 */
export async function readAbandoned(left: LeftStream, exchange: UpstreamExchange, policy: AbandonPolicy): Promise<void> {
  let end: AbandonedRead["end"] | undefined;
  let events = left.delivered;
  const stop = (why: AbandonedRead["end"]) => {
    end ??= why;
    exchange.abort();
    void left.reader.cancel().catch(() => undefined);
  };
  const observe = (ev: SseEvent) => {
    if (ev.data === left.doneData) return;
    exchange.observe(parseProviderJson(ev.data, "stream event"));
    events++;
  };
  const timer = setTimeout(() => stop("time_limit"), policy.timeoutMs);
  let bytes = 0;
  let next = left.pending;
  try {
    for (;;) {
      const chunk = await (next ?? left.reader.read());
      next = undefined;
      if (end !== undefined) break;
      if (chunk.done) {
        for (const ev of left.parser.end()) observe(ev);
        end = "complete";
        break;
      }
      bytes += chunk.value.byteLength;
      if (bytes > policy.maxBytes) {
        stop("byte_limit");
        break;
      }
      for (const ev of left.parser.push(chunk.value)) observe(ev);
    }
  } catch {
    end ??= "error";
    exchange.abort();
  }
  clearTimeout(timer);
  exchange.settle({ kind: "cancelled", abandoned: { deliveredEvents: left.delivered, events, end: end ?? "error" } });
}
