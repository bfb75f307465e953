import {
  groupByScope,
  isIntValue,
  otlpLinkFlags,
  otlpSpanFlags,
  type AttributeValue,
  type Resource,
  type Scope,
  type SpanData,
  type SpanLinkData,
} from "../sdk/span-data";

// OTLP/HTTP protobuf body (`ExportTraceServiceRequest`) written by hand: the Worker bundle carries no protobuf
// runtime. Field numbers from opentelemetry-proto (collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// common/v1/common.proto, resource/v1/resource.proto). proto3 rules: fields holding their default value are not
// written, except inside the AnyValue oneof.

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const tag = (field: number, wire: number) => (field << 3) | wire;

// Tags of the fields written (field number, wire type).
const T = {
  request_resourceSpans: tag(1, LEN),
  resourceSpans_resource: tag(1, LEN),
  resourceSpans_scopeSpans: tag(2, LEN),
  resource_attributes: tag(1, LEN),
  scopeSpans_scope: tag(1, LEN),
  scopeSpans_spans: tag(2, LEN),
  scope_name: tag(1, LEN),
  scope_version: tag(2, LEN),
  span_traceId: tag(1, LEN),
  span_spanId: tag(2, LEN),
  span_traceState: tag(3, LEN),
  span_parentSpanId: tag(4, LEN),
  span_name: tag(5, LEN),
  span_kind: tag(6, VARINT),
  span_start: tag(7, I64),
  span_end: tag(8, I64),
  span_attributes: tag(9, LEN),
  span_droppedAttributesCount: tag(10, VARINT),
  span_events: tag(11, LEN),
  span_droppedEventsCount: tag(12, VARINT),
  span_links: tag(13, LEN),
  span_droppedLinksCount: tag(14, VARINT),
  span_status: tag(15, LEN),
  span_flags: tag(16, I32),
  event_time: tag(1, I64),
  event_name: tag(2, LEN),
  event_attributes: tag(3, LEN),
  event_droppedAttributesCount: tag(4, VARINT),
  link_traceId: tag(1, LEN),
  link_spanId: tag(2, LEN),
  link_traceState: tag(3, LEN),
  link_attributes: tag(4, LEN),
  link_droppedAttributesCount: tag(5, VARINT),
  link_flags: tag(6, I32),
  status_message: tag(2, LEN),
  status_code: tag(3, VARINT),
  keyValue_key: tag(1, LEN),
  keyValue_value: tag(2, LEN),
  any_string: tag(1, LEN),
  any_bool: tag(2, VARINT),
  any_int: tag(3, VARINT),
  any_double: tag(4, I64),
  any_array: tag(5, LEN),
  array_values: tag(1, LEN),
} as const;

const utf8 = new TextEncoder();

/** One hex digit's value ('0'-'9' = 48-57, 'a'-'f' = 97-102; upper case folded). */
const nibble = (code: number) => (code <= 57 ? code - 48 : (code | 0x20) - 87);
const UINT64 = (1n << 64n) - 1n;

/** A growable byte buffer with the few protobuf primitives the trace messages need. */
class Writer {
  buf = new Uint8Array(4096);
  view = new DataView(this.buf.buffer);
  pos = 0;

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
    this.varint(fieldTag);
    this.ensure(1);
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

  string(fieldTag: number, value: string): void {
    const at = this.begin(fieldTag);
    this.ensure(value.length * 3);
    // Keys and most values are short ASCII: copied here, without a native call and a subarray per string.
    const start = this.pos;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        this.pos = start + utf8.encodeInto(value, this.buf.subarray(start)).written;
        this.end(at);
        return;
      }
      this.buf[this.pos++] = code;
    }
    this.end(at);
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

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function scalar(w: Writer, value: string | number | boolean): void {
  if (typeof value === "string") w.string(T.any_string, value);
  else if (typeof value === "boolean") {
    w.varint(T.any_bool);
    w.varint(value ? 1 : 0);
  } else if (isIntValue(value)) {
    w.varint(T.any_int);
    w.varint(value);
  } else {
    w.varint(T.any_double);
    w.double(value);
  }
}

