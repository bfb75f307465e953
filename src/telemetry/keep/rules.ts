import type { KeepRules } from "../../config/types";
import type { AttributeValue, SpanData } from "../sdk/span-data";

/** Why a request the head decision dropped was exported after all: `tracegate.sampling.reason` on its spans. */
type KeepReason = "error" | "fallback" | "slow" | "costly";

const SAMPLING_REASON_ATTRIBUTE = "tracegate.sampling.reason";

/**
 * The CLIENT span attribute holding one call's cost in US dollars (a double), set by telemetry/call-span.ts from
 * src/pricing/. `costlier_than_usd` sums it over the request's spans, so a call without a price adds nothing.
 */
const CALL_COST_ATTRIBUTE = "gen_ai.usage.cost";

const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;

function requestCost(spans: readonly SpanData[]): number {
  let cost = 0;
  for (const span of spans) {
    const value = span.attributes[CALL_COST_ATTRIBUTE];
    if (typeof value === "number" && Number.isFinite(value)) cost += value;
  }
  return cost;
}

/**
 * The first rule a finished request matches, checked in this order: error (its SERVER span ended in ERROR), fallback
 * (an attempt followed a failed one: `tracegate.fallback.reason` on a CLIENT span), slow (the SERVER span lasted
 * longer than `slower_than_ms`), costly (its calls' cost above `costlier_than_usd`); undefined when none matches.
 */
function keepReason(rules: KeepRules, spans: readonly SpanData[]): KeepReason | undefined {
  const server = spans.find((s) => s.kind === SPAN_KIND_SERVER);
  if (rules.errors && server?.status.code === STATUS_ERROR) return "error";
  if (rules.fallbacks && spans.some((s) => s.attributes["tracegate.fallback.reason"] !== undefined)) return "fallback";
  if (rules.slowerThanMs !== undefined && server) {
    const ms = Number(server.endTimeUnixNano - server.startTimeUnixNano) / 1e6;
    if (ms > rules.slowerThanMs) return "slow";
  }
  if (rules.costlierThanUsd !== undefined && requestCost(spans) > rules.costlierThanUsd) return "costly";
  return undefined;
}

/**
 * Decides a held request once it has ended: the spans to export, each marked with the reason it was kept, or
 * nothing. Their tracestate carries no `th` (the head decision erased it: their adjusted count is unknown).
 */
export function keptSpans(rules: KeepRules, spans: SpanData[]): SpanData[] {
  const reason = keepReason(rules, spans);
  if (reason === undefined) return [];
  for (const span of spans) {
    const attributes: Record<string, AttributeValue> = { ...span.attributes };
    attributes[SAMPLING_REASON_ATTRIBUTE] = reason;
    span.attributes = attributes;
  }
  return spans;
}
