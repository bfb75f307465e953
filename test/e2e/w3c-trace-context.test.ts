import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port.mjs";
import {
  startTraceContextHarness,
  traceparentOf,
  tracestateOf,
  type TraceContextHarness,
  type Traceparent,
} from "./harness/trace-context-harness";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// The cases of the W3C Trace Context test suite (w3c/trace-context test/test.py at acab820, "Fix tracestate key
// grammar tests (#584)", run with STRICT_LEVEL=2 SPEC_LEVEL=2), restated here so that `npm test` runs them without
// fetching the suite: the same request headers against `POST /v1/_conformance/tracecontext` on `wrangler dev`, the same
// expectations on the callbacks. Each `it` is named after the suite's test.
const ID = "12345678901234567890123456789012";
const PARENT = "1234567890123456";
const TP00 = `00-${ID}-${PARENT}-00`;
const TP01 = `00-${ID}-${PARENT}-01`;

let harness: TraceContextHarness;
let gateway: DevServer;
let endpoint: string;

beforeAll(async () => {
  harness = await startTraceContextHarness();
  // The conformance route is served by the test Worker entry only (test/conformance/), never the deployed one.
  gateway = await startWranglerDev(
    {
      GATEWAY_CONFIG: JSON.stringify({
        model_providers: [{ model: "mock/echo" }],
        auth: "none",
        tracing: { random_sampling: 100, exporters: [{ endpoint: `http://127.0.0.1:${await freePort()}` }] },
      }),
    },
    { config: "test/conformance/wrangler.toml" },
  );
  endpoint = `${gateway.url}/v1/_conformance/tracecontext`;
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await harness?.close();
});

async function context(...headers: [string, string][]): Promise<{ tp: Traceparent; ts: Map<string, string> }> {
  const [raw = []] = await harness.callThrough(endpoint, headers);
  return { tp: traceparentOf(raw), ts: tracestateOf(raw) };
}
const traceIdOf = async (...headers: [string, string][]) => (await context(...headers)).tp.traceId;

