// An OTLP/HTTP success answer may say that part of the export was refused (`ExportTraceServiceResponse.partial_success`,
// opentelemetry-proto collector/trace/v1/trace_service.proto): `rejected_spans` (int64) and `error_message`. A
// message with 0 rejected spans is a warning. This reads it from either encoding; anything malformed is ignored
// (the export itself succeeded).

export interface PartialSuccess {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** Bodies larger than this are not a collector's answer to a trace export: not parsed. */
const MAX_RESPONSE_BYTES = 64 * 1024;

function fromJson(body: Uint8Array): PartialSuccess | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
  const partial = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).partialSuccess : undefined;
  if (typeof partial !== "object" || partial === null) return undefined;
  const { rejectedSpans, errorMessage } = partial as Record<string, unknown>;
  // proto3 JSON writes int64 as a decimal string; numbers are accepted too.
  const rejected = typeof rejectedSpans === "string" && /^\d{1,15}$/.test(rejectedSpans) ? Number(rejectedSpans) : rejectedSpans;
  return {
    rejectedSpans: typeof rejected === "number" && Number.isSafeInteger(rejected) && rejected > 0 ? rejected : 0,
    errorMessage: typeof errorMessage === "string" ? errorMessage : "",
  };
}

/** A minimal protobuf reader over the two nested messages; throws on anything out of bounds. */
class Reader {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    readonly end: number = bytes.length,
  ) {}

  varint(): number {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      if (this.pos >= this.end || shift > 2 ** 63) throw new RangeError("bad varint");
      const byte = this.bytes[this.pos++] ?? 0;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  }

  /** The extent of a length-delimited field, skipped over. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) throw new RangeError("bad length");
    this.pos += length;
    return [start, start + length];
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.span();
    else if (wire === 5) this.pos += 4;
    else throw new RangeError("unsupported wire type");
    if (this.pos > this.end) throw new RangeError("truncated");
  }
}

function fromProtobuf(body: Uint8Array): PartialSuccess | undefined {
  try {
    const outer = new Reader(body);
    let result: PartialSuccess | undefined;
    while (outer.pos < outer.end) {
      const key = outer.varint();
      if (key !== ((1 << 3) | 2)) {
        outer.skip(key & 7);
        continue;
      }
      const [start, end] = outer.span();
      const inner = new Reader(body, end);
      inner.pos = start;
      let rejectedSpans = 0;
      let errorMessage = "";
      while (inner.pos < inner.end) {
        const field = inner.varint();
        if (field === ((1 << 3) | 0)) {
          const value = inner.varint();
          rejectedSpans = Number.isSafeInteger(value) ? value : 0; // a negative int64 is 10 bytes: not a count
        } else if (field === ((2 << 3) | 2)) {
          const [from, to] = inner.span();
          errorMessage = new TextDecoder().decode(body.subarray(from, to));
        } else {
          inner.skip(field & 7);
        }
      }
      result = { rejectedSpans, errorMessage };
    }
    return result;
  } catch {
    return undefined;
  }
}

/**
 * The partial success in a 2xx answer's body, if any: read as JSON or protobuf by the answer's Content-Type, else
 * as the request was sent. Undefined when there is none, or it says nothing (no rejected span, no message).
 */
export function partialSuccessOf(body: Uint8Array, contentType: string | null, sentJson: boolean): PartialSuccess | undefined {
  if (body.length === 0 || body.length > MAX_RESPONSE_BYTES) return undefined;
  const type = contentType?.toLowerCase() ?? "";
  const json = type.includes("json") ? true : type.includes("protobuf") ? false : sentJson;
  const partial = json ? fromJson(body) : fromProtobuf(body);
  if (!partial || (partial.rejectedSpans === 0 && partial.errorMessage === "")) return undefined;
  return partial;
}
