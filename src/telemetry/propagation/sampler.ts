/**
 * OpenTelemetry consistent probability sampling (opentelemetry-specification, specification/trace/sdk.md "Sampling"
 * and specification/trace/tracestate-probability-sampling.md).
 *
 * - Randomness R: 56 bits, `ot=rv:<14 hex>` from tracestate when present and well formed, else the trace-id's last
 *   14 hex digits. Threshold T = (1 - p) * 2^56, written `th:<hex>` without trailing zeros. Keep iff R >= T.
 *   Both are compared as 14-digit lowercase hex strings (`R >= th.padEnd(14, "0")`), which orders them exactly like
 *   the 56-bit integers: no BigInt.
 * - `th` lives in the `ot` tracestate entry (`;`-separated `key:value` fields, at most 256 characters): we only ever
 *   add, replace or erase `th`, never touch `rv` or other fields or other vendors' entries.
 * - Percentage 0 has no threshold ("never" is not probability sampling): `thresholdFor(0)` is "" and nothing is
 *   sampled by our own decision; 100% is `th:0` (ComposableAlwaysOn's threshold) and keeps everything.
 *
 * Decisions (spec: "a negative decision removes th"; "sampling stages that yield spans with unknown sampling
 * probability ... must erase the threshold"):
 * - No (or invalid) parent, the root sampler: a new random trace-id, the random flag set, sampled iff R >= T;
 *   sampled contexts carry `ot=th:T`, `th:0` at 100% (a fresh tracestate: the incoming one is ignored with an
 *   invalid traceparent).
 * - Parent, trusted (ParentBased): follow its sampled flag, keep its random flag. Sampled: its `th` passes through,
 *   erased when malformed or inconsistent (R < T). Not sampled: `th` erased.
 * - Parent, untrusted (AlwaysOn, TraceIdRatioBased/ProbabilitySampler): an independent decision with our own
 *   threshold on the parent's randomness; the parent's sampled flag and `th` are ignored ("a consistent probability
 *   sampling decision ignores the parent's sampling threshold"), so 100% always samples. Sampled: `th` = our own
 *   threshold; not sampled: `th` erased. Flags = own decision | incoming random bit. (R still comes from the
 *   caller's trace-id or rv, which any caller chooses: consistency by design.) A decision that depends on the
 *   trace-id's randomness while the parent lacks the W3C random flag logs the spec's compatibility warning, once
 *   per isolate.
 */

import { FLAG_RANDOM, FLAG_SAMPLED, type ParentContext } from "./traceparent";
import { deleteTracestateEntry, getTracestateEntry, setTracestateEntry, type TraceState } from "./tracestate";

export interface SamplerConfig {
  /** Share of the traces this gateway starts (or judges itself) that are recorded, 0-100. */
  percentage: number;
  /** Follow a valid incoming parent's sampled flag (parent-based) instead of deciding on our own. */
  trustIncoming: boolean;
}

export interface SamplingDecision {
  sampled: boolean;
  traceId: string;
  /** Outgoing trace-flags: FLAG_SAMPLED | FLAG_RANDOM bits only. */
  flags: number;
  /** The tracestate to propagate, with `ot=th:` set or erased as the rules say. */
  tracestate: TraceState;
}

const EMPTY: TraceState = Object.freeze([]);
const OT_KEY = "ot";
const OT_MAX = 256;
const RV = /^[0-9a-f]{14}$/;
const TH = /^[0-9a-f]{1,14}$/;
const PRECISION = 4;

/**
 * The `th` value for a percentage, with 4 hex digits of precision raised by the number of leading `f` digits (the
 * spec's reference algorithm): 100 -> "0", 50 -> "8", 25 -> "c", 10 -> "e666", 1 -> "fd70a", 0.1 -> "ffbe77".
 * Percentage 0 (or below, or NaN) -> "": no threshold, never sampled.
 */
