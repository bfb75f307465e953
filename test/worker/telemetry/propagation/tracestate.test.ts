import { describe, expect, it } from "vitest";
import {
  deleteTracestateEntry,
  formatTracestate,
  getTracestateEntry,
  parseTracestate,
  setTracestateEntry,
  type TraceState,
} from "../../../../src/telemetry/propagation/tracestate";

/** The header as the gateway sees it: `Headers.get()` combines repeated headers in order, names any case. */
function incoming(...pairs: [string, string][]): string | null {
  return new Headers(pairs).get("tracestate");
}

const ts = (...values: string[]) => parseTracestate(incoming(...values.map((v): [string, string] => ["tracestate", v])));

describe("parseTracestate: accepted headers (test.py)", () => {
  it("missing header -> undefined", () => {
    expect(parseTracestate(null)).toBeUndefined();
  });

  it("parses members in order (test_tracestate_included_traceparent_included)", () => {
    expect(parseTracestate("foo=1,bar=2")).toEqual([
      ["foo", "1"],
      ["bar", "2"],
    ]);
  });

  it("header name in any case: TraceState, TrAcEsTaTe, TRACESTATE (test_tracestate_header_name_valid_casing)", () => {
    for (const name of ["TraceState", "TrAcEsTaTe", "TRACESTATE"]) {
      expect(parseTracestate(incoming([name, "foo=1"]))).toEqual([["foo", "1"]]);
    }
  });

  it("other header names are other headers: trace-state, trace.state (test_tracestate_header_name)", () => {
    expect(parseTracestate(incoming(["trace-state", "foo=1"]))).toBeUndefined();
    expect(parseTracestate(incoming(["trace.state", "foo=1"]))).toBeUndefined();
  });

  it("an empty header is valid and empty (test_tracestate_empty_header)", () => {
    expect(parseTracestate("")).toEqual([]);
    expect(formatTracestate(parseTracestate("") ?? [])).toBe("");
  });

  it("an empty header next to a real one is skipped, either order (test_tracestate_empty_header)", () => {
    expect(ts("foo=1", "")).toEqual([["foo", "1"]]);
    expect(ts("", "foo=1")).toEqual([["foo", "1"]]);
  });

  it("empty and whitespace-only members are skipped", () => {
    expect(parseTracestate(",foo=1,, \t ,bar=2,")).toEqual([
      ["foo", "1"],
      ["bar", "2"],
    ]);
    expect(parseTracestate(" , ,")).toEqual([]);
  });

  it("multiple headers are combined in order (test_tracestate_multiple_headers_different_keys)", () => {
    const state = ts("foo=1,bar=2", "rojo=1,congo=2", "baz=3");
    expect(state && formatTracestate(state)).toBe("foo=1,bar=2,rojo=1,congo=2,baz=3");
  });

  it("optional whitespace around members is ignored (test_tracestate_ows_handling)", () => {
    const three = [
      ["foo", "1"],
      ["bar", "2"],
      ["baz", "3"],
    ];
    expect(parseTracestate("foo=1 \t , \t bar=2, \t baz=3")).toEqual(three);
    expect(parseTracestate("foo=1\t \t,\t \tbar=2,\t \tbaz=3")).toEqual(three);
    for (const v of [" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"]) {
      expect(parseTracestate(v)).toEqual([["foo", "1"]]);
    }
  });

  it("a value keeps its leading spaces; trailing ones are optional whitespace", () => {
    expect(parseTracestate("foo=  a b  ,bar=2")).toEqual([
      ["foo", "  a b"],
      ["bar", "2"],
    ]);
  });

  it("every allowed key and value character (test_tracestate_all_allowed_characters)", () => {
    const key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    const vendorKey = `${key}@a-z0-9_-*/`;
    let value = "";
    for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) value += String.fromCharCode(c);
    expect(parseTracestate(`${key}=${value}`)).toEqual([[key, value]]);
    expect(parseTracestate(`${vendorKey}=${value}`)).toEqual([[vendorKey, value]]);
  });

  it("a key may start with a digit, and tenant@vendor keys are valid (foo@bar, 1a@x)", () => {
    expect(parseTracestate("1abc=1,foo@bar=2,1a@x=3")?.map(([k]) => k)).toEqual(["1abc", "foo@bar", "1a@x"]);
  });

  it("'@' may stand anywhere after the first character, any number of times (test_tracestate_key_illegal_vendor_format)", () => {
    // The current key grammar: key = ( lcalpha / DIGIT ) 0*255 ( keychar ), keychar includes "@".
    expect(parseTracestate("foo@=1,bar=2")).toEqual([
      ["foo@", "1"],
      ["bar", "2"],
    ]);
    expect(parseTracestate("foo@@bar=1,bar=2")).toEqual([
      ["foo@@bar", "1"],
      ["bar", "2"],
    ]);
    expect(parseTracestate("foo@bar@baz=1,bar=2")).toEqual([
      ["foo@bar@baz", "1"],
      ["bar", "2"],
    ]);
    expect(parseTracestate("foo@1bar=1,1@=2,a@@@=3")?.map(([k]) => k)).toEqual(["foo@1bar", "1@", "a@@@"]);
  });

  it("such keys are forwarded unchanged, in order", () => {
    const header = "foo@=1,foo@@bar=2,foo@bar@baz=3,bar=4";
    expect(formatTracestate(parseTracestate(header) ?? [])).toBe(header);
  });

  it("32 members are accepted (test_tracestate_member_count_limit)", () => {
    const state = ts(
      "bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,bar08=08,bar09=09,bar10=10",
      "bar11=11,bar12=12,bar13=13,bar14=14,bar15=15,bar16=16,bar17=17,bar18=18,bar19=19,bar20=20",
      "bar21=21,bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,bar28=28,bar29=29,bar30=30",
      "bar31=31,bar32=32",
    );
    expect(state).toHaveLength(32);
    expect(state && getTracestateEntry(state, "bar01")).toBe("01");
  });

  it("key length limits: 256 characters, tenant 241 + vendor 14 (test_tracestate_key_length_limit)", () => {
    expect(ts("foo=1", `${"z".repeat(256)}=1`)?.[0]).toEqual(["foo", "1"]);
    expect(ts("foo=1", `${"t".repeat(241)}@${"v".repeat(14)}=1`)?.[0]).toEqual(["foo", "1"]);
  });

  it("a key of up to 256 characters with '@' anywhere is kept: no tenant/vendor split (test_tracestate_key_length_limit)", () => {
    for (const key of [
      "z".repeat(256),
      `${"t".repeat(241)}@${"v".repeat(14)}`,
      `${"t".repeat(242)}@v`,
      `t@${"v".repeat(15)}`,
      `t@${"v".repeat(254)}`,
      `${"t".repeat(255)}@`,
    ]) {
      expect(key.length).toBeLessThanOrEqual(256);
      const state = ts("foo=1", `${key}=1`);
      expect(state).toEqual([
        ["foo", "1"],
        [key, "1"],
      ]);
      expect(formatTracestate(state ?? [])).toBe(`foo=1,${key}=1`);
    }
  });

  it("a value of 256 characters is accepted", () => {
    expect(parseTracestate(`foo=${"v".repeat(256)}`)?.[0]?.[1]).toHaveLength(256);
  });

  it("duplicate keys: the first member wins, the header is kept (test_tracestate_duplicated_keys, PR #477)", () => {
    expect(parseTracestate("foo=1,foo=1")).toEqual([["foo", "1"]]);
    expect(parseTracestate("foo=1,foo=2")).toEqual([["foo", "1"]]);
    expect(ts("foo=1", "foo=1")).toEqual([["foo", "1"]]);
    expect(ts("foo=1", "foo=2")).toEqual([["foo", "1"]]);
    expect(parseTracestate("a=1,foo=1,b=2,foo=2,c=3")?.map(([k, v]) => `${k}=${v}`)).toEqual([
      "a=1",
      "foo=1",
      "b=2",
      "c=3",
    ]);
  });
});

