import { describe, expect, it } from "vitest";
import { newTraceId } from "../../../../src/telemetry/sdk/ids";
import { decide, samplerFromEnv, thresholdFor, type SamplerConfig } from "../../../../src/telemetry/propagation/sampler";

const fresh = (percentage: number): SamplerConfig => ({ percentage, trustIncoming: true });
/** A trace id whose low 56 bits are the given 14 hex digits. */
const idWithRandomness = (low14: string) => `123456789012345678${low14}`;

describe("thresholdFor", () => {
  it("gives the spec's table with 4 digits of precision (raised by leading f digits)", () => {
    expect(thresholdFor(100)).toBe("0");
    expect(thresholdFor(50)).toBe("8");
    expect(thresholdFor(25)).toBe("c");
    expect(thresholdFor(10)).toBe("e666");
    expect(thresholdFor(1)).toBe("fd70a");
    expect(thresholdFor(0.1)).toBe("ffbe77");
  });

  it("matches the rest of the spec's precision-4 column (1-in-3 ... 1-in-1,000,000)", () => {
    expect(thresholdFor(100 / 3)).toBe("aaab");
    expect(thresholdFor(20)).toBe("cccd");
    expect(thresholdFor(12.5)).toBe("e");
    expect(thresholdFor(6.25)).toBe("f");
    expect(thresholdFor(0.01)).toBe("fff9724");
    expect(thresholdFor(0.001)).toBe("ffff583a");
    expect(thresholdFor(0.0001)).toBe("ffffef39");
  });

  it("approximates (1 - p) * 2^56", () => {
    for (const pct of [99.9, 90, 75, 60, 33, 5, 2.5, 0.5]) {
      const th = thresholdFor(pct);
      expect(th).toMatch(/^[0-9a-f]{1,14}$/);
      expect(th.endsWith("0")).toBe(false);
      const rejected = parseInt(th.padEnd(14, "0"), 16) / 2 ** 56;
      expect(Math.abs(rejected - (1 - pct / 100))).toBeLessThan(pct / 100 / 1000 + 2 ** -16);
    }
  });

  it("percentage 0 (or below, or NaN) has no threshold: ''", () => {
    expect(thresholdFor(0)).toBe("");
    expect(thresholdFor(-5)).toBe("");
    expect(thresholdFor(Number.NaN)).toBe("");
  });

  it("over 100 is 100%", () => {
    expect(thresholdFor(150)).toBe("0");
  });

  it("a threshold so close to 100% that its digits round to zero is th 0", () => {
    expect(thresholdFor(99.999999)).toBe("0");
  });
});

describe("decide: keep iff R >= T at the boundary", () => {
  const at = (percentage: number, low14: string) =>
    decide(fresh(percentage), undefined, undefined, () => idWithRandomness(low14)).sampled;

  it("R == T is kept, R one below T is dropped (50%: th 8)", () => {
    expect(at(50, "80000000000000")).toBe(true);
    expect(at(50, "7fffffffffffff")).toBe(false);
  });

  it("R == T is kept, R one below T is dropped (10%: th e666)", () => {
    expect(at(10, "e6660000000000")).toBe(true);
    expect(at(10, "e665ffffffffff")).toBe(false);
  });

  it("only the low 56 bits count: the high 18 digits are ignored", () => {
    expect(decide(fresh(50), undefined, undefined, () => `ffffffffffffffffff${"0".repeat(14)}`).sampled).toBe(false);
    expect(decide(fresh(50), undefined, undefined, () => `000000000000000001${"f".repeat(14)}`).sampled).toBe(true);
  });

  it("100% keeps R = 0; 0% drops R = max", () => {
    expect(at(100, "00000000000000")).toBe(true);
    expect(at(0, "ffffffffffffff")).toBe(false);
  });
});

