import { afterEach, describe, expect, it, vi } from "vitest";
import type { ParentContext } from "../../../../src/telemetry/propagation/traceparent";
import { parseTracestate } from "../../../../src/telemetry/propagation/tracestate";

// The compatibility warning of the OpenTelemetry SDK spec ("Compatibility warnings for ProbabilitySampler"): a
// decision on trace-id randomness for a parent without the W3C random flag is logged, once per isolate. Each test
// loads a fresh copy of the sampler module, as a new isolate would.
async function freshDecide() {
  vi.resetModules();
  return (await import("../../../../src/telemetry/propagation/sampler")).decide;
}

const parent = (flags: number): ParentContext => ({
  traceId: "1234567890123456789f000000000000",
  parentId: "1234567890123456",
  flags,
  version: "00",
});
const fail = (): string => {
  throw new Error("a continued trace must not generate a trace id");
};
const untrusted = (percentage: number) => ({ percentage, trustIncoming: false });

function warnings() {
  return vi.spyOn(console, "warn").mockImplementation(() => undefined);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("sampling on presumed trace-id randomness", () => {
  it("warns once per isolate, naming the missing random flag and the fixes", async () => {
    const decide = await freshDecide();
    const warn = warnings();
    for (const flags of [0x00, 0x01, 0x00]) decide(untrusted(50), parent(flags), undefined, fail);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain("random flag");
    expect(message).toContain("W3C Trace Context Level 2");
    expect(message).toContain("ot=rv:");
    expect(message).toContain("once per isolate");
  });

  it("does not warn when the decision does not rest on presumed randomness", async () => {
    const decide = await freshDecide();
    const warn = warnings();
    decide(untrusted(50), parent(0x02), undefined, fail); // the random flag vouches for the trace id
    decide(untrusted(50), parent(0x03), undefined, fail);
    decide(untrusted(50), parent(0x00), parseTracestate("ot=rv:f0000000000000"), fail); // explicit randomness
    decide(untrusted(100), parent(0x00), undefined, fail); // always_on: every R is kept
    decide(untrusted(0), parent(0x00), undefined, fail); // never: no R is kept
    decide({ percentage: 50, trustIncoming: true }, parent(0x01), parseTracestate("ot=th:8"), fail); // parent-based
    decide(untrusted(50), undefined, undefined, () => "1234567890123456789f000000000000"); // our own random id
    expect(warn).not.toHaveBeenCalled();
    // The same module still warns for the case that needs it: the checks above did not use up the one warning.
    decide(untrusted(50), parent(0x00), undefined, fail);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
