import { describe, expect, it } from "vitest";
import type { KeepRules } from "../../../../src/config/types";
import { HeldSpanBudget } from "../../../../src/telemetry/keep/held-spans";
import { keptSpans } from "../../../../src/telemetry/keep/rules";
import { estimateSpanBytes } from "../../../../src/telemetry/sdk/span-buffer";
import { SpanRecorder } from "../../../../src/telemetry/sdk/tracer";
import { TelemetryLosses } from "../../../../src/telemetry/sdk/losses";
import { spanData } from "../span-fixture";

const NONE: KeepRules = { errors: false, slowerThanMs: undefined, costlierThanUsd: undefined, fallbacks: false };
const server = (ms: number, error = false) =>
  spanData({ kind: 2, endTimeUnixNano: 1_761_000_000_000_000_000n + BigInt(ms) * 1_000_000n, status: { code: error ? 2 : 0 } });
const call = (attributes: Record<string, string | number> = {}) => spanData({ kind: 3, spanId: "00f067aa0ba902b8", attributes });
const reasons = (rules: Partial<KeepRules>, spans: ReturnType<typeof spanData>[]) =>
  keptSpans({ ...NONE, ...rules }, spans).map((s) => s.attributes["tracegate.sampling.reason"]);

describe("keep rules", () => {
  it("costlier_than_usd sums the calls' cost attribute; calls without a price add nothing", () => {
    const spans = () => [call({ "gen_ai.usage.cost": 0.03 }), call({ "gen_ai.usage.cost": 0.03 }), call(), server(10)];
    expect(reasons({ costlierThanUsd: 0.05 }, spans())).toEqual(["costly", "costly", "costly", "costly"]);
    expect(reasons({ costlierThanUsd: 0.1 }, spans())).toEqual([]);
  });

  it("slower_than_ms compares the SERVER span's duration, strictly", () => {
    expect(reasons({ slowerThanMs: 100 }, [call(), server(101)])).toEqual(["slow", "slow"]);
    expect(reasons({ slowerThanMs: 100 }, [call(), server(100)])).toEqual([]);
  });

  it("one reason per request, in the order error, fallback, slow, costly; rules switched off never match", () => {
    const failedSlowFallback = () => [call({ "tracegate.fallback.reason": "500", "gen_ai.usage.cost": 1 }), server(500, true)];
    const all = { errors: true, fallbacks: true, slowerThanMs: 1, costlierThanUsd: 0.5 };
    expect(reasons(all, failedSlowFallback())).toEqual(["error", "error"]);
    expect(reasons({ ...all, errors: false }, failedSlowFallback())).toEqual(["fallback", "fallback"]);
    expect(reasons({ ...all, errors: false, fallbacks: false }, failedSlowFallback())).toEqual(["slow", "slow"]);
    expect(reasons({ costlierThanUsd: 0.5 }, failedSlowFallback())).toEqual(["costly", "costly"]);
    expect(reasons({}, failedSlowFallback())).toEqual([]);
  });
});

describe("held spans", () => {
  it("are bounded per isolate by count and bytes; a request gives its share back once, kept or not", () => {
    const span = spanData();
    const size = estimateSpanBytes(span);
    const budget = new HeldSpanBudget(3, size * 10);
    const losses = new TelemetryLosses();
    const first = budget.forRequest();
    const second = budget.forRequest();
    const a = new SpanRecorder(undefined, losses, first);
    const b = new SpanRecorder(undefined, losses, second);
    a.ended(span);
    a.ended(span);
    b.ended(span);
    b.ended(span);
    expect([a.spans.length, b.spans.length, losses.spansHeldOverBudget]).toEqual([2, 1, 1]);
    expect(budget.held).toEqual({ spans: 3, bytes: 3 * size });
    first.release();
    first.release();
    expect(budget.held).toEqual({ spans: 1, bytes: size });
    b.ended(span);
    expect(b.spans).toHaveLength(2);

    const bytesBound = new HeldSpanBudget(100, size * 2 - 1).forRequest();
    expect([bytesBound.hold(span), bytesBound.hold(span)]).toEqual([true, false]);
  });
});