describe("decide: kept fraction over 20,000 random trace ids", () => {
  const N = 20_000;
  const keptOf = (percentage: number) => {
    let kept = 0;
    for (let i = 0; i < N; i++) if (decide(fresh(percentage), undefined, undefined, newTraceId).sampled) kept++;
    return kept;
  };

  for (const pct of [10, 25, 50]) {
    it(`${pct}% within 5 sigma`, () => {
      const p = pct / 100;
      const sigma = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(keptOf(pct) - N * p)).toBeLessThan(5 * sigma);
    });
  }

  it("0% keeps none", () => {
    expect(keptOf(0)).toBe(0);
  });

  it("100% keeps all", () => {
    expect(keptOf(100)).toBe(N);
  });

  it("decisions are consistent: kept at 10% implies kept at 25% implies kept at 50%", () => {
    for (let i = 0; i < 2000; i++) {
      const id = newTraceId();
      const kept = [10, 25, 50].map((pct) => decide(fresh(pct), undefined, undefined, () => id).sampled);
      if (kept[0]) expect(kept[1]).toBe(true);
      if (kept[1]) expect(kept[2]).toBe(true);
    }
  });
});

describe("samplerFromEnv (OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG)", () => {
  const configured: SamplerConfig = { percentage: 7, trustIncoming: true };

  it("unset or empty: the configured value", () => {
    expect(samplerFromEnv(undefined, undefined, configured)).toBe(configured);
    expect(samplerFromEnv("", "0.5", configured)).toBe(configured);
    expect(samplerFromEnv(undefined, undefined, undefined)).toBeUndefined();
  });

  it("maps each standard sampler; env wins over config", () => {
    expect(samplerFromEnv("always_on", undefined, configured)).toEqual({ percentage: 100, trustIncoming: false });
    expect(samplerFromEnv("always_off", undefined, configured)).toEqual({ percentage: 0, trustIncoming: false });
    expect(samplerFromEnv("traceidratio", "0.25", configured)).toEqual({ percentage: 25, trustIncoming: false });
    expect(samplerFromEnv("parentbased_always_on", undefined, configured)).toEqual({
      percentage: 100,
      trustIncoming: true,
    });
    expect(samplerFromEnv("parentbased_always_off", undefined, configured)).toEqual({
      percentage: 0,
      trustIncoming: true,
    });
    expect(samplerFromEnv("parentbased_traceidratio", "0.1", undefined)).toEqual({
      percentage: 10,
      trustIncoming: true,
    });
  });

  it("the ratio samplers default to 1.0 without an argument; the others ignore it", () => {
    expect(samplerFromEnv("traceidratio", undefined, configured)).toEqual({ percentage: 100, trustIncoming: false });
    expect(samplerFromEnv("parentbased_traceidratio", " ", configured)).toEqual({
      percentage: 100,
      trustIncoming: true,
    });
    expect(samplerFromEnv("parentbased_always_on", "0.5", configured)).toEqual({
      percentage: 100,
      trustIncoming: true,
    });
  });

  it("accepts the argument's bounds 0 and 1, and names in any case with whitespace", () => {
    expect(samplerFromEnv("traceidratio", "0", configured)).toEqual({ percentage: 0, trustIncoming: false });
    expect(samplerFromEnv("traceidratio", "1", configured)).toEqual({ percentage: 100, trustIncoming: false });
    expect(samplerFromEnv(" ParentBased_TraceIdRatio ", " 0.5 ", configured)).toEqual({
      percentage: 50,
      trustIncoming: true,
    });
  });

  it("invalid values are ignored: the configured value", () => {
    expect(samplerFromEnv("jaeger_remote", undefined, configured)).toBe(configured);
    expect(samplerFromEnv("sometimes", undefined, undefined)).toBeUndefined();
    for (const arg of ["1.5", "-0.1", "abc", "NaN", "Infinity"]) {
      expect(samplerFromEnv("traceidratio", arg, configured)).toBe(configured);
    }
  });
});
