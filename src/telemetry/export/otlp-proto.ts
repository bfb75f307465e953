import { DEFAULT_DOUBLE_KEYS } from "../sdk/attribute-types";
import {
  groupByScope,
  otlpLinkFlags,
  otlpSpanFlags,
  type AttributeValue,
  type Resource,
  type Scope,
  type SpanData,
  type SpanLinkData,
} from "../sdk/span-data";
import { Writer } from "./proto-writer";

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

/**
 * `double`: the key is typed double in the registry, so a whole number is still a double. Other numbers are int64
 * when they are safe integers (beyond 2^53 a JS number is not exact and may not fit an int64), else doubles.
 */
function scalar(w: Writer, value: string | number | boolean, double: boolean): void {
  if (typeof value === "string") w.string(T.any_string, value);
  else if (typeof value === "boolean") {
    w.varint(T.any_bool);
    w.varint(value ? 1 : 0);
  } else if (!double && Number.isSafeInteger(value)) {
    w.varint(T.any_int);
    w.varint(value);
  } else {
    w.varint(T.any_double);
    w.double(value);
  }
}

/** Writes `attrs` as repeated KeyValue fields under `fieldTag` (also the metrics encoder's attributes). */
export function writeAttributes(
  w: Writer,
  fieldTag: number,
  attrs: Readonly<Record<string, AttributeValue>>,
  doubleKeys: ReadonlySet<string>,
): void {
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined) continue;
    const double = doubleKeys.has(key);
    const kv = w.begin(fieldTag);
    w.string(T.keyValue_key, key);
    const any = w.begin(T.keyValue_value);
    if (Array.isArray(value)) {
      const array = w.begin(T.any_array);
      for (const item of value as readonly (string | number | boolean)[]) {
        const element = w.begin(T.array_values);
        scalar(w, item, double);
        w.end(element);
      }
      w.end(array);
    } else {
      scalar(w, value as string | number | boolean, double);
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

/** A fixed32 flags field, left out when 0. */
function flagsField(w: Writer, fieldTag: number, flags: number): void {
  if (flags === 0) return;
  w.varint(fieldTag);
  w.fixed32(flags);
}

function link(w: Writer, l: SpanLinkData, doubleKeys: ReadonlySet<string>): void {
  const at = w.begin(T.span_links);
  w.hex(T.link_traceId, l.traceId);
  w.hex(T.link_spanId, l.spanId);
  if (l.traceState) w.string(T.link_traceState, l.traceState);
  writeAttributes(w, T.link_attributes, l.attributes, doubleKeys);
  count(w, T.link_droppedAttributesCount, l.droppedAttributesCount);
  flagsField(w, T.link_flags, otlpLinkFlags(l));
  w.end(at);
}

function span(w: Writer, s: SpanData): void {
  const doubleKeys = s.doubleKeys ?? DEFAULT_DOUBLE_KEYS;
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
  writeAttributes(w, T.span_attributes, s.attributes, doubleKeys);
  count(w, T.span_droppedAttributesCount, s.droppedAttributesCount);
  for (const e of s.events) {
    const event = w.begin(T.span_events);
    if (e.timeUnixNano !== 0n) {
      w.varint(T.event_time);
      w.fixed64(e.timeUnixNano);
    }
    if (e.name) w.string(T.event_name, e.name);
    writeAttributes(w, T.event_attributes, e.attributes, doubleKeys);
    count(w, T.event_droppedAttributesCount, e.droppedAttributesCount);
    w.end(event);
  }
  count(w, T.span_droppedEventsCount, s.droppedEventsCount);
  for (const l of s.links) link(w, l, doubleKeys);
  count(w, T.span_droppedLinksCount, s.droppedLinksCount);
  const status = w.begin(T.span_status);
  if (s.status.message) w.string(T.status_message, s.status.message);
  if (s.status.code !== 0) {
    w.varint(T.status_code);
    w.varint(s.status.code);
  }
  w.end(status);
  flagsField(w, T.span_flags, otlpSpanFlags(s));
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

/**
 * Bytes first reserved per span: the gateway's SERVER and CLIENT spans encode to about 400-600 bytes each, so a batch
 * rarely grows the buffer (each growth copies everything written so far).
 */
const BYTES_PER_SPAN = 640;

// A deliberate isolate cache: a Resource is made once per config (telemetry/settings.ts), so its field is encoded
// once, not on every export; entries go with their Resource.
const encodedResources = new WeakMap<Resource, Uint8Array>();

/** The `resource` field of ResourceSpans (tag, length and attributes), as bytes. */
function resourceField(resource: Resource): Uint8Array {
  let bytes = encodedResources.get(resource);
  if (bytes === undefined) {
    const w = new Writer(1024);
    const res = w.begin(T.resourceSpans_resource);
    writeAttributes(w, T.resource_attributes, resource.attributes, DEFAULT_DOUBLE_KEYS);
    w.end(res);
    bytes = w.finish();
    encodedResources.set(resource, bytes);
  }
  return bytes;
}

/** The body of an OTLP/HTTP protobuf trace export (`ExportTraceServiceRequest`): one ScopeSpans per scope. */
export function encodeProtobuf(resource: Resource, spans: readonly SpanData[]): Uint8Array {
  const field = resourceField(resource);
  const w = new Writer(field.length + 64 + spans.length * BYTES_PER_SPAN);
  const resourceSpans = w.begin(T.request_resourceSpans);
  w.raw(field);
  for (const [scope, group] of groupByScope(spans)) scopeSpans(w, scope, group);
  w.end(resourceSpans);
  return w.finish();
}
