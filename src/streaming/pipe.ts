import { asGatewayError, type GatewayError } from "../errors";
import type { UpstreamExchange } from "../exchange/upstream";
import { parseProviderJson } from "../formats/check";
import { LeaveWatch } from "./abandoned";
import { SseParser, type SseEvent } from "./sse";

/** The data of OpenAI's end-of-stream sentinel event. */
export const DONE_SENTINEL = "[DONE]";

/**
 * Turns upstream SSE events into the client's SSE text. Each method returns encoded text ("" for nothing).
 * `data` is the event's JSON, parsed once by the pipe (undefined for `[DONE]`); `event` reads (checks) it before
 * use, and anything it throws ends the stream with the error event asGatewayError makes of it.
 */
export interface StreamCodec {
  event(ev: SseEvent, data: unknown): string;
  end(): string;
  /** A well-formed error event in the client's format, ending the stream. */
  error(err: GatewayError): string;
}

/** Where the pipe reads upstream bytes: the body's reader, or one that replays an already-read first chunk. */
export interface ChunkSource {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

/**
 * The one place an upstream stream body is piped to the client. Pull-based, so each upstream chunk is
 * translated and forwarded as it arrives (nothing is buffered) and backpressure reaches the provider.
 * The client cancelling aborts the upstream fetch, or, under the exchange's abandon policy, the provider's stream is
 * read on for its usage (abandoned.ts); an upstream failure ends the stream with an error event.
 */
export function pipeStream(
  exchange: UpstreamExchange,
  codec: StreamCodec,
  source: ChunkSource | undefined = exchange.response.body?.getReader(),
  maxEventChars?: number,
): ReadableStream<Uint8Array> {
  const reader = source;
  const parser = new SseParser(maxEventChars);
  const encoder = new TextEncoder();
  let first = true;
  const watch = new LeaveWatch(exchange, reader, parser, DONE_SENTINEL);
  // Each event's JSON is parsed once, here, for both the codec and the stream tap (usage, finish reasons); the tap
  // sees it once the codec has read (checked) it.
  const handle = (ev: SseEvent): string => {
    const data = ev.data === DONE_SENTINEL ? undefined : parseProviderJson(ev.data, "stream event");
    const out = codec.event(ev, data);
    if (data !== undefined) watch.observe(data);
    return out;
  };
  /** Ends the stream with an error event, after `before`: what the events ahead of the failing one became. */
  const failWith = (controller: ReadableStreamDefaultController<Uint8Array>, err: GatewayError, before = "") => {
    controller.enqueue(encoder.encode(before + codec.error(err)));
    controller.close();
    exchange.settle({ kind: "error", error: err });
  };

  return new ReadableStream<Uint8Array>({
    // A pull must enqueue or close: a pull that does neither is not called again (the read would hang), so
    // upstream chunks that translate to nothing (a dropped usage chunk, `[DONE]`, a ping) loop to the next one.
    async pull(controller) {
      if (!reader) {
        controller.enqueue(encoder.encode(codec.end()));
        controller.close();
        exchange.settle({ kind: "complete" });
        return;
      }
      for (;;) {
        if (watch.left) return;
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await watch.read(reader);
        } catch {
          if (!watch.left) failWith(controller, exchange.bodyError());
          return;
        }
        if (watch.left) return; // the client left during the read: abandoned.ts took this chunk over
        let out = "";
        try {
          if (chunk.done) {
            for (const ev of parser.end()) out += handle(ev);
            out += codec.end();
            if (out) controller.enqueue(encoder.encode(out));
            controller.close();
            exchange.settle({ kind: "complete" });
            return;
          }
          if (first) {
            first = false;
            exchange.onFirstChunk();
          }
          for (const ev of parser.push(chunk.value)) out += handle(ev);
          if (out) {
            controller.enqueue(encoder.encode(out));
            return;
          }
        } catch (err) {
          exchange.abort();
          failWith(controller, asGatewayError(err), out);
          return;
        }
      }
    },
    cancel() {
      if (watch.leave()) return;
      exchange.abort();
      void reader?.cancel().catch(() => undefined);
      exchange.settle({ kind: "cancelled" });
    },
  });
}

export type { SseEvent };
