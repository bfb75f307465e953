import { describe, expect, it } from "vitest";
import { CLIENT_COST, OPERATION_DURATION, TOKEN_USAGE } from "../../../../src/telemetry/metrics/instruments";
import { emptyHistogram, MetricStore, observe, OVERFLOW_ATTRIBUTES } from "../../../../src/telemetry/metrics/store";

describe("MetricStore (per-isolate aggregation)", () => {
  it("aggregates by attribute set and drains deltas: a second drain starts where the first ended, empty", () => {
    const store = new MetricStore(2000, 1000);
    store.record(OPERATION_DURATION, "a", { model: "a" }, 0.5);
    store.record(OPERATION_DURATION, "a", { model: "a" }, 1.5);
    store.record(OPERATION_DURATION, "b", { model: "b" }, 0.01);
    store.record(CLIENT_COST, "a", { model: "a" }, 0.25);
    store.record(CLIENT_COST, "a", { model: "a" }, 0.5);
    const first = store.drain(2000);
    expect(first.startMs).toBe(1000);
    expect(first.endMs).toBe(2000);
    const durations = first.metrics.find((m) => m.instrument === OPERATION_DURATION)!.points;
    expect(durations).toHaveLength(2);
    expect(durations[0]).toMatchObject({ attributes: { model: "a" }, count: 2, sum: 2, min: 0.5, max: 1.5 });
    expect(first.metrics.find((m) => m.instrument === CLIENT_COST)!.points).toEqual([{ attributes: { model: "a" }, value: 0.75 }]);
    expect(store.isEmpty).toBe(true);
    store.record(CLIENT_COST, "a", { model: "a" }, 1);
    const second = store.drain(3000);
    expect(second.startMs).toBe(2000);
    expect(second.metrics).toEqual([{ instrument: CLIENT_COST, points: [{ attributes: { model: "a" }, value: 1 }] }]);
  });

  it("caps distinct attribute sets per instrument; the rest go to otel.metric.overflow=true, totals exact", () => {
    const store = new MetricStore(5, 0);
    for (let i = 0; i < 50; i++) store.record(TOKEN_USAGE, `k${i}`, { client: `c${i}` }, 10);
    store.record(TOKEN_USAGE, "k0", { client: "c0" }, 10);
    const [metric] = store.drain(1).metrics;
    const points = metric!.points as readonly { attributes: unknown; count: number; sum: number }[];
    expect(points).toHaveLength(5);
    const overflow = points.find((p) => p.attributes === OVERFLOW_ATTRIBUTES)!;
    expect(overflow.count).toBe(46);
    expect(points.find((p) => (p.attributes as { client?: string }).client === "c0")!.count).toBe(2);
    expect(points.reduce((n, p) => n + p.sum, 0)).toBe(510);
  });

  it("merges a histogram gathered elsewhere (a stream's chunk gaps) into its series", () => {
    const store = new MetricStore(2000, 0);
    const gaps = emptyHistogram(OPERATION_DURATION.boundaries!);
    for (const v of [0.005, 0.03, 0.03, 100]) observe(gaps, OPERATION_DURATION.boundaries!, v);
    store.merge(OPERATION_DURATION, "k", {}, gaps);
    store.merge(OPERATION_DURATION, "k", {}, gaps);
    store.merge(OPERATION_DURATION, "k", {}, emptyHistogram(OPERATION_DURATION.boundaries!));
    const point = store.drain(1).metrics[0]!.points[0] as { count: number; min: number; max: number; buckets: number[] };
    expect(point.count).toBe(8);
    expect(point.min).toBe(0.005);
    expect(point.max).toBe(100);
    expect(point.buckets[0]).toBe(2);
    expect(point.buckets[2]).toBe(4);
    expect(point.buckets[14]).toBe(2);
  });
});
