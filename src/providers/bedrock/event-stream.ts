import { EVENT, FormatError } from "../../formats/check";

/**
 * AWS's binary event-stream framing (`application/vnd.amazon.eventstream`), which ConverseStream answers in. A
 * message is: total length (u32 BE), headers length (u32 BE), CRC32 of those 8 bytes, the headers, the payload, and
 * a CRC32 of everything before it. Written here rather than taken from @smithy/eventstream-codec, which now pulls in
 * @smithy/core: this decoder is the few dozen lines the Worker needs.
 */

/** One decoded message: its string headers (`:message-type`, `:event-type`, …) and its payload bytes. */
export interface EventStreamMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Uint8Array;
}

const PRELUDE_BYTES = 12;
/** Prelude (12) + message CRC (4). */
const OVERHEAD_BYTES = 16;
/** AWS's limit for one event-stream message. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

// The CRC-32 (IEEE 802.3) table, computed once per isolate: 1 KiB, never changed after.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib and the event-stream framing compute it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const utf8 = new TextDecoder();

/** Bytes each non-string header value type takes after its type byte (bool 0, byte 1, short 2, int 4, long and
 * timestamp 8, uuid 16); 6 (bytes) and 7 (string) carry a u16 length. */
const FIXED_VALUE_BYTES: Readonly<Record<number, number>> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };

function readHeaders(view: DataView, bytes: Uint8Array, start: number, end: number): Record<string, string> {
  const headers: Record<string, string> = {};
  let at = start;
  while (at < end) {
    const nameLength = view.getUint8(at);
    const name = utf8.decode(bytes.subarray(at + 1, at + 1 + nameLength));
    at += 1 + nameLength;
    const type = view.getUint8(at);
    at += 1;
    if (type === 6 || type === 7) {
      const length = view.getUint16(at);
      if (type === 7) headers[name] = utf8.decode(bytes.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    } else {
      const size = FIXED_VALUE_BYTES[type];
      if (size === undefined) throw new FormatError(EVENT, `event-stream header ${name}: unknown value type ${type}`);
      at += size;
    }
    if (at > end) throw new FormatError(EVENT, `event-stream header ${name}: runs past the headers`);
  }
  return headers;
}

/** Checks the prelude of the message at the start of `bytes` (at least 12 bytes) and gives its total length. */
function messageLength(view: DataView, bytes: Uint8Array): number {
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (crc32(bytes.subarray(0, 8)) !== view.getUint32(8)) throw new FormatError(EVENT, "event-stream prelude CRC mismatch");
  if (total < OVERHEAD_BYTES || total > MAX_MESSAGE_BYTES || headersLength > total - OVERHEAD_BYTES) {
    throw new FormatError(EVENT, `event-stream message length ${total} (headers ${headersLength}) is not valid`);
  }
  return total;
}

function decodeMessage(bytes: Uint8Array): EventStreamMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.byteLength;
  if (crc32(bytes.subarray(0, total - 4)) !== view.getUint32(total - 4)) {
    throw new FormatError(EVENT, "event-stream message CRC mismatch");
  }
  const headersEnd = PRELUDE_BYTES + view.getUint32(4);
  return { headers: readHeaders(view, bytes, PRELUDE_BYTES, headersEnd), payload: bytes.subarray(headersEnd, total - 4) };
}

/**
 * Decodes event-stream messages from body chunks as they arrive, whatever the chunk boundaries. Each message's
 * CRCs are checked; a bad one is a FormatError (the stream cannot be trusted past it).
 */
export class EventStreamDecoder {
  private pending: Uint8Array = new Uint8Array(0);

  /** The messages `chunk` completes, in order; bytes of an unfinished message are kept for the next chunk. */
  push(chunk: Uint8Array): EventStreamMessage[] {
    let data = chunk;
    if (this.pending.byteLength > 0) {
      data = new Uint8Array(this.pending.byteLength + chunk.byteLength);
      data.set(this.pending);
      data.set(chunk, this.pending.byteLength);
    }
    const messages: EventStreamMessage[] = [];
    let at = 0;
    while (data.byteLength - at >= PRELUDE_BYTES) {
      const rest = data.subarray(at);
      const total = messageLength(new DataView(rest.buffer, rest.byteOffset, PRELUDE_BYTES), rest);
      if (rest.byteLength < total) break;
      messages.push(decodeMessage(rest.subarray(0, total)));
      at += total;
    }
    this.pending = data.subarray(at);
    return messages;
  }

  /** True when bytes of an unfinished message are left (the stream ended mid-message). */
  get hasPartial(): boolean {
    return this.pending.byteLength > 0;
  }
}
