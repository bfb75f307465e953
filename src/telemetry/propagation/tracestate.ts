/**
 * W3C Trace Context `tracestate`, https://www.w3.org/TR/trace-context-2/#tracestate-header
 *
 *   list        = list-member 0*31( OWS "," OWS list-member )
 *   list-member = key "=" value / OWS
 *   value       = 0*255( %x20-2B / %x2D-3C / %x3E-7E ) ( %x21-2B / %x2D-3C / %x3E-7E )
 *
 * Decisions (each checked against the spec text and the official suite, w3c/trace-context test/test.py, which
 * tracegate must pass at STRICT_LEVEL=2):
 *
 * - Any invalid member, or more than 32 members, discards the whole header (`undefined`), as the suite's
 *   `test_tracestate_key_illegal_*`, `_value_illegal_characters` and `_member_count_limit` demand. Empty and
 *   whitespace-only members are skipped (spec: "Empty and whitespace-only list members are allowed").
 * - Duplicate keys: the FIRST member wins and later ones are dropped; the header is kept. The spec only forbids a
 *   sender from *adding* a duplicate (PR #477, #552: a receiver MAY drop duplicates or pass them on, but is not
 *   required to discard anything), and the current `test_tracestate_duplicated_keys` accepts "foo=1" for
 *   `foo=1,foo=2`. Older copies of test.py (before PR #477, 2022) demanded the whole header be discarded; that
 *   was judged too strict and removed. The harness's own parser also keeps the first occurrence.
 * - Keys: `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`, `keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"`
 *   (spec/20-http_request_header_format.md at w3c/trace-context acab820, "Fix tracestate key grammar tests (#584)").
 *   A key is 1-256 characters; `@` may stand anywhere after the first character, any number of times (`foo@`,
 *   `foo@@bar`, `foo@bar@baz`, `t{242}@v`, `t@v{15}` are valid); only a leading `@` (`@foo`) is not. The older
 *   multi-tenant form (`tenant@vendor`, tenant 1-241 and vendor 1-14 characters, one `@`) is gone from the spec.
 * - Values keep leading spaces; trailing spaces/tabs are optional whitespace around the member.
 * - Multiple headers: `Headers.get()` joins them with ", ", which is exactly the combined list in order.
 */

import { trimOws } from "./traceparent";

/** Ordered `[key, value]` members, left-most first. */
export type TraceState = ReadonlyArray<readonly [key: string, value: string]>;

const MAX_MEMBERS = 32;
const MAX_LENGTH = 512;
const LARGE_MEMBER = 128;

const KEY = /^[a-z0-9][a-z0-9_\-*\/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** `undefined` when the header is missing or must be discarded as a whole; `[]` for an empty (valid) header. */
export function parseTracestate(header: string | null): TraceState | undefined {
  if (header === null) return undefined;
  const members: (readonly [string, string])[] = [];
  let count = 0;
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(",", start);
    if (end === -1) end = header.length;
    const member = trimOws(header.slice(start, end));
    start = end + 1;
    if (member === "") continue;
    if (++count > MAX_MEMBERS) return undefined;
    const eq = member.indexOf("=");
    if (eq <= 0) return undefined;
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (!KEY.test(key) || !VALUE.test(value)) return undefined;
    if (!members.some(([k]) => k === key)) members.push([key, value]);
  }
  return members;
}

const memberLength = (m: readonly [string, string]): number => m[0].length + 1 + m[1].length;

/**
 * Joins members with ",". At most 32 members and 512 characters are sent; over that, whole members are dropped:
 * first those longer than 128 characters (right-most first), then from the right (spec "tracestate Limits").
 */
export function formatTracestate(state: TraceState): string {
  let members = state.length > MAX_MEMBERS ? state.slice(0, MAX_MEMBERS) : state;
  let total = -1;
  for (const m of members) total += memberLength(m) + 1;
  if (total > MAX_LENGTH) {
    const kept = members.slice();
    for (let i = kept.length - 1; i >= 0 && total > MAX_LENGTH; i--) {
      const m = kept[i];
      if (m && memberLength(m) > LARGE_MEMBER) {
        total -= memberLength(m) + 1;
        kept.splice(i, 1);
      }
    }
    while (total > MAX_LENGTH) {
      const m = kept.pop();
      if (!m) break;
      total -= memberLength(m) + 1;
    }
    members = kept;
  }
  let out = "";
  for (const [k, v] of members) out += out === "" ? `${k}=${v}` : `,${k}=${v}`;
  return out;
}

/**
 * A vendor's update: the member is (re)written at the left and any earlier entry for the key removed, so the key is
 * never present twice. An invalid key or value leaves the state unchanged (as the OpenTelemetry API asks).
 */
export function setTracestateEntry(state: TraceState, key: string, value: string): TraceState {
  if (!KEY.test(key) || !VALUE.test(value)) return state;
  const out: (readonly [string, string])[] = [[key, value]];
  for (const m of state) if (m[0] !== key) out.push(m);
  return out;
}

export function getTracestateEntry(state: TraceState, key: string): string | undefined {
  for (const [k, v] of state) if (k === key) return v;
  return undefined;
}

/** Removes a key's member (order of the others kept); the same state when the key is absent. */
export function deleteTracestateEntry(state: TraceState, key: string): TraceState {
  return state.some(([k]) => k === key) ? state.filter(([k]) => k !== key) : state;
}