function attributes(w: Writer, fieldTag: number, attrs: Readonly<Record<string, AttributeValue>>): void {
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined) continue;
    const kv = w.begin(fieldTag);
    w.string(T.keyValue_key, key);
    const any = w.begin(T.keyValue_value);
    if (Array.isArray(value)) {
      const array = w.begin(T.any_array);
      for (const item of value as readonly (string | number | boolean)[]) {
        const element = w.begin(T.array_values);
        scalar(w, item);
        w.end(element);
      }
      w.end(array);
    } else {
      scalar(w, value as string | number | boolean);
    }
    w.end(any);
    w.end(kv);
  }
}

/** A uint32 field, left out when 0 (proto3 default). */
function count(w: Writer, fieldTag: number, value: number): void {
  if (value === 0) return;
  w.varint(fieldTag);
  w.varint(value);
}

function link(w: Writer, l: SpanLinkData): void {
  const at = w.begin(T.span_links);
  w.hex(T.link_traceId, l.traceId);
  w.hex(T.link_spanId, l.spanId);
  if (l.traceState) w.string(T.link_traceState, l.traceState);
  attributes(w, T.link_attributes, l.attributes);
  count(w, T.link_droppedAttributesCount, l.droppedAttributesCount);
  const flags = otlpLinkFlags(l);
  if (flags !== 0) {
    w.varint(T.link_flags);
    w.fixed32(flags);
  }
  w.end(at);
}

function span(w: Writer, s: SpanData): void {
  const at = w.begin(T.scopeSpans_spans);
  w.hex(T.span_traceId, s.traceId);
  w.hex(T.span_spanId, s.spanId);
  if (s.traceState) w.string(T.span_traceState, s.traceState);
  if (s.parentSpanId) w.hex(T.span_parentSpanId, s.parentSpanId);
  if (s.name) w.string(T.span_name, s.name);
  w.varint(T.span_kind);
  w.varint(s.kind);
  if (s.startTimeUnixNano !== 0n) {
    w.varint(T.span_start);
    w.fixed64(s.startTimeUnixNano);
  }
  if (s.endTimeUnixNano !== 0n) {
    w.varint(T.span_end);
    w.fixed64(s.endTimeUnixNano);
  }
  attributes(w, T.span_attributes, s.attributes);
  count(w, T.span_droppedAttributesCount, s.droppedAttributesCount);
  for (const e of s.events) {
    const event = w.begin(T.span_events);
    if (e.timeUnixNano !== 0n) {
      w.varint(T.event_time);
      w.fixed64(e.timeUnixNano);
    }
    if (e.name) w.string(T.event_name, e.name);
    attributes(w, T.event_attributes, e.attributes);
    count(w, T.event_droppedAttributesCount, e.droppedAttributesCount);
    w.end(event);
  }
  count(w, T.span_droppedEventsCount, s.droppedEventsCount);
  for (const l of s.links) link(w, l);
  count(w, T.span_droppedLinksCount, s.droppedLinksCount);
  const status = w.begin(T.span_status);
  if (s.status.message) w.string(T.status_message, s.status.message);
  if (s.status.code !== 0) {
    w.varint(T.status_code);
    w.varint(s.status.code);
  }
  w.end(status);
  const flags = otlpSpanFlags(s);
  if (flags !== 0) {
    w.varint(T.span_flags);
    w.fixed32(flags);
  }
  w.end(at);
}

function scopeSpans(w: Writer, scope: Scope, spans: readonly SpanData[]): void {
  const at = w.begin(T.resourceSpans_scopeSpans);
  const sc = w.begin(T.scopeSpans_scope);
  if (scope.name) w.string(T.scope_name, scope.name);
  if (scope.version) w.string(T.scope_version, scope.version);
  w.end(sc);
  for (const s of spans) span(w, s);
  w.end(at);
}

/** The body of an OTLP/HTTP protobuf trace export (`ExportTraceServiceRequest`): one ScopeSpans per scope. */
export function encodeProtobuf(resource: Resource, spans: readonly SpanData[]): Uint8Array {
  const w = new Writer();
  const resourceSpans = w.begin(T.request_resourceSpans);
  const res = w.begin(T.resourceSpans_resource);
  attributes(w, T.resource_attributes, resource.attributes);
  w.end(res);
  for (const [scope, group] of groupByScope(spans)) scopeSpans(w, scope, group);
  w.end(resourceSpans);
  return w.finish();
}