describe("traceparent (TraceContextTest)", () => {
  it("test_both_traceparent_and_tracestate_missing", async () => {
    expect((await context()).tp.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("test_traceparent_included_tracestate_missing", async () => {
    const { tp } = await context(["traceparent", TP01]);
    expect(tp.traceId).toBe(ID);
    expect(tp.parentId).not.toBe(PARENT);
  });

  it("test_traceparent_duplicated", async () => {
    const id = await traceIdOf(["traceparent", `00-${ID.slice(0, -1)}1-${PARENT}-01`], ["traceparent", TP01]);
    expect([`${ID.slice(0, -1)}1`, ID]).not.toContain(id);
  });

  it("test_traceparent_header_name_valid_casing", async () => {
    for (const name of ["TraceParent", "TrAcEpArEnT", "TRACEPARENT"]) expect(await traceIdOf([name, TP01])).toBe(ID);
  });

  it("test_traceparent_ows_handling", async () => {
    for (const value of [` ${TP01}`, `\t${TP01}`, `${TP01} `, `${TP01}\t`, `\t ${TP01} \t`]) {
      expect(await traceIdOf(["traceparent", value])).toBe(ID);
    }
  });

  it("test_traceparent_version_0xcc: a future version is read by its first four fields", async () => {
    expect(await traceIdOf(["traceparent", `cc-${ID}-${PARENT}-01`])).toBe(ID);
    expect(await traceIdOf(["traceparent", `cc-${ID}-${PARENT}-01-what-the-future-will-be-like`])).toBe(ID);
    expect(await traceIdOf(["traceparent", `cc-${ID}-${PARENT}-01.what-the-future-will-be-like`])).not.toBe(ID);
  });

  // Each of these restarts the trace: the callback carries a new trace id.
  const invalid: [test: string, headers: [string, string][]][] = [
    ["test_traceparent_header_name", [["trace-parent", TP01]]],
    ["test_traceparent_header_name", [["trace.parent", TP01]]],
    ["test_traceparent_version_0x00", [["traceparent", `${TP01}.`]]],
    ["test_traceparent_version_0x00", [["traceparent", `${TP01}-what-the-future-will-be-like`]]],
    ["test_traceparent_version_0xff", [["traceparent", `ff-${ID}-${PARENT}-01`]]],
    ["test_traceparent_version_illegal_characters", [["traceparent", `.0-${ID}-${PARENT}-01`]]],
    ["test_traceparent_version_illegal_characters", [["traceparent", `0.-${ID}-${PARENT}-01`]]],
    ["test_traceparent_version_too_long", [["traceparent", `000-${ID}-${PARENT}-01`]]],
    ["test_traceparent_version_too_long", [["traceparent", `0000-${ID}-${PARENT}-01`]]],
    ["test_traceparent_version_too_short", [["traceparent", `0-${ID}-${PARENT}-01`]]],
    ["test_traceparent_trace_id_all_zero", [["traceparent", `00-${"0".repeat(32)}-${PARENT}-01`]]],
    ["test_traceparent_trace_id_illegal_characters", [["traceparent", `00-.${ID.slice(1)}-${PARENT}-01`]]],
    ["test_traceparent_trace_id_illegal_characters", [["traceparent", `00-${ID.slice(0, -1)}.-${PARENT}-01`]]],
    ["test_traceparent_trace_id_too_long", [["traceparent", `00-${ID}3-${PARENT}-01`]]],
    ["test_traceparent_trace_id_too_short", [["traceparent", `00-${ID.slice(0, -1)}-${PARENT}-01`]]],
    ["test_traceparent_parent_id_all_zero", [["traceparent", `00-${ID}-${"0".repeat(16)}-01`]]],
    ["test_traceparent_parent_id_illegal_characters", [["traceparent", `00-${ID}-.${PARENT.slice(1)}-01`]]],
    ["test_traceparent_parent_id_illegal_characters", [["traceparent", `00-${ID}-${PARENT.slice(0, -1)}.-01`]]],
    ["test_traceparent_parent_id_too_long", [["traceparent", `00-${ID}-${PARENT}7-01`]]],
    ["test_traceparent_parent_id_too_short", [["traceparent", `00-${ID}-${PARENT.slice(0, -1)}-01`]]],
    ["test_traceparent_trace_flags_illegal_characters", [["traceparent", `00-${ID}-${PARENT}-.0`]]],
    ["test_traceparent_trace_flags_illegal_characters", [["traceparent", `00-${ID}-${PARENT}-0.`]]],
    ["test_traceparent_trace_flags_too_long", [["traceparent", `00-${ID}-${PARENT}-001`]]],
    ["test_traceparent_trace_flags_too_short", [["traceparent", `00-${ID}-${PARENT}-1`]]],
  ];
  for (const [test, headers] of invalid) {
    it(`${test}: ${headers[0]?.[0]}: ${headers[0]?.[1]}`, async () => {
      const id = await traceIdOf(...headers);
      expect(id).not.toBe(ID);
      expect(id).not.toBe("0".repeat(32));
    });
  }
});

describe("tracestate (TraceContextTest)", () => {
  it("test_tracestate_included_traceparent_missing: discarded", async () => {
    const one = await context(["tracestate", "foo=1"]);
    const two = await context(["tracestate", "foo=1,bar=2"]);
    expect(one.ts.size).toBe(two.ts.size);
    expect(one.ts.has("foo")).toBe(false);
  });

  it("test_tracestate_included_traceparent_included / _header_name_valid_casing: inherited", async () => {
    const { tp, ts } = await context(["traceparent", TP00], ["tracestate", "foo=1,bar=2"]);
    expect(tp.traceId).toBe(ID);
    expect([ts.get("foo"), ts.get("bar")]).toEqual(["1", "2"]);
    for (const name of ["TraceState", "TrAcEsTaTe", "TRACESTATE"]) {
      expect((await context(["traceparent", TP00], [name, "foo=1"])).ts.get("foo")).toBe("1");
    }
  });

  it("test_tracestate_header_name: other names are other headers", async () => {
    for (const name of ["trace-state", "trace.state"]) {
      expect((await context(["traceparent", TP00], [name, "foo=1"])).ts.has("foo")).toBe(false);
    }
  });

  it("test_tracestate_empty_header", async () => {
    const empty = await context(["traceparent", TP00], ["tracestate", ""]);
    expect(empty.tp.traceId).toBe(ID);
    for (const order of [["foo=1", ""], ["", "foo=1"]]) {
      const { tp, ts } = await context(["traceparent", TP00], ...order.map((v): [string, string] => ["tracestate", v]));
      expect([tp.traceId, ts.get("foo")]).toEqual([ID, "1"]);
    }
  });

  it("test_tracestate_multiple_headers_different_keys: combined in order", async () => {
    const { ts } = await context(
      ["traceparent", TP00],
      ["tracestate", "foo=1,bar=2"],
      ["tracestate", "rojo=1,congo=2"],
      ["tracestate", "baz=3"],
    );
    expect([...ts].map(([k, v]) => `${k}=${v}`)).toEqual(["foo=1", "bar=2", "rojo=1", "congo=2", "baz=3"]);
  });

  it("test_tracestate_duplicated_keys: the header is inherited", async () => {
    for (const lines of [["foo=1,foo=1"], ["foo=1,foo=2"], ["foo=1", "foo=1"], ["foo=1", "foo=2"]]) {
      const { tp, ts } = await context(["traceparent", TP00], ...lines.map((v): [string, string] => ["tracestate", v]));
      expect(tp.traceId).toBe(ID);
      expect(["1", "2"]).toContain(ts.get("foo"));
    }
  });

  it("test_tracestate_all_allowed_characters", async () => {
    const key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    let value = "";
    for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) value += String.fromCharCode(c);
    for (const k of [key, `${key}@a-z0-9_-*/`]) {
      expect((await context(["traceparent", TP00], ["tracestate", `${k}=${value}`])).ts.get(k)).toBe(value);
    }
  });

  it("test_tracestate_ows_handling", async () => {
    for (const value of ["foo=1 \t , \t bar=2, \t baz=3", "foo=1\t \t,\t \tbar=2,\t \tbaz=3"]) {
      const { ts } = await context(["traceparent", TP00], ["tracestate", value]);
      expect([ts.get("foo"), ts.get("bar"), ts.get("baz")]).toEqual(["1", "2", "3"]);
    }
    for (const value of [" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"]) {
      const { tp, ts } = await context(["traceparent", TP00], ["tracestate", value]);
      expect([tp.traceId, ts.get("foo")]).toEqual([ID, "1"]);
    }
  });

  it("test_tracestate_key_illegal_characters: discarded", async () => {
    for (const [value, key] of [["foo =1", "foo "], ["FOO=1", "FOO"], ["foo.bar=1", "foo.bar"]]) {
      expect((await context(["traceparent", TP00], ["tracestate", value ?? ""])).ts.has(key ?? "")).toBe(false);
    }
  });

  it("test_tracestate_key_illegal_vendor_format: '@' after the first character is inherited", async () => {
    for (const key of ["foo@", "foo@@bar", "foo@bar@baz"]) {
      const { ts } = await context(["traceparent", TP00], ["tracestate", `${key}=1,bar=2`]);
      expect([ts.get(key), ts.get("bar")]).toEqual(["1", "2"]);
    }
    expect((await context(["traceparent", TP00], ["tracestate", "@foo=1,bar=2"])).ts.has("bar")).toBe(false);
  });

  it("test_tracestate_member_count_limit", async () => {
    const lines = [1, 11, 21, 31].map((from) =>
      Array.from({ length: from === 31 ? 2 : 10 }, (_, i) => String(from + i).padStart(2, "0"))
        .map((n) => `bar${n}=${n}`)
        .join(","),
    );
    const tracestates = (extra: string) => lines.map((l, i): [string, string] => ["tracestate", i === 3 ? l + extra : l]);
    const ok = await context(["traceparent", TP00], ...tracestates(""));
    expect([ok.ts.get("bar01"), ok.ts.size]).toEqual(["01", 32]);
    const over = await context(["traceparent", TP00], ...tracestates(",bar33=33"));
    expect(over.ts.has("bar01")).toBe(false);
  });

  it("test_tracestate_key_length_limit: 256 characters, '@' anywhere, no tenant/vendor split", async () => {
    for (const key of ["z".repeat(256), `${"t".repeat(241)}@${"v".repeat(14)}`, `${"t".repeat(242)}@v`, `t@${"v".repeat(15)}`]) {
      const { ts } = await context(["traceparent", TP00], ["tracestate", "foo=1"], ["tracestate", `${key}=1`]);
      expect([ts.get("foo"), ts.get(key)]).toEqual(["1", "1"]);
    }
    const over = await context(["traceparent", TP00], ["tracestate", "foo=1"], ["tracestate", `${"z".repeat(257)}=1`]);
    expect(over.ts.has("foo")).toBe(false);
  });

  it("test_tracestate_value_illegal_characters: discarded", async () => {
    expect((await context(["traceparent", TP00], ["tracestate", "foo=bar=baz"])).ts.has("foo")).toBe(false);
    const { ts } = await context(["traceparent", TP00], ["tracestate", "foo=,bar=3"]);
    expect([ts.has("foo"), ts.has("bar")]).toEqual([false, false]);
  });
});

describe("several callbacks (AdvancedTest) and Level 2 (TraceContext2Test)", () => {
  const ids = async (headers: [string, string][]) => {
    const raws = await harness.callThrough(endpoint, headers, 3);
    const parents = raws.map(traceparentOf);
    return { traceIds: new Set(parents.map((p) => p.traceId)), parentIds: new Set(parents.map((p) => p.parentId)) };
  };

  it("test_multiple_requests_with_valid_traceparent", async () => {
    const { traceIds, parentIds } = await ids([["traceparent", TP01]]);
    expect([...traceIds]).toEqual([ID]);
    expect(parentIds.size).toBe(3);
  });

  it("test_multiple_requests_without_traceparent", async () => {
    expect((await ids([])).parentIds.size).toBe(3);
  });

  it("test_multiple_requests_with_illegal_traceparent", async () => {
    const { traceIds, parentIds } = await ids([["traceparent", `00-${"0".repeat(32)}-${PARENT}-01`]]);
    expect(traceIds.has("0".repeat(32))).toBe(false);
    expect(parentIds.size).toBe(3);
  });

  it("test_propagates_random_flag", async () => {
    const { tp } = await context(["traceparent", `00-${ID}-${PARENT}-02`]);
    expect([tp.traceId, tp.parentId === PARENT, tp.flags & 0x02]).toEqual([ID, false, 0x02]);
  });
});
