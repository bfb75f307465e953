import type { AttributeValue } from "../sdk/span-data";
import { bucketIndex, type Instrument } from "./instruments";

// Per-isolate aggregation of the instruments (instruments.ts) with delta temporality: each export drains what was
// recorded since the previous one, so nothing is kept across exports and a Worker isolate needs no cumulative state.

export type SeriesAttributes = Readonly<Record<string, AttributeValue>>;

/**
 * A series' attributes, or how to make them: only a series seen for the first time keeps its attributes, so callers
 * on the hot path pass a function and build nothing for the series that already exist.
 */
export type SeriesAttributesSource = SeriesAttributes | (() => SeriesAttributes);

/** An explicit-bucket histogram's state: `buckets` has one more entry than the boundaries (the +Inf bucket). */
export interface HistogramData {
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly buckets: number[];
}

export interface HistogramPoint extends HistogramData {
  readonly attributes: SeriesAttributes;
}

export interface SumPoint {
  readonly attributes: SeriesAttributes;
  value: number;
}

/** One instrument's points of an export interval. */
export interface MetricPoints {
  readonly instrument: Instrument;
  readonly points: readonly (HistogramPoint | SumPoint)[];
}

/** What one drain hands to the encoders: every point shares the interval's start and end (Unix ms). */
export interface MetricBatch {
  readonly startMs: number;
  readonly endMs: number;
  readonly metrics: readonly MetricPoints[];
}

/** The OTel SDK's default cardinality limit per instrument. */
export const DEFAULT_MAX_SERIES = 2000;
/** The attribute set measurements past the limit go to (OTel SDK spec, "Cardinality limits"). */
export const OVERFLOW_ATTRIBUTES: SeriesAttributes = { "otel.metric.overflow": true };
// Real keys are attribute values joined with \u0000, so they never equal this one.
const OVERFLOW_KEY = "\u0001overflow";

/** An empty histogram for `boundaries`. */
export function emptyHistogram(boundaries: readonly number[]): HistogramData {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, buckets: new Array<number>(boundaries.length + 1).fill(0) };
}

/** Adds one measurement to a histogram. */
export function observe(h: HistogramData, boundaries: readonly number[], value: number): void {
  h.count++;
  h.sum += value;
  if (value < h.min) h.min = value;
  if (value > h.max) h.max = value;
  (h.buckets[bucketIndex(boundaries, value)] as number)++;
}

/**
 * The isolate's aggregated measurements. Bounded: at most `maxSeries` distinct attribute sets per instrument; the
 * measurements of any further set go to the `otel.metric.overflow=true` series, so totals stay exact.
 */
export class MetricStore {
  private readonly series = new Map<Instrument, Map<string, HistogramPoint | SumPoint>>();
  private startMs: number;

  constructor(
    private readonly maxSeries: number = DEFAULT_MAX_SERIES,
    now: number = Date.now(),
  ) {
    this.startMs = now;
  }

  /** Nothing recorded since the last drain. */
  get isEmpty(): boolean {
    return this.series.size === 0;
  }

  /**
   * The point of `key` (the attribute values joined, computed once per call by the caller), created with
   * `attributes` when new, or the overflow point when the instrument is at its limit.
   */
  private point(instrument: Instrument, key: string, source: SeriesAttributesSource): HistogramPoint | SumPoint {
    let points = this.series.get(instrument);
    if (!points) this.series.set(instrument, (points = new Map()));
    let point = points.get(key);
    if (point) return point;
    let attributes: SeriesAttributes;
    if (points.size >= this.maxSeries - 1) {
      key = OVERFLOW_KEY;
      attributes = OVERFLOW_ATTRIBUTES;
      point = points.get(key);
      if (point) return point;
    } else {
      attributes = typeof source === "function" ? source() : source;
    }
    point = instrument.boundaries ? { attributes, ...emptyHistogram(instrument.boundaries) } : { attributes, value: 0 };
    points.set(key, point);
    return point;
  }

  /** One measurement: a histogram observation, or an increment of a counter. */
  record(instrument: Instrument, key: string, attributes: SeriesAttributesSource, value: number): void {
    const point = this.point(instrument, key, attributes);
    if ("buckets" in point) observe(point, instrument.boundaries ?? [], value);
    else point.value += value;
  }

  /** Adds a histogram built elsewhere (a stream's chunk gaps, gathered without a lookup per chunk). */
  merge(instrument: Instrument, key: string, attributes: SeriesAttributesSource, data: HistogramData): void {
    if (data.count === 0) return;
    const point = this.point(instrument, key, attributes);
    if (!("buckets" in point)) return;
    point.count += data.count;
    point.sum += data.sum;
    if (data.min < point.min) point.min = data.min;
    if (data.max > point.max) point.max = data.max;
    for (let i = 0; i < point.buckets.length; i++) (point.buckets[i] as number) += data.buckets[i] ?? 0;
  }

  /** Everything recorded since the last drain (delta), and a fresh interval from `now`. */
  drain(now: number = Date.now()): MetricBatch {
    const metrics: MetricPoints[] = [];
    for (const [instrument, points] of this.series) metrics.push({ instrument, points: [...points.values()] });
    const batch = { startMs: this.startMs, endMs: now, metrics };
    this.series.clear();
    this.startMs = now;
    return batch;
  }
}
