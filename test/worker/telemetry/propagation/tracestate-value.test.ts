import { describe, expect, it } from "vitest";
import { parseTracestate } from "../../../../src/telemetry/propagation/tracestate";
import { TraceStateValue } from "../../../../src/telemetry/propagation/tracestate-value";

describe("TraceStateValue (the @opentelemetry/api TraceState view)", () => {
  const entries = parseTracestate("ot=th:0,vendor@=1,a@b@c=2") ?? [];

  it("serializes to the header, and to the string it was given by the caller that already formatted it", () => {
    expect(new TraceStateValue(entries).serialize()).toBe("ot=th:0,vendor@=1,a@b@c=2");
    const given = new TraceStateValue(entries, "ot=th:0,vendor@=1,a@b@c=2");
    expect(given.serialize()).toBe("ot=th:0,vendor@=1,a@b@c=2");
    expect(given.serialize()).toBe(given.serialize());
  });

  it("set/unset return new values serialized from their own members; the original is unchanged", () => {
    const value = new TraceStateValue(entries, "ot=th:0,vendor@=1,a@b@c=2");
    const set = value.set("a@b@c", "3");
    expect(set.serialize()).toBe("a@b@c=3,ot=th:0,vendor@=1");
    expect(set.get("a@b@c")).toBe("3");
    expect(value.unset("ot").serialize()).toBe("vendor@=1,a@b@c=2");
    expect(value.set("@bad", "1").serialize()).toBe("ot=th:0,vendor@=1,a@b@c=2");
    expect(value.serialize()).toBe("ot=th:0,vendor@=1,a@b@c=2");
    expect(value.get("vendor@")).toBe("1");
  });
});
