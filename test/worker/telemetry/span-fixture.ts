import type { Scope, SpanData } from "../../../src/telemetry/sdk/span-data";

/** The scope the fixtures' spans share (one object, as a tracer's spans do). */
export const TEST_SCOPE: Scope = { name: "tracegate", version: "0.1.0" };

/** A finished SERVER span with nothing dropped, for export and buffer tests; `overrides` replace any field. */
export function spanData(overrides: Partial<SpanData> = {}): SpanData {
  return {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    parentSpanId: undefined,
    traceState: undefined,
    flags: 1,
    parentIsRemote: undefined,
    name: "span",
    kind: 2,
    startTimeUnixNano: 1_761_000_000_000_000_000n,
    endTimeUnixNano: 1_761_000_000_500_000_000n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0 },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    scope: TEST_SCOPE,
    ...overrides,
  };
}
