// @ts-check
// OTLP/HTTP request bodies (protobuf or JSON) to the receiver's span model. Protobuf is decoded with protobufjs
// into the same object shape as OTLP JSON (lowerCamelCase, 64-bit values as decimal strings), except that ids are
// base64 there and hex in JSON; one normalizer then handles both.
import { ExportTraceServiceRequest } from "./otlp-schema.js";

/** @typedef {import("./span.js").Span} Span */
/** @typedef {import("./span.js").AttrValue} AttrValue */
/** @typedef {{ spans: Span[], rejected: number, errors: string[] }} Decoded */

export class DecodeError extends Error {}

/** @param {Uint8Array} bytes */
export function decodeProtobuf(bytes) {
  let message;
  try {
    message = ExportTraceServiceRequest.decode(bytes);
  } catch (err) {
    throw new DecodeError(`invalid protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
  const obj = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number });
  return normalize(obj, "base64");
}

/** @param {string} text */
export function decodeJson(text) {
  let obj;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(obj)) throw new DecodeError("invalid JSON: expected an object");
  return normalize(obj, "hex");
}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** @param {unknown} v @returns {unknown[]} */
const list = (v) => (Array.isArray(v) ? v : []);

/** @param {unknown} v @returns {Record<string, unknown>} */
const rec = (v) => (isRecord(v) ? v : {});

/** @param {unknown} v */
const str = (v) => (typeof v === "string" ? v : "");

/** An id as lowercase hex; "" when absent; null when malformed. */
function id(/** @type {unknown} */ v, /** @type {"hex" | "base64"} */ encoding, /** @type {number} */ bytes) {
  if (v === undefined || v === null || v === "") return "";
  if (typeof v !== "string") return null;
  const hex = encoding === "hex" ? v.toLowerCase() : Buffer.from(v, "base64").toString("hex");
  return hex.length === bytes * 2 && /^[0-9a-f]+$/.test(hex) ? hex : null;
}

/** A 64-bit unsigned value (string, number, or {low, high}) as a decimal string. */
export function u64(/** @type {unknown} */ v) {
  if (typeof v === "string" && /^\d+$/.test(v)) return v;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v)).toString();
  if (isRecord(v) && typeof v.low === "number" && typeof v.high === "number") {
    return ((BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
  }
  return "0";
}

const KIND_BY_NAME = /** @type {Record<string, number>} */ ({
  SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
});
const STATUS_BY_NAME = /** @type {Record<string, number>} */ ({ STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 });

function enumValue(/** @type {unknown} */ v, /** @type {Record<string, number>} */ names) {
  if (typeof v === "number") return v;
  if (typeof v === "string") return names[v] ?? 0;
  return 0;
}

/** @returns {AttrValue} */
function anyValue(/** @type {unknown} */ raw) {
  const v = rec(raw);
  if ("stringValue" in v) return str(v.stringValue);
  if ("boolValue" in v) return v.boolValue === true;
  if ("intValue" in v) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return list(rec(v.arrayValue).values).map(anyValue);
  if ("kvlistValue" in v) return attributes(rec(v.kvlistValue).values);
  if ("bytesValue" in v) return str(v.bytesValue);
  return null;
}

/** @returns {Record<string, AttrValue>} */
export function attributes(/** @type {unknown} */ raw) {
  /** @type {Record<string, AttrValue>} */
  const out = {};
  for (const kv of list(raw)) {
    const { key, value } = rec(kv);
    if (typeof key === "string") out[key] = anyValue(value);
  }
  return out;
}

/**
 * @param {Record<string, unknown>} request an ExportTraceServiceRequest as a plain object
 * @param {"hex" | "base64"} encoding how trace and span ids are written
 * @returns {Decoded}
 */
function normalize(request, encoding) {
  /** @type {Span[]} */
  const spans = [];
  /** @type {string[]} */
  const errors = [];
  let rejected = 0;
  for (const rsRaw of list(request.resourceSpans)) {
    const rs = rec(rsRaw);
    const resource = attributes(rec(rs.resource).attributes);
    const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown_service";
    for (const ssRaw of list(rs.scopeSpans)) {
      const ss = rec(ssRaw);
      const scope = str(rec(ss.scope).name);
      for (const spRaw of list(ss.spans)) {
        const sp = rec(spRaw);
        const traceId = id(sp.traceId, encoding, 16);
        const spanId = id(sp.spanId, encoding, 8);
        const parentSpanId = id(sp.parentSpanId, encoding, 8);
        if (!traceId || !spanId || parentSpanId === null || /^0+$/.test(traceId) || /^0+$/.test(spanId)) {
          rejected++;
          if (errors.length < 3) errors.push(`span "${str(sp.name)}": invalid trace or span id`);
          continue;
        }
        const status = rec(sp.status);
        spans.push({
          traceId,
          spanId,
          parentSpanId,
          traceState: str(sp.traceState),
          name: str(sp.name),
          kind: enumValue(sp.kind, KIND_BY_NAME),
          startNs: u64(sp.startTimeUnixNano),
          endNs: u64(sp.endTimeUnixNano),
          attributes: attributes(sp.attributes),
          events: list(sp.events).map((eRaw) => {
            const e = rec(eRaw);
            return { name: str(e.name), timeNs: u64(e.timeUnixNano), attributes: attributes(e.attributes) };
          }),
          status: { code: enumValue(status.code, STATUS_BY_NAME), message: str(status.message) },
          service,
          scope,
          resource,
        });
      }
    }
  }
  return { spans, rejected, errors };
}
