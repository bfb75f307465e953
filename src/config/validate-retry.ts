import { expectList, expectPositiveInteger, fail, type Issues } from "./check";
import { mapping, withDefault, type Frozen } from "./schema";

// Each key's default; together, the policy of an entry without `retry:` (DEFAULT_RETRY below).
const DEFAULTS = { attempts: 1, onStatus: [429, 500, 502, 503, 504] as readonly number[], backoffMs: 250, maxDelayMs: 10_000 };

function attempts(value: unknown, path: string, issues: Issues): number | undefined {
  const n = expectPositiveInteger(value, path, issues);
  return n !== undefined && n > 10 ? fail(issues, path, "at most 10") : n;
}

function statuses(value: unknown, path: string, issues: Issues): readonly number[] | undefined {
  const list = expectList(value, path, issues);
  if (!list) return undefined;
  if (list.every((s): s is number => typeof s === "number" && Number.isInteger(s) && s >= 400 && s <= 599)) return list;
  return fail(issues, path, "expected a list of HTTP statuses from 400 to 599");
}

const readRetry = mapping({
  attempts: withDefault(attempts, DEFAULTS.attempts),
  on_status: withDefault(statuses, DEFAULTS.onStatus),
  backoff_ms: withDefault(expectPositiveInteger, DEFAULTS.backoffMs),
  max_delay_ms: withDefault(expectPositiveInteger, DEFAULTS.maxDelayMs),
});

/** `retry:` of a provider entry: how often, on which statuses, how long to wait between attempts. */
export function retryPolicy(value: unknown, path: string, issues: Issues) {
  const retry = readRetry(value, path, issues);
  if (!retry) return undefined;
  return {
    /** Total attempts including the first (1 = no retry). */
    attempts: retry.attempts,
    onStatus: retry.on_status,
    /** Base of the exponential backoff; a provider's `Retry-After` wins, capped at `maxDelayMs`. */
    backoffMs: retry.backoff_ms,
    maxDelayMs: retry.max_delay_ms,
  };
}

export type RetryPolicy = Frozen<NonNullable<ReturnType<typeof retryPolicy>>>;

/** The policy of an entry without `retry:`: one attempt, no retry. */
export const DEFAULT_RETRY: RetryPolicy = DEFAULTS;
