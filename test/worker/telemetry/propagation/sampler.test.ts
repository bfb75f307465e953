import { describe, expect, it } from "vitest";
import { decide, type SamplerConfig } from "../../../../src/telemetry/propagation/sampler";
import { FLAG_RANDOM, FLAG_SAMPLED, type ParentContext } from "../../../../src/telemetry/propagation/traceparent";
import { formatTracestate, parseTracestate, type TraceState } from "../../../../src/telemetry/propagation/tracestate";

const trusted = (percentage: number): SamplerConfig => ({ percentage, trustIncoming: true });
const untrusted = (percentage: number): SamplerConfig => ({ percentage, trustIncoming: false });
const idWithRandomness = (low14: string) => `123456789012345678${low14}`;
const HIGH = "f0000000000000"; // kept at 10% and above
const LOW = "10000000000000"; // dropped below ~93%
const RV_HIGH = "fedcba98765432";

function parent(low14: string, flags: number): ParentContext {
  return { traceId: idWithRandomness(low14), parentId: "1234567890123456", flags, version: "00" };
}
const state = (header: string): TraceState => parseTracestate(header) ?? [];
const fail = (): string => {
  throw new Error("a continued trace must not generate a trace id");
};

describe("decide: new trace (no or invalid parent)", () => {
  it("uses the generated id, sets the random flag, records ot=th when sampled below 100%", () => {
    const d = decide(trusted(10), undefined, undefined, () => idWithRandomness(HIGH));
    expect(d).toEqual({
      sampled: true,
      traceId: idWithRandomness(HIGH),
      flags: FLAG_SAMPLED | FLAG_RANDOM,
      tracestate: [["ot", "th:e666"]],
    });
  });

  it("not sampled: flags 02 (the id is still random) and no tracestate", () => {
    const d = decide(trusted(10), undefined, undefined, () => idWithRandomness(LOW));
    expect(d.sampled).toBe(false);
    expect(d.flags).toBe(FLAG_RANDOM);
    expect(d.tracestate).toEqual([]);
  });

  it("percentage 0: never sampled, flags 02, no th", () => {
    const d = decide(untrusted(0), undefined, undefined, () => idWithRandomness("ffffffffffffff"));
    expect([d.sampled, d.flags, d.tracestate]).toEqual([false, FLAG_RANDOM, []]);
  });

  it("100%: sampled, flags 03, ot=th:0 recorded (100% is a known probability: adjusted count 1)", () => {
    for (const cfg of [untrusted(100), trusted(100)]) {
      const d = decide(cfg, undefined, undefined, () => idWithRandomness(LOW));
      expect([d.sampled, d.flags, d.tracestate]).toEqual([true, FLAG_SAMPLED | FLAG_RANDOM, [["ot", "th:0"]]]);
      expect(formatTracestate(d.tracestate)).toBe("ot=th:0");
    }
    const zero = decide(untrusted(100), undefined, undefined, () => idWithRandomness("00000000000000"));
    expect(formatTracestate(zero.tracestate)).toBe("ot=th:0");
  });

  it("ignores an incoming tracestate (it belongs to the invalid parent), rv included", () => {
    const d = decide(trusted(50), undefined, state(`ot=rv:${RV_HIGH},foo=1`), () => idWithRandomness(LOW));
    expect(d.sampled).toBe(false);
    expect(d.tracestate).toEqual([]);
  });
});