describe("parseTracestate: the whole header is discarded (test.py, STRICT_LEVEL 2)", () => {
  const discarded: [rule: string, header: string | null][] = [
    ["33 members (test_tracestate_member_count_limit)", incoming(
      ["tracestate", "bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,bar08=08,bar09=09,bar10=10"],
      ["tracestate", "bar11=11,bar12=12,bar13=13,bar14=14,bar15=15,bar16=16,bar17=17,bar18=18,bar19=19,bar20=20"],
      ["tracestate", "bar21=21,bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,bar28=28,bar29=29,bar30=30"],
      ["tracestate", "bar31=31,bar32=32,bar33=33"],
    )],
    ["space inside a key: 'foo =1' (test_tracestate_key_illegal_characters)", "foo =1"],
    ["uppercase key: FOO=1", "FOO=1"],
    ["dot in a key: foo.bar=1", "foo.bar=1"],
    ["key starting with an underscore", "_foo=1"],
    ["key starting with '@': @foo=1 (test_tracestate_key_illegal_vendor_format)", "@foo=1,bar=2"],
    ["key that is only '@'", "@=1,bar=2"],
    ["key of 257 characters (test_tracestate_key_length_limit)", incoming(
      ["tracestate", "foo=1"],
      ["tracestate", `${"z".repeat(257)}=1`],
    )],
    ["key of 257 characters with an '@'", incoming(
      ["tracestate", "foo=1"],
      ["tracestate", `${"t".repeat(241)}@${"v".repeat(15)}=1`],
    )],
    ["key with a character outside keychar: foo@bar.baz=1", "foo@bar.baz=1,bar=2"],
    ["'=' in a value: foo=bar=baz (test_tracestate_value_illegal_characters)", "foo=bar=baz"],
    ["empty value: foo=,bar=3", "foo=,bar=3"],
    ["value of 257 characters", `foo=${"v".repeat(257)}`],
    ["tab inside a value", "foo=a\tb"],
    ["non-ASCII in a value", "foo=caf\u00e9"],
    ["member without '='", "foo,bar=2"],
    ["empty key: =1", "=1"],
  ];
  for (const [rule, header] of discarded) {
    it(rule, () => {
      expect(header).not.toBeNull();
      expect(parseTracestate(header)).toBeUndefined();
    });
  }
});

