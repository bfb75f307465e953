// @ts-check
// OTLP/HTTP metrics bodies (ExportMetricsServiceRequest, protobuf or JSON) to the receiver's data points. Sums and
// gauges give a value, explicit-bucket histograms their count, sum, bounds and bucket counts; exponential histograms
// and summaries give their count and sum only. Times are milliseconds since the epoch.
import { attributes, DecodeError, u64 } from "./otlp-decode.js";
import { ExportMetricsServiceRequest } from "./otlp-schema.js";

/** @typedef {import("./span.js").AttrValue} AttrValue */
/**
 * @typedef {{
 *   name: string, unit: string, type: "sum" | "gauge" | "histogram", cumulative: boolean, service: string,
 *   startMs: number, timeMs: number, attributes: Record<string, AttrValue>,
 *   value: number, count: number, sum: number, bounds: number[], counts: number[]
 * }} MetricPoint
 */

/** @param {unknown} v @returns {Record<string, unknown>} */
const rec = (v) => (typeof v === "object" && v !== null && !Array.isArray(v) ? /** @type {Record<string, unknown>} */ (v) : {});
/** @param {unknown} v @returns {unknown[]} */
const list = (v) => (Array.isArray(v) ? v : []);
const ms = (/** @type {unknown} */ ns) => Number(BigInt(u64(ns)) / 1_000_000n);
const num = (/** @type {unknown} */ v) => (typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : 0);
/** AGGREGATION_TEMPORALITY_CUMULATIVE, as a number (protobuf) or its name (JSON may use either). */
const isCumulative = (/** @type {unknown} */ t) => t === 2 || t === "AGGREGATION_TEMPORALITY_CUMULATIVE";

/** @param {Uint8Array} bytes */
export function decodeMetricsProtobuf(bytes) {
  let message;
  try {
    message = ExportMetricsServiceRequest.decode(bytes);
  } catch (err) {
    throw new DecodeError(`invalid protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
  return normalize(ExportMetricsServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number }));
}

/** @param {string} text */
export function decodeMetricsJson(text) {
  let obj;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new DecodeError("invalid JSON: expected an object");
  return normalize(obj);
}

/** One data point of a metric, whatever its type. @returns {MetricPoint} */
function point(/** @type {Record<string, unknown>} */ metric, /** @type {MetricPoint["type"]} */ type, /** @type {boolean} */ cumulative, /** @type {string} */ service, /** @type {unknown} */ raw) {
  const p = rec(raw);
  const value = "asDouble" in p ? num(p.asDouble) : num(p.asInt);
  return {
    name: typeof metric.name === "string" ? metric.name : "",
    unit: typeof metric.unit === "string" ? metric.unit : "",
    type,
    cumulative,
    service,
    startMs: ms(p.startTimeUnixNano),
    timeMs: ms(p.timeUnixNano),
    attributes: attributes(p.attributes),
    value,
    count: type === "histogram" ? num(p.count) : 0,
    sum: type === "histogram" ? num(p.sum) : 0,
    bounds: list(p.explicitBounds).map(num),
    counts: list(p.bucketCounts).map(num),
  };
}

/** @param {Record<string, unknown>} request @returns {{ points: MetricPoint[] }} */
function normalize(request) {
  /** @type {MetricPoint[]} */
  const points = [];
  for (const rmRaw of list(request.resourceMetrics)) {
    const rm = rec(rmRaw);
    const resource = attributes(rec(rm.resource).attributes);
    const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown_service";
    for (const smRaw of list(rm.scopeMetrics)) {
      for (const mRaw of list(rec(smRaw).metrics)) {
        const metric = rec(mRaw);
        /** @type {[string, MetricPoint["type"]][]} */
        const kinds = [["sum", "sum"], ["gauge", "gauge"], ["histogram", "histogram"], ["exponentialHistogram", "histogram"], ["summary", "histogram"]];
        for (const [key, type] of kinds) {
          const data = rec(metric[key]);
          const cumulative = isCumulative(data.aggregationTemporality);
          for (const dp of list(data.dataPoints)) points.push(point(metric, type, cumulative, service, dp));
        }
      }
    }
  }
  return { points };
}
