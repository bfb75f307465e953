// @ts-check
// The metric data points the receiver holds, bounded (oldest dropped first), all as deltas: a cumulative series
// (the OpenTelemetry SDKs' default temporality) is turned into the change since its previous point, so the charts
// read per-interval values whatever the exporter sends. tracegate's Worker exports deltas.

/** @typedef {import("./metrics-decode.js").MetricPoint} MetricPoint */

export const DEFAULT_MAX_POINTS = 50_000;
/** Cumulative series remembered for differencing, at most (a new series past it starts from its total). */
const MAX_SERIES = 10_000;

/** A series' identity: metric name, service, attributes (sorted) and start time. */
function seriesKey(/** @type {MetricPoint} */ p) {
  const attrs = Object.keys(p.attributes).sort().map((k) => `${k}=${JSON.stringify(p.attributes[k])}`);
  return `${p.name}\u0000${p.service}\u0000${attrs.join(",")}\u0000${p.startMs}`;
}

/** @param {MetricPoint} current @param {MetricPoint} previous */
function deltaOf(current, previous) {
  return {
    ...current,
    cumulative: false,
    value: current.type === "gauge" ? current.value : current.value - previous.value,
    count: Math.max(0, current.count - previous.count),
    sum: current.sum - previous.sum,
    counts: current.counts.map((c, i) => Math.max(0, c - (previous.counts[i] ?? 0))),
  };
}

export class MetricStore {
  /** @param {{ maxPoints?: number }} [options] */
  constructor(options = {}) {
    this.maxPoints = Math.max(1, options.maxPoints ?? DEFAULT_MAX_POINTS);
    /** @type {MetricPoint[]} oldest first */
    this.points = [];
    /** @type {Map<string, MetricPoint>} the last cumulative point of each series */
    this.lastCumulative = new Map();
    this.droppedPoints = 0;
  }

  /** Adds decoded points (cumulative ones as deltas); returns how many were stored. */
  add(/** @type {readonly MetricPoint[]} */ points) {
    for (const p of points) {
      if (!p.cumulative) {
        this.points.push(p);
        continue;
      }
      const key = seriesKey(p);
      const previous = this.lastCumulative.get(key);
      if (previous || this.lastCumulative.size < MAX_SERIES) this.lastCumulative.set(key, p);
      this.points.push(previous ? deltaOf(p, previous) : { ...p, cumulative: false });
    }
    const over = this.points.length - this.maxPoints;
    if (over > 0) {
      this.points.splice(0, over);
      this.droppedPoints += over;
    }
    return points.length;
  }

  get size() {
    return this.points.length;
  }
}