describe("formatTracestate", () => {
  it("joins members with ',' and no whitespace", () => {
    expect(formatTracestate([["rojo", "00f067aa0ba902b7"], ["congo", "t61rcWkgMzE"]])).toBe(
      "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
    );
    expect(formatTracestate([])).toBe("");
  });

  it("sends 512 characters untouched", () => {
    // 8 members of 63 characters + 7 commas = 511; one more character makes 512.
    const state: TraceState = Array.from({ length: 8 }, (_, i) => [`k${i}`, (i === 0 ? "x" : "") + "v".repeat(60)]);
    const out = formatTracestate(state);
    expect(out).toHaveLength(512);
    expect(parseTracestate(out)).toEqual(state);
  });

  it("over 512 characters, drops members longer than 128 characters first, right-most first", () => {
    const big1: readonly [string, string] = ["big1", "b".repeat(200)];
    const big2: readonly [string, string] = ["big2", "c".repeat(200)];
    const small = Array.from({ length: 5 }, (_, i): readonly [string, string] => [`s${i}`, "v".repeat(40)]);
    const out = formatTracestate([big1, ...small, big2]);
    // 205 + 5*43 + 205 + 6 commas = 631: dropping big2 (the right-most long one) is enough.
    expect(out).toBe(formatTracestate([big1, ...small]));
    expect(out.length).toBeLessThanOrEqual(512);
  });

  it("then drops members from the right until it fits", () => {
    const state = Array.from({ length: 20 }, (_, i): readonly [string, string] => [`k${i}`, "v".repeat(40)]);
    const out = formatTracestate(state);
    // Each member is 43 characters; 11 members + 10 commas = 483 <= 512 < 527.
    expect(out).toBe(formatTracestate(state.slice(0, 11)));
  });

  it("sends at most 32 members", () => {
    const state = Array.from({ length: 40 }, (_, i): readonly [string, string] => [`k${i}`, "1"]);
    expect(parseTracestate(formatTracestate(state))).toHaveLength(32);
  });
});

describe("setTracestateEntry / getTracestateEntry / deleteTracestateEntry", () => {
  const state: TraceState = [
    ["rojo", "00f067aa0ba902b7"],
    ["congo", "t61rcWkgMzE"],
  ];

  it("a vendor's update moves its key to the left (spec example)", () => {
    expect(formatTracestate(setTracestateEntry(state, "congo", "ucfJifl5GOE"))).toBe(
      "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7",
    );
  });

  it("a new key is added at the left, never twice", () => {
    const next = setTracestateEntry(setTracestateEntry(state, "ot", "th:8"), "ot", "th:c");
    expect(formatTracestate(next)).toBe("ot=th:c,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  });

  it("does not mutate its input", () => {
    setTracestateEntry(state, "ot", "th:8");
    expect(state).toHaveLength(2);
  });

  it("ignores an invalid key or value", () => {
    expect(setTracestateEntry(state, "Bad", "1")).toBe(state);
    expect(setTracestateEntry(state, "ok", "a,b")).toBe(state);
    expect(setTracestateEntry(state, "ok", "")).toBe(state);
  });

  it("takes any key of the current grammar ('@' anywhere after the first character), and no other", () => {
    expect(setTracestateEntry(state, "vendor@", "1")[0]).toEqual(["vendor@", "1"]);
    expect(setTracestateEntry(state, "a@b@c", "1")[0]).toEqual(["a@b@c", "1"]);
    expect(setTracestateEntry(state, "@vendor", "1")).toBe(state);
    expect(setTracestateEntry(state, "special.vendor", "1")).toBe(state);
    expect(setTracestateEntry(state, "z".repeat(257), "1")).toBe(state);
    expect(setTracestateEntry(state, "z".repeat(256), "1")[0]?.[0]).toHaveLength(256);
  });

  it("gets a value by key", () => {
    expect(getTracestateEntry(state, "congo")).toBe("t61rcWkgMzE");
    expect(getTracestateEntry(state, "nope")).toBeUndefined();
  });

  it("deletes a key keeping the others' order", () => {
    expect(deleteTracestateEntry(state, "rojo")).toEqual([["congo", "t61rcWkgMzE"]]);
    expect(deleteTracestateEntry(state, "nope")).toBe(state);
  });
});
