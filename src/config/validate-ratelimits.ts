import { checkKeys, expectList, expectMapping, expectOneOf, expectPositiveInteger, expectString, fail, type Issues } from "./check";
import type { RateLimitRule } from "./types";

const RULE_KEYS = ["model", "selector", "limit"];
const SELECTOR_KEYS = ["key", "value"];
const LIMIT_KEYS = ["requests", "tokens", "unit"];
const UNITS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;

/**
 * `ratelimits:` in Plano's form: `{model?, selector?: {key: header, value: "*" | exact}, limit: {requests?, tokens?,
 * unit}}`. Without a selector a rule counts per authenticated client (key name or JWT `sub`).
 */
export function validateRateLimits(value: unknown, issues: Issues): RateLimitRule[] {
  const rules: RateLimitRule[] = [];
  (expectList(value, "ratelimits", issues) ?? []).forEach((entry, i) => {
    const path = `ratelimits[${i}]`;
    const map = expectMapping(entry, path, issues);
    if (!map) return;
    checkKeys(map, path, { known: RULE_KEYS }, issues);
    const model = map.model === undefined ? undefined : expectString(map.model, `${path}.model`, issues);
    let selector: RateLimitRule["selector"];
    if (map.selector !== undefined) {
      const sel = expectMapping(map.selector, `${path}.selector`, issues);
      if (sel) {
        checkKeys(sel, `${path}.selector`, { known: SELECTOR_KEYS }, issues);
        const header = expectString(sel.key, `${path}.selector.key`, issues);
        const match = sel.value === undefined ? "*" : expectString(sel.value, `${path}.selector.value`, issues);
        if (header !== undefined && match !== undefined) selector = { header: header.toLowerCase(), value: match };
      }
    }
    const limit = expectMapping(map.limit, `${path}.limit`, issues);
    if (!limit) return;
    checkKeys(limit, `${path}.limit`, { known: LIMIT_KEYS }, issues);
    const requests = limit.requests === undefined ? undefined : expectPositiveInteger(limit.requests, `${path}.limit.requests`, issues);
    const tokens = limit.tokens === undefined ? undefined : expectPositiveInteger(limit.tokens, `${path}.limit.tokens`, issues);
    if (limit.requests === undefined && limit.tokens === undefined) {
      fail(issues, `${path}.limit`, "set requests and/or tokens");
      return;
    }
    const unit = expectOneOf(limit.unit ?? "minute", Object.keys(UNITS) as (keyof typeof UNITS)[], `${path}.limit.unit`, issues);
    if (unit === undefined) return;
    rules.push({ model, selector, requests, tokens, windowSeconds: UNITS[unit] });
  });
  return rules;
}