describe("decide: trusted parent (parent-based)", () => {
  it("follows a sampled parent even at 0%, keeping the trace id", () => {
    const d = decide(trusted(0), parent(LOW, FLAG_SAMPLED), undefined, fail);
    expect([d.sampled, d.traceId, d.flags]).toEqual([true, idWithRandomness(LOW), FLAG_SAMPLED]);
  });

  it("follows an unsampled parent even at 100%", () => {
    const d = decide(trusted(100), parent(HIGH, 0), undefined, fail);
    expect([d.sampled, d.flags]).toEqual([false, 0]);
  });

  it("keeps the incoming random bit exactly: set stays set, unset stays unset", () => {
    expect(decide(trusted(50), parent(HIGH, 0x02), undefined, fail).flags).toBe(FLAG_RANDOM);
    expect(decide(trusted(50), parent(HIGH, 0x03), undefined, fail).flags).toBe(FLAG_SAMPLED | FLAG_RANDOM);
    expect(decide(trusted(50), parent(HIGH, 0x01), undefined, fail).flags).toBe(FLAG_SAMPLED);
    expect(decide(trusted(50), parent(HIGH, 0x00), undefined, fail).flags).toBe(0);
  });

  it("drops reserved incoming flag bits", () => {
    expect(decide(trusted(50), parent(HIGH, 0xff), undefined, fail).flags).toBe(FLAG_SAMPLED | FLAG_RANDOM);
    expect(decide(trusted(50), parent(HIGH, 0xfc), undefined, fail).flags).toBe(0);
  });

  it("forwards the tracestate untouched (same members, same order) when th is consistent", () => {
    const incoming = state("foo=1,ot=th:8;rv:aaaaaaaaaaaaaa,bar=2");
    const d = decide(trusted(10), parent(LOW, FLAG_SAMPLED), incoming, fail);
    expect(d.tracestate).toBe(incoming);
  });

  it("erases an inconsistent th (sampled while R < T), keeping rv, moving ot to the left", () => {
    const incoming = state("foo=1,ot=th:e666;rv:10000000000000,bar=2");
    const d = decide(trusted(10), parent(HIGH, FLAG_SAMPLED), incoming, fail);
    expect(formatTracestate(d.tracestate)).toBe("ot=rv:10000000000000,foo=1,bar=2");
  });

  it("erases an inconsistent th computed from the trace id when there is no rv; drops an emptied ot", () => {
    const d = decide(trusted(10), parent(LOW, FLAG_SAMPLED), state("foo=1,ot=th:8"), fail);
    expect(formatTracestate(d.tracestate)).toBe("foo=1");
  });

  it("erases a malformed th on a sampled parent", () => {
    const d = decide(trusted(10), parent(HIGH, FLAG_SAMPLED), state("ot=th:XYZ;p:1"), fail);
    expect(formatTracestate(d.tracestate)).toBe("ot=p:1");
    const empty = decide(trusted(10), parent(HIGH, FLAG_SAMPLED), state("ot=p:1;th:;;x:2"), fail);
    expect(formatTracestate(empty.tracestate)).toBe("ot=p:1;x:2");
  });

  it("an unsampled parent: th removed (a negative decision carries no threshold); rv, other ot fields, vendors kept", () => {
    const d = decide(trusted(100), parent(HIGH, FLAG_RANDOM), state("foo=1,ot=th:8;rv:f0000000000000;x:y,bar=2"), fail);
    expect([d.sampled, d.flags]).toEqual([false, FLAG_RANDOM]);
    expect(formatTracestate(d.tracestate)).toBe("ot=rv:f0000000000000;x:y,foo=1,bar=2");
    // th alone: the emptied ot entry goes, the other vendors stay in order.
    expect(formatTracestate(decide(trusted(10), parent(LOW, 0), state("ot=th:fff,foo=1"), fail).tracestate)).toBe(
      "foo=1",
    );
    // A malformed th on an unsampled parent is removed too.
    expect(formatTracestate(decide(trusted(10), parent(LOW, 0), state("ot=th:XYZ;p:1"), fail).tracestate)).toBe(
      "ot=p:1",
    );
  });

  it("an unsampled parent without th: the tracestate is forwarded untouched", () => {
    const incoming = state("foo=1,ot=rv:f0000000000000");
    expect(decide(trusted(10), parent(LOW, 0), incoming, fail).tracestate).toBe(incoming);
  });

  it("a sampled parent without th: no th is added (its probability is unknown), even at 100%", () => {
    const incoming = state("foo=1");
    expect(decide(trusted(100), parent(LOW, FLAG_SAMPLED), incoming, fail).tracestate).toBe(incoming);
  });

  it("a missing tracestate stays empty", () => {
    expect(decide(trusted(10), parent(LOW, FLAG_SAMPLED), undefined, fail).tracestate).toEqual([]);
  });
});

