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

// OTLP/HTTP JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"): the proto3 JSON mapping
// with lowerCamelCase keys, except that trace and span ids are hex strings and enums are integers. 64-bit integers
// (times, intValue) are decimal strings. Like the protobuf encoder, fields holding their default value (empty
// string, 0) are left out, so both encodings carry exactly the same fields; `links` is left out when empty.

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { arrayValue: { values: JsonAnyValue[] } };

export interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}

/**
 * `double`: the key is typed double in the registry, so a whole number is still a double. Other numbers are int64
 * when they are safe integers (beyond 2^53 a JS number is not exact and may not fit an int64), else doubles.
 */
function scalar(value: string | number | boolean, double: boolean): JsonAnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (!double && Number.isSafeInteger(value)) return { intValue: String(value) };
  // proto3 JSON spells the non-finite doubles as strings.
  return { doubleValue: Number.isFinite(value) ? value : String(value) };
}

function anyValue(value: AttributeValue, double: boolean): JsonAnyValue {
  if (Array.isArray(value)) {
    return { arrayValue: { values: (value as readonly (string | number | boolean)[]).map((v) => scalar(v, double)) } };
  }
  return scalar(value as string | number | boolean, double);
}

/** Attributes as OTLP JSON KeyValues (also the metrics encoder's attributes). */
export function keyValues(attributes: Readonly<Record<string, AttributeValue>>, doubleKeys: ReadonlySet<string>): JsonKeyValue[] {
  const out: JsonKeyValue[] = [];
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out.push({ key, value: anyValue(value, doubleKeys.has(key)) });
  }
  return out;
}

function link(l: SpanLinkData, doubleKeys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { traceId: l.traceId, spanId: l.spanId };
  if (l.traceState) out.traceState = l.traceState;
  out.attributes = keyValues(l.attributes, doubleKeys);
  if (l.droppedAttributesCount !== 0) out.droppedAttributesCount = l.droppedAttributesCount;
  const flags = otlpLinkFlags(l);
  if (flags !== 0) out.flags = flags;
  return out;
}

function span(s: SpanData): Record<string, unknown> {
  const doubleKeys = s.doubleKeys ?? DEFAULT_DOUBLE_KEYS;
  const out: Record<string, unknown> = { traceId: s.traceId, spanId: s.spanId };
  if (s.traceState) out.traceState = s.traceState;
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  const flags = otlpSpanFlags(s);
  if (flags !== 0) out.flags = flags;
  if (s.name) out.name = s.name;
  out.kind = s.kind;
  if (s.startTimeUnixNano !== 0n) out.startTimeUnixNano = s.startTimeUnixNano.toString();
  if (s.endTimeUnixNano !== 0n) out.endTimeUnixNano = s.endTimeUnixNano.toString();
  out.attributes = keyValues(s.attributes, doubleKeys);
  if (s.droppedAttributesCount !== 0) out.droppedAttributesCount = s.droppedAttributesCount;
  out.events = s.events.map((e) => {
    const event: Record<string, unknown> = {};
    if (e.timeUnixNano !== 0n) event.timeUnixNano = e.timeUnixNano.toString();
    if (e.name) event.name = e.name;
    event.attributes = keyValues(e.attributes, doubleKeys);
    if (e.droppedAttributesCount !== 0) event.droppedAttributesCount = e.droppedAttributesCount;
    return event;
  });
  if (s.droppedEventsCount !== 0) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length > 0) out.links = s.links.map((l) => link(l, doubleKeys));
  if (s.droppedLinksCount !== 0) out.droppedLinksCount = s.droppedLinksCount;
  const status: Record<string, unknown> = {};
  if (s.status.message) status.message = s.status.message;
  if (s.status.code !== 0) status.code = s.status.code;
  out.status = status;
  return out;
}

function scopeJson(scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  if (scope.name) out.name = scope.name;
  if (scope.version) out.version = scope.version;
  return out;
}

/** The body of an OTLP/HTTP JSON trace export (`ExportTraceServiceRequest`): one ScopeSpans per scope. */
export function encodeJson(resource: Resource, spans: readonly SpanData[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource.attributes, DEFAULT_DOUBLE_KEYS) },
        scopeSpans: groupByScope(spans).map(([scope, group]) => ({ scope: scopeJson(scope), spans: group.map(span) })),
      },
    ],
  });
}
