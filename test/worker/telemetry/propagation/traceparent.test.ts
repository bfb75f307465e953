import { describe, expect, it } from "vitest";
import { newSpanId, newTraceId } from "../../../../src/telemetry/sdk/ids";
import {
  FLAG_RANDOM,
  FLAG_SAMPLED,
  formatTraceparent,
  parseTraceparent,
  trimOws,
} from "../../../../src/telemetry/propagation/traceparent";

// The ids used throughout w3c/trace-context test/test.py.
const TRACE = "12345678901234567890123456789012";
const PARENT = "1234567890123456";
const VALID = `00-${TRACE}-${PARENT}-01`;

/** What the gateway sees: the header as `Headers.get()` returns it (names case-insensitive, repeats joined). */
function incoming(...pairs: [string, string][]): string | null {
  return new Headers(pairs).get("traceparent");
}

describe("parseTraceparent: valid headers (test.py)", () => {
  it("parses version 00 into its fields, flags as received", () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1, version: "00" });
  });

  it("missing header -> undefined (start a new trace)", () => {
    expect(parseTraceparent(null)).toBeUndefined();
    expect(parseTraceparent(incoming())).toBeUndefined();
  });

  it("keeps every incoming flag bit (flags 00, 02, 03, ff)", () => {
    for (const [hex, n] of [["00", 0], ["02", 2], ["03", 3], ["ff", 255]] as const) {
      expect(parseTraceparent(`00-${TRACE}-${PARENT}-${hex}`)?.flags).toBe(n);
    }
  });

  it("header name in any case: TraceParent, TrAcEpArEnT, TRACEPARENT (test_traceparent_header_name_valid_casing)", () => {
    for (const name of ["TraceParent", "TrAcEpArEnT", "TRACEPARENT"]) {
      expect(parseTraceparent(incoming([name, VALID]))?.traceId).toBe(TRACE);
    }
  });

  it("other header names are other headers: trace-parent, trace.parent (test_traceparent_header_name)", () => {
    expect(parseTraceparent(incoming(["trace-parent", VALID]))).toBeUndefined();
    expect(parseTraceparent(incoming(["trace.parent", VALID]))).toBeUndefined();
  });

  it("leading/trailing spaces and tabs are optional whitespace (test_traceparent_ows_handling)", () => {
    for (const v of [` ${VALID}`, `\t${VALID}`, `${VALID} `, `${VALID}\t`, `\t ${VALID} \t`]) {
      expect(parseTraceparent(v)?.traceId).toBe(TRACE);
    }
  });

  it("future version cc is parsed by its first four fields, with or without -extra fields (test_traceparent_version_0xcc)", () => {
    expect(parseTraceparent(`cc-${TRACE}-${PARENT}-01`)).toEqual({
      traceId: TRACE,
      parentId: PARENT,
      flags: 1,
      version: "cc",
    });
    expect(parseTraceparent(`cc-${TRACE}-${PARENT}-01-what-the-future-will-be-like`)?.traceId).toBe(TRACE);
  });
});

describe("parseTraceparent: invalid headers restart the trace (test.py)", () => {
  const first = `00-12345678901234567890123456789011-${PARENT}-01`;
  const joined = incoming(["traceparent", first], ["traceparent", VALID]) ?? "";

  it("workerd joins repeated traceparent headers with \", \"", () => {
    expect(joined).toBe(`${first}, ${VALID}`);
  });

  const invalid: [rule: string, value: string][] = [
    ["two traceparent headers arrive joined (test_traceparent_duplicated)", joined],
    ["version 00 with a trailing character (test_traceparent_version_0x00)", `${VALID}.`],
    ["version 00 with extra fields (test_traceparent_version_0x00)", `${VALID}-what-the-future-will-be-like`],
    ["future version followed by a non-dash (test_traceparent_version_0xcc)", `cc-${TRACE}-${PARENT}-01.what-the-future-will-be-like`],
    ["version ff (test_traceparent_version_0xff)", `ff-${TRACE}-${PARENT}-01`],
    ["illegal character in version .0", `.0-${TRACE}-${PARENT}-01`],
    ["illegal character in version 0.", `0.-${TRACE}-${PARENT}-01`],
    ["version of 3 digits", `000-${TRACE}-${PARENT}-01`],
    ["version of 4 digits", `0000-${TRACE}-${PARENT}-01`],
    ["version of 1 digit", `0-${TRACE}-${PARENT}-01`],
    ["all-zero trace-id", `00-00000000000000000000000000000000-${PARENT}-01`],
    ["illegal character at the start of trace-id", `00-.2345678901234567890123456789012-${PARENT}-01`],
    ["illegal character at the end of trace-id", `00-1234567890123456789012345678901.-${PARENT}-01`],
    ["trace-id of 33 digits", `00-123456789012345678901234567890123-${PARENT}-01`],
    ["trace-id of 31 digits", `00-1234567890123456789012345678901-${PARENT}-01`],
    ["all-zero parent-id", `00-${TRACE}-0000000000000000-01`],
    ["illegal character at the start of parent-id", `00-${TRACE}-.234567890123456-01`],
    ["illegal character at the end of parent-id", `00-${TRACE}-123456789012345.-01`],
    ["parent-id of 17 digits", `00-${TRACE}-12345678901234567-01`],
    ["parent-id of 15 digits", `00-${TRACE}-123456789012345-01`],
    ["illegal character in flags .0", `00-${TRACE}-${PARENT}-.0`],
    ["illegal character in flags 0.", `00-${TRACE}-${PARENT}-0.`],
    ["flags of 3 digits", `00-${TRACE}-${PARENT}-001`],
    ["flags of 1 digit", `00-${TRACE}-${PARENT}-1`],
    ["uppercase hex in trace-id", `00-1234567890123456789012345678901A-${PARENT}-01`],
    ["uppercase hex in parent-id", `00-${TRACE}-ABCDEF7890123456-01`],
    ["uppercase hex in version", `0A-${TRACE}-${PARENT}-01`],
    ["uppercase hex in flags", `00-${TRACE}-${PARENT}-0A`],
    ["future version shorter than 55 characters", `cc-${TRACE}-${PARENT}-1`],
    ["empty value", ""],
    ["whitespace only", " \t "],
    ["inner whitespace", `00-${TRACE} -${PARENT}-01`],
    ["newline is not optional whitespace", `${VALID}\n`],
  ];
  for (const [rule, value] of invalid) {
    it(rule, () => {
      expect(parseTraceparent(value)).toBeUndefined();
    });
  }
});