describe("decide: untrusted parent (own percentage, consistent)", () => {
  it("the parent's sampled flag cannot force sampling", () => {
    expect(decide(untrusted(0), parent(HIGH, 0x03), undefined, fail).sampled).toBe(false);
    const d = decide(untrusted(50), parent(LOW, 0x03), undefined, fail);
    expect([d.sampled, d.flags]).toEqual([false, FLAG_RANDOM]);
  });

  it("samples by the parent's trace id even when the parent did not", () => {
    const d = decide(untrusted(50), parent(HIGH, 0x00), undefined, fail);
    expect([d.sampled, d.traceId, d.flags]).toEqual([true, idWithRandomness(HIGH), FLAG_SAMPLED]);
    expect(formatTracestate(d.tracestate)).toBe("ot=th:8");
  });

  it("flags = own decision | incoming random bit", () => {
    expect(decide(untrusted(50), parent(HIGH, 0x02), undefined, fail).flags).toBe(FLAG_SAMPLED | FLAG_RANDOM);
    expect(decide(untrusted(50), parent(LOW, 0x02), undefined, fail).flags).toBe(FLAG_RANDOM);
    expect(decide(untrusted(50), parent(HIGH, 0x01), undefined, fail).flags).toBe(FLAG_SAMPLED);
  });

  it("uses ot=rv from tracestate instead of the trace id, and never changes rv", () => {
    const high = decide(untrusted(50), parent(LOW, 0), state(`ot=rv:${RV_HIGH}`), fail);
    expect(high.sampled).toBe(true);
    expect(formatTracestate(high.tracestate)).toBe(`ot=th:8;rv:${RV_HIGH}`);
    const low = decide(untrusted(50), parent(HIGH, 0), state("ot=rv:00000000000001"), fail);
    expect(low.sampled).toBe(false);
  });

  it("a malformed rv falls back to the trace id", () => {
    expect(decide(untrusted(50), parent(HIGH, 0), state("ot=rv:zz"), fail).sampled).toBe(true);
    expect(decide(untrusted(50), parent(LOW, 0), state("ot=rv:fffffffffffff"), fail).sampled).toBe(false);
  });

  it("an independent decision: a higher parent th is ignored, our own threshold decides and is written", () => {
    const incoming = state("ot=th:e666,foo=1"); // parent at 10%, ours 50%
    const d = decide(untrusted(50), parent("c0000000000000", 0x01), incoming, fail);
    expect([d.sampled, d.flags]).toEqual([true, FLAG_SAMPLED]);
    expect(formatTracestate(d.tracestate)).toBe("ot=th:8,foo=1");
    const kept = decide(untrusted(50), parent(HIGH, 0x01), incoming, fail);
    expect(formatTracestate(kept.tracestate)).toBe("ot=th:8,foo=1");
  });

  it("always_on (100%, untrusted) always records and samples: a high parent th cannot drop it (issue 12)", () => {
    // traceparent 00-…10000000000000-03 with tracestate ot=th:c: R = 1000… < c000…, but AlwaysOn samples all.
    const d = decide(untrusted(100), parent(LOW, FLAG_SAMPLED | FLAG_RANDOM), state("ot=th:c"), fail);
    expect([d.sampled, d.flags]).toEqual([true, FLAG_SAMPLED | FLAG_RANDOM]);
    expect(formatTracestate(d.tracestate)).toBe("ot=th:0");
    for (const th of ["fffffffffffff", "ffffffffffffff", "8"]) {
      const high = decide(untrusted(100), parent("00000000000000", 0x00), state(`foo=1,ot=th:${th};rv:00000000000000`), fail);
      expect(high.sampled).toBe(true);
      expect(formatTracestate(high.tracestate)).toBe("ot=th:0;rv:00000000000000,foo=1");
    }
  });

  it("the parent's th is replaced by ours, merged into ot keeping its other fields", () => {
    const incoming = state("foo=1,ot=th:4;rv:90000000000000;x:y"); // parent at 75%, ours 50%
    const d = decide(untrusted(50), parent(LOW, 0x01), incoming, fail);
    expect(d.sampled).toBe(true);
    expect(formatTracestate(d.tracestate)).toBe("ot=th:8;rv:90000000000000;x:y,foo=1");
    expect(decide(untrusted(50), parent(HIGH, 0), state("ot=th:4;rv:60000000000000"), fail).sampled).toBe(false);
  });

  it("not sampled: th erased (other ot fields kept)", () => {
    const d = decide(untrusted(10), parent(LOW, 0x01), state("foo=1,ot=th:8;p:3"), fail);
    expect(d.sampled).toBe(false);
    expect(formatTracestate(d.tracestate)).toBe("ot=p:3,foo=1");
  });

  it("100% with no parent th writes th:0 at the left, other vendors kept in order", () => {
    const d = decide(untrusted(100), parent(LOW, 0), state("foo=1,bar=2"), fail);
    expect(d.sampled).toBe(true);
    expect(formatTracestate(d.tracestate)).toBe("ot=th:0,foo=1,bar=2");
  });

  it("an equal parent th leaves the tracestate as it came", () => {
    const incoming = state("foo=1,ot=th:8");
    expect(decide(untrusted(50), parent(HIGH, 0), incoming, fail).tracestate).toBe(incoming);
  });

  it("th is not written when it would make ot longer than 256 characters", () => {
    const long = `x:${"a".repeat(252)}`; // ot value of 254 characters
    const d = decide(untrusted(50), parent(HIGH, 0), state(`ot=${long}`), fail);
    expect(d.sampled).toBe(true);
    expect(formatTracestate(d.tracestate)).toBe(`ot=${long}`);
  });
});
