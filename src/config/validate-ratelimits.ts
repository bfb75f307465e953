import { expectOneOf, expectPositiveInteger, expectString, fail, isMapping, type Issues } from "./check";
import { listOf, mapping, optional, unchecked, withDefault } from "./schema";

const UNITS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
const UNIT_NAMES = Object.keys(UNITS) as (keyof typeof UNITS)[];

const readSelector = mapping({
  key: expectString,
  value: withDefault(expectString, "*"),
});

function selector(value: unknown, path: string, issues: Issues) {
  const sel = readSelector(value, path, issues);
  if (sel?.key === undefined) return undefined;
  return {
    /** Lower-cased header name. */
    header: sel.key.toLowerCase(),
    /** `*`: each header value has its own bucket; anything else: only requests with exactly that value count. */
    value: sel.value,
  };
}

const readLimit = mapping({
  requests: optional(expectPositiveInteger),
  tokens: optional(expectPositiveInteger),
  unit: unchecked,
});

function limit(value: unknown, path: string, issues: Issues) {
  const read = readLimit(value, path, issues);
  if (!read || !isMapping(value)) return undefined;
  // Absent, not wrong (a wrong one is reported already); the unit of a limit of nothing is not worth a second error.
  if (value.requests === undefined && value.tokens === undefined) return fail(issues, path, "set requests and/or tokens");
  const unit = expectOneOf(read.unit ?? "minute", UNIT_NAMES, `${path}.unit`, issues);
  if (unit === undefined) return undefined;
  return { requests: read.requests, tokens: read.tokens, windowSeconds: UNITS[unit] };
}

const readRule = mapping({
  model: optional(expectString),
  selector: optional(selector),
  limit,
});

/** One rule: a fixed window per bucket (header value, or client name without a selector). */
function rule(value: unknown, path: string, issues: Issues) {
  const read = readRule(value, path, issues);
  if (!read?.limit) return undefined;
  return {
    /** Only requests whose model resolves to one this names (see ratelimit/rules.ts); undefined = every model. */
    model: read.model,
    /** Plano's header selector; undefined counts per authenticated client (key name or JWT `sub`). */
    selector: read.selector,
    ...read.limit,
  };
}

/**
 * `ratelimits:` in Plano's form: `{model?, selector?: {key: header, value: "*" | exact}, limit: {requests?, tokens?,
 * unit}}`: a fixed window per bucket.
 */
export const validateRateLimits = (value: unknown, issues: Issues) => listOf(rule)(value, "ratelimits", issues) ?? [];