export function thresholdFor(percentage: number): string {
  if (!(percentage > 0)) return "";
  if (percentage >= 100) return "0";
  const p = percentage / 100;
  // frexp: p = m * 2^exp with m in [0.5, 1); doubling is exact.
  let exp = 0;
  for (let m = p; m < 0.5; m *= 2) exp--;
  const precision = Math.max(1, Math.min(12, PRECISION + Math.floor(exp / -4)));
  // 2 - p lies in [1, 2): its 52-bit fraction is the rejection probability; add half a unit of the last digit to round.
  const r = 2 - p + 2 ** (-4 * precision - 1);
  let digits = "";
  if (r >= 2) {
    digits = "fffffffffffff".slice(0, precision);
  } else {
    let f = r - 1;
    for (let i = 0; i < precision; i++) {
      f *= 16;
      const d = Math.floor(f);
      f -= d;
      digits += d.toString(16);
    }
  }
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 0x30) end--;
  return end === 0 ? "0" : digits.slice(0, end);
}

/** R >= T for a 14-hex-digit randomness and a `th` value. */
function keeps(randomness: string, th: string): boolean {
  return randomness >= th.padEnd(14, "0");
}

/** The value of one `name:value` field of the `ot` entry's value (`name` given with its colon), or undefined. */
function otField(ot: string | undefined, name: "th:" | "rv:"): string | undefined {
  if (ot === undefined) return undefined;
  // indexOf/startsWith instead of split: no array per request.
  for (let start = 0; start < ot.length; ) {
    let end = ot.indexOf(";", start);
    if (end === -1) end = ot.length;
    if (ot.startsWith(name, start)) return ot.slice(start + name.length, end);
    start = end + 1;
  }
  return undefined;
}

/** Sets (th defined) or erases the `th` field of the `ot` entry; other fields are kept in order. */
function withThreshold(state: TraceState, ot: string | undefined, th: string | undefined): TraceState {
  let value = th === undefined ? "" : `th:${th}`;
  for (let start = 0; ot !== undefined && start < ot.length; ) {
    let end = ot.indexOf(";", start);
    if (end === -1) end = ot.length;
    if (end > start && !ot.startsWith("th:", start)) value += (value === "" ? "" : ";") + ot.slice(start, end);
    start = end + 1;
  }
  if (value === "") return deleteTracestateEntry(state, OT_KEY);
  // Too long to fit with our threshold: erase it instead (unknown probability is honest; a wrong one is not).
  if (value.length > OT_MAX) return th === undefined ? state : withThreshold(state, ot, undefined);
  return setTracestateEntry(state, OT_KEY, value);
}

/** A percentage's threshold and the tracestate of a trace we start and sample with it. */
interface OwnThreshold {
  readonly percentage: number;
  readonly th: string;
  readonly rootState: TraceState;
}

function thresholdOf(percentage: number): OwnThreshold {
  const th = thresholdFor(percentage);
  return { percentage, th, rootState: th === "" ? EMPTY : Object.freeze([[OT_KEY, `th:${th}`] as const]) };
}

// Deliberate isolate cache of one entry: the settings (so the percentage) are the same for every request of an
// isolate, and thresholdFor loops over hex digits. Another percentage (tests, a new config) replaces it.
let lastThreshold = thresholdOf(100);

function ownThreshold(percentage: number): OwnThreshold {
  if (lastThreshold.percentage !== percentage) lastThreshold = thresholdOf(percentage);
  return lastThreshold;
}

const PRESUMED_RANDOMNESS_WARNING =
  "tracegate: sampling a caller's trace on its trace id's randomness, but its traceparent lacks the W3C random flag " +
  "(trace-flags 02): the sampling decision presumes the trace id's last 14 hex digits are random. Upgrade the " +
  "caller(s) to W3C Trace Context Level 2, or send `tracestate: ot=rv:<14 hex digits>`. Logged once per isolate.";

// Deliberate isolate flag: the specification's compatibility warning is worth one line per isolate, not one per
// request (every request from the same caller would repeat it).
let warnedPresumedRandomness = false;

