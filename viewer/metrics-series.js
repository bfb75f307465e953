// @ts-check
// What the Metrics view and `tracegate stats` read from the metric points: per time bucket and per model, the
// requests, errors, tokens, cost and p50/p95 of duration and time to first chunk. Names are the OpenTelemetry GenAI
// metrics (gen_ai.client.operation.duration, gen_ai.client.token.usage, the time-to-first-chunk histogram), with
// http.server.request.duration counting requests when no GenAI duration was sent; cost is any sum or histogram
// whose name contains "cost" (in US dollars: tracegate's own is tracegate.client.cost).

/** @typedef {import("./metrics-decode.js").MetricPoint} MetricPoint */
/**
 * @typedef {{ requests: number, errors: number, inputTokens: number, outputTokens: number, cost: number | null,
 *   p50Ms: number | null, p95Ms: number | null, p50FirstChunkMs: number | null, p95FirstChunkMs: number | null }} Totals
 */

const OPERATION = "gen_ai.client.operation.duration";
const SERVER = "http.server.request.duration";
const TOKENS = "gen_ai.client.token.usage";
const isFirstChunk = (/** @type {string} */ name) => /time_to_first_(chunk|token)$/.test(name);
const isCost = (/** @type {string} */ name) => name.includes("cost");
const toMs = (/** @type {MetricPoint} */ p) => (p.unit === "ms" ? 1 : 1000);

/** The p-th percentile (0..1) of merged explicit-bucket histograms, interpolated within its bucket, in ms. */
function histogramPercentile(/** @type {readonly MetricPoint[]} */ points, /** @type {number} */ q) {
  /** @type {Map<number, number>} upper bound (Infinity for the last) -> count */
  const merged = new Map();
  let total = 0;
  for (const p of points) {
    p.counts.forEach((c, i) => {
      const upper = (p.bounds[i] ?? Infinity) * toMs(p);
      merged.set(upper, (merged.get(upper) ?? 0) + c);
      total += c;
    });
  }
  if (total === 0) return null;
  const target = q * total;
  let seen = 0;
  let lower = 0;
  for (const upper of [...merged.keys()].sort((a, b) => a - b)) {
    const count = merged.get(upper) ?? 0;
    if (count > 0 && seen + count >= target) {
      if (!Number.isFinite(upper)) return lower;
      return lower + ((target - seen) / count) * (upper - lower);
    }
    seen += count;
    lower = upper;
  }
  return lower;
}

/** @param {readonly MetricPoint[]} points @returns {Totals} */
export function totalsOf(points) {
  const operations = points.filter((p) => p.name === OPERATION);
  const requests = operations.length ? operations : points.filter((p) => p.name === SERVER);
  const tokens = points.filter((p) => p.name === TOKENS);
  const tokenSum = (/** @type {string[]} */ types) =>
    tokens.filter((p) => types.includes(String(p.attributes["gen_ai.token.type"]))).reduce((n, p) => n + p.sum, 0);
  const costs = points.filter((p) => isCost(p.name));
  const firstChunks = points.filter((p) => isFirstChunk(p.name));
  return {
    requests: requests.reduce((n, p) => n + p.count, 0),
    errors: requests.filter((p) => p.attributes["error.type"] !== undefined).reduce((n, p) => n + p.count, 0),
    inputTokens: tokenSum(["input", "prompt"]),
    outputTokens: tokenSum(["output", "completion"]),
    cost: costs.length ? costs.reduce((n, p) => n + (p.type === "histogram" ? p.sum : p.value), 0) : null,
    p50Ms: histogramPercentile(requests, 0.5),
    p95Ms: histogramPercentile(requests, 0.95),
    p50FirstChunkMs: histogramPercentile(firstChunks, 0.5),
    p95FirstChunkMs: histogramPercentile(firstChunks, 0.95),
  };
}

/** The model a point is about: `gen_ai.request.model`, else `gen_ai.response.model`; "" for the gateway's own. */
function modelOf(/** @type {MetricPoint} */ p) {
  const model = p.attributes["gen_ai.request.model"] ?? p.attributes["gen_ai.response.model"];
  return typeof model === "string" ? model : "";
}

/**
 * Buckets of `bucketMs` over the points of the last `sinceMs` (all when undefined), oldest first, each with its
 * totals; the window's totals; and per model.
 * @param {readonly MetricPoint[]} points
 * @param {{ bucketMs: number, sinceMs?: number | undefined, now?: number }} options
 */
export function metricSeries(points, options) {
  const now = options.now ?? Date.now();
  const from = options.sinceMs === undefined ? -Infinity : now - options.sinceMs;
  const inWindow = points.filter((p) => p.timeMs >= from);
  /** @type {Map<number, MetricPoint[]>} */
  const byBucket = new Map();
  for (const p of inWindow) {
    const start = Math.floor(p.timeMs / options.bucketMs) * options.bucketMs;
    byBucket.set(start, [...(byBucket.get(start) ?? []), p]);
  }
  /** @type {Map<string, MetricPoint[]>} */
  const byModel = new Map();
  for (const p of inWindow) {
    const model = modelOf(p);
    if (model) byModel.set(model, [...(byModel.get(model) ?? []), p]);
  }
  return {
    bucketMs: options.bucketMs,
    points: inWindow.length,
    buckets: [...byBucket.entries()].sort((a, b) => a[0] - b[0]).map(([startMs, ps]) => ({ startMs, ...totalsOf(ps) })),
    totals: totalsOf(inWindow),
    models: [...byModel.entries()]
      .map(([model, ps]) => ({ model, ...totalsOf(ps) }))
      .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
  };
}