describe("formatTraceparent", () => {
  it("writes version 00 with the given ids and flags", () => {
    expect(formatTraceparent(TRACE, PARENT, 0)).toBe(`00-${TRACE}-${PARENT}-00`);
    expect(formatTraceparent(TRACE, PARENT, FLAG_SAMPLED)).toBe(`00-${TRACE}-${PARENT}-01`);
    expect(formatTraceparent(TRACE, PARENT, FLAG_RANDOM)).toBe(`00-${TRACE}-${PARENT}-02`);
    expect(formatTraceparent(TRACE, PARENT, FLAG_SAMPLED | FLAG_RANDOM)).toBe(`00-${TRACE}-${PARENT}-03`);
  });

  it("sends only the sampled and random bits; reserved bits are zeroed", () => {
    expect(formatTraceparent(TRACE, PARENT, 0xff)).toBe(`00-${TRACE}-${PARENT}-03`);
    expect(formatTraceparent(TRACE, PARENT, 0x09)).toBe(`00-${TRACE}-${PARENT}-01`);
    expect(formatTraceparent(TRACE, PARENT, 0x04)).toBe(`00-${TRACE}-${PARENT}-00`);
  });

  it("downgrades a future version to 00 (its extra fields are not forwarded)", () => {
    const parent = parseTraceparent(`cc-${TRACE}-${PARENT}-03-extra`);
    expect(parent && formatTraceparent(parent.traceId, "0102030405060708", parent.flags)).toBe(
      `00-${TRACE}-0102030405060708-03`,
    );
  });

  it("round-trips through parseTraceparent", () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    expect(parseTraceparent(formatTraceparent(traceId, spanId, 3))).toEqual({
      traceId,
      parentId: spanId,
      flags: 3,
      version: "00",
    });
  });
});

describe("trimOws", () => {
  it("strips only spaces and tabs from both ends", () => {
    expect(trimOws(" \t a b \t ")).toBe("a b");
    expect(trimOws("\na\n")).toBe("\na\n");
    expect(trimOws("")).toBe("");
    expect(trimOws(" \t")).toBe("");
  });
});

describe("ids", () => {
  it("newTraceId: 32 lowercase hex digits, not all zero, different each call", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newTraceId();
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(id).not.toBe("0".repeat(32));
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });

  it("newSpanId: 16 lowercase hex digits, not all zero, different each call", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newSpanId();
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(id).not.toBe("0".repeat(16));
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });

  it("newTraceId: every hex position is random, including the high half and the low 56 bits (Level 2)", () => {
    // Each of the 32 positions should take many of the 16 digits over 2,000 ids (a constant position would not).
    const seen = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...newTraceId()].forEach((c, pos) => seen[pos]?.add(c));
    for (const digits of seen) expect(digits.size).toBe(16);
  });

  it("trace and span ids drawn in turn stay well-formed and distinct across refills of the random pool", () => {
    // 24 bytes a pair does not divide the pool, so draws straddle its end and must start on fresh bytes.
    const ids = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const span = newSpanId();
      const traceId = newTraceId();
      expect(span).toMatch(/^[0-9a-f]{16}$/);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId.includes(span)).toBe(false);
      ids.add(span).add(traceId);
    }
    expect(ids.size).toBe(1000);
  });

  it("ids are valid in a traceparent", () => {
    expect(parseTraceparent(formatTraceparent(newTraceId(), newSpanId(), 1))).toBeDefined();
  });
});
