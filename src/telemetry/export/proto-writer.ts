// The few protobuf primitives the OTLP trace messages need, on one growable buffer: written by hand because the
// Worker bundle carries no protobuf runtime (see otlp-proto.ts for the messages).

const utf8 = new TextEncoder();

/** One hex digit's value ('0'-'9' = 48-57, 'a'-'f' = 97-102; upper case folded). */
const nibble = (code: number) => (code <= 57 ? code - 48 : (code | 0x20) - 87);
const UINT64 = (1n << 64n) - 1n;
// Called through this reference, not as `value.charCodeAt`: the strings written come in many V8 shapes (internalized
// keys, sliced, concatenated and external values), and a method looked up on them per character can go megamorphic.
const charCodeAt = String.prototype.charCodeAt;

/** Strings up to this many characters have their UTF-8 kept (at most 192 bytes each). */
const MAX_CACHED_CHARS = 64;
/** Cached strings at most; then the cache starts again (unique values, e.g. response ids, would otherwise grow it). */
const MAX_CACHED_STRINGS = 1024;
// A deliberate, bounded isolate cache: the UTF-8 bytes of short strings already written (≤ 1024 × 192 bytes).
const encoded = new Map<string, Uint8Array>();

/** Scratch buffers up to this size are kept for the next body; a larger one (a big batch) is left to the GC. */
const MAX_KEPT_BYTES = 256 * 1024;

// A deliberate isolate cache: the last body's buffer, reused by the next one. An ArrayBuffer costs far more to
// create than its size suggests (a backing store outside the JS heap, registered with the GC), and every export made
// one. Bodies are written synchronously, from `new Writer` to `finish`, so two never share it.
let spare: Uint8Array | undefined;

/** A growable byte buffer with the few protobuf primitives the trace messages need. */
export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  /** @param capacity the bytes first reserved: a good guess saves growing (a copy each time) while writing. */
  constructor(capacity = 4096) {
    const reused = spare !== undefined && spare.length >= capacity ? spare : undefined;
    spare = undefined;
    this.buf = reused ?? new Uint8Array(Math.max(capacity, 4096));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  varint(value: number): void {
    this.ensure(10);
    if (value >= 0 && value <= 0x7fffffff) {
      while (value > 0x7f) {
        this.buf[this.pos++] = (value & 0x7f) | 0x80;
        value >>>= 7;
      }
      this.buf[this.pos++] = value;
      return;
    }
    this.varint64(BigInt(value));
  }

  /** int64/uint64 as a varint; negatives as 64-bit two's complement (10 bytes). */
  varint64(value: bigint): void {
    this.ensure(10);
    let v = value & UINT64;
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  fixed64(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, value & UINT64, true);
    this.pos += 8;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /**
   * Starts a length-delimited field: one byte is reserved for the length (enough below 128 bytes, the common case
   * for attributes); `end` widens it when the content turned out longer.
   */
  begin(fieldTag: number): number {
    if (fieldTag > 0x7f) this.varint(fieldTag);
    this.ensure(2);
    if (fieldTag <= 0x7f) this.buf[this.pos++] = fieldTag; // every message field written is numbered below 16
    return this.pos++;
  }

  end(lengthAt: number): void {
    const start = lengthAt + 1;
    let length = this.pos - start;
    if (length < 0x80) {
      this.buf[lengthAt] = length;
      return;
    }
    let extra = 0;
    for (let n = length >>> 7; n > 0x7f; n >>>= 7) extra++;
    extra++;
    this.ensure(extra);
    this.buf.copyWithin(start + extra, start, this.pos);
    this.pos += extra;
    let at = lengthAt;
    while (length > 0x7f) {
      this.buf[at++] = (length & 0x7f) | 0x80;
      length >>>= 7;
    }
    this.buf[at] = length;
  }

  /**
   * A UTF-8 string field. Short strings come back again and again (attribute keys, span names, models, routes):
   * their bytes are kept in a bounded isolate cache and copied, instead of encoded a character at a time.
   */
  string(fieldTag: number, value: string): void {
    // Looked up before anything else is read of the string: `value.length` here would be a property load on strings
    // of many V8 representations (megamorphic), and on a hit it is not needed.
    let bytes = encoded.get(value);
    if (bytes === undefined) {
      if (value.length > MAX_CACHED_CHARS) {
        const at = this.begin(fieldTag);
        this.utf8(value);
        this.end(at);
        return;
      }
      // Encoded where the field will go, kept, then written over by the field itself.
      const start = this.pos;
      this.utf8(value);
      bytes = this.buf.slice(start, this.pos);
      this.pos = start;
      if (encoded.size >= MAX_CACHED_STRINGS) encoded.clear();
      encoded.set(value, bytes);
    }
    const n = bytes.length;
    if (fieldTag > 0x7f) this.varint(fieldTag);
    this.ensure(n + 3);
    // Written in place, one bounds check for all: the tag (string fields are numbered below 16, so one byte) and the
    // length (at most 192, so one or two bytes), then the bytes.
    const buf = this.buf;
    let pos = this.pos;
    if (fieldTag <= 0x7f) buf[pos++] = fieldTag;
    if (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      buf[pos++] = n >>> 7;
    } else buf[pos++] = n;
    for (let i = 0; i < n; i++) buf[pos++] = bytes[i] ?? 0;
    this.pos = pos;
  }

  /** `value` as UTF-8 at the write position. */
  private utf8(value: string): void {
    const length = value.length;
    this.ensure(length * 3);
    // Mostly ASCII: copied here, without a native call and a subarray per string.
    const start = this.pos;
    for (let i = 0; i < length; i++) {
      const code = charCodeAt.call(value, i);
      if (code >= 0x80) {
        this.pos = start + utf8.encodeInto(value, this.buf.subarray(start)).written;
        return;
      }
      this.buf[this.pos++] = code;
    }
  }

  /** Hex ids as bytes (trace id 16, span id 8); ids are lowercase hex, validated where they were read. */
  hex(fieldTag: number, value: string): void {
    const n = value.length >>> 1;
    this.varint(fieldTag);
    this.varint(n);
    this.ensure(n);
    for (let i = 0; i < 2 * n; i += 2) {
      this.buf[this.pos++] = (nibble(value.charCodeAt(i)) << 4) | nibble(value.charCodeAt(i + 1));
    }
  }

  /** Bytes copied as they are (a field encoded once and kept, e.g. the resource). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** The body written, as a copy of its own; the buffer goes back to be reused by the next Writer. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    if (this.buf.length <= MAX_KEPT_BYTES) spare = this.buf;
    return out;
  }
}