function warnPresumedRandomness(): void {
  if (warnedPresumedRandomness) return;
  warnedPresumedRandomness = true;
  console.warn(PRESUMED_RANDOMNESS_WARNING);
}

export function decide(
  cfg: SamplerConfig,
  parent: ParentContext | undefined,
  incomingState: TraceState | undefined,
  newTraceId: () => string,
): SamplingDecision {
  const own = ownThreshold(cfg.percentage);
  if (!parent) {
    const traceId = newTraceId();
    const sampled = own.th !== "" && keeps(traceId.slice(-14), own.th);
    return {
      sampled,
      traceId,
      flags: FLAG_RANDOM | (sampled ? FLAG_SAMPLED : 0),
      tracestate: sampled ? own.rootState : EMPTY,
    };
  }

  const state = incomingState ?? EMPTY;
  const ot = getTracestateEntry(state, OT_KEY);
  const rv = otField(ot, "rv:");
  const explicitRandomness = rv !== undefined && RV.test(rv);
  const randomness = explicitRandomness ? rv : parent.traceId.slice(-14);
  const thIn = otField(ot, "th:");
  const randomBit = parent.flags & FLAG_RANDOM;

  let sampled: boolean;
  let thOut: string | undefined;
  if (cfg.trustIncoming) {
    sampled = (parent.flags & FLAG_SAMPLED) !== 0;
    const consistent = thIn !== undefined && TH.test(thIn) && keeps(randomness, thIn);
    thOut = sampled && consistent ? thIn : undefined;
  } else {
    // Only a threshold strictly between 0 and 100% makes the decision depend on the randomness.
    if (own.th !== "" && own.th !== "0" && !explicitRandomness && randomBit === 0) warnPresumedRandomness();
    sampled = own.th !== "" && keeps(randomness, own.th);
    thOut = sampled ? own.th : undefined;
  }
  return {
    sampled,
    traceId: parent.traceId,
    flags: randomBit | (sampled ? FLAG_SAMPLED : 0),
    tracestate: thOut === thIn ? state : withThreshold(state, ot, thOut),
  };
}

/**
 * Maps the standard variables onto a SamplerConfig; the environment wins over the configured value when set.
 *
 *   OTEL_TRACES_SAMPLER        percentage                  trustIncoming
 *   always_on                  100                         false
 *   always_off                 0                           false
 *   traceidratio               OTEL_TRACES_SAMPLER_ARG*100 false
 *   parentbased_always_on      100                         true
 *   parentbased_always_off     0                           true
 *   parentbased_traceidratio   OTEL_TRACES_SAMPLER_ARG*100 true
 *
 * Names are matched case-insensitively. The ratio samplers default to 1.0 (100%) without an argument, as the
 * OpenTelemetry SDK configuration spec says; the argument is ignored by the others. Anything else (an unknown or
 * unsupported sampler such as `jaeger_remote`, or an argument that is not a number in [0, 1]) is ignored and the
 * configured value returned.
 */
export function samplerFromEnv(
  sampler: string | undefined,
  arg: string | undefined,
  configured: SamplerConfig | undefined,
): SamplerConfig | undefined {
  const name = sampler?.trim().toLowerCase();
  if (!name) return configured;
  const ratio = (): number | undefined => {
    const text = arg?.trim();
    if (!text) return 100;
    const n = Number(text);
    return Number.isFinite(n) && n >= 0 && n <= 1 ? n * 100 : undefined;
  };
  let percentage: number | undefined;
  let trustIncoming: boolean;
  switch (name) {
    case "always_on":
    case "parentbased_always_on":
      percentage = 100;
      trustIncoming = name !== "always_on";
      break;
    case "always_off":
    case "parentbased_always_off":
      percentage = 0;
      trustIncoming = name !== "always_off";
      break;
    case "traceidratio":
    case "parentbased_traceidratio":
      percentage = ratio();
      trustIncoming = name !== "traceidratio";
      break;
    default:
      return configured;
  }
  return percentage === undefined ? configured : { percentage, trustIncoming };
}
