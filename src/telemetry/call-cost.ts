import { callPrice } from "../pricing/match";
import { callCost } from "../pricing/price";
import type { Attributes } from "@opentelemetry/api";
import type { TokenUsage } from "./genai/taps/shared";
import type { AbandonedRead, CallPricing, ResponseObserver } from "./request-trace";

/** A request's cost so far, over its calls, for `Server-Timing`. */
export interface CostReport {
  /** USD summed over the calls that reported usage and had a price. */
  cost?: number;
  /** Some call reported usage but its model has no price: the request's cost is unknown. */
  costUnknown?: boolean;
}

/**
 * The cost of one ended call in USD from what its observer saw, added to `report`; undefined when the provider
 * reported no usage (nothing billed that tracegate saw) or the model has no price (then `report.costUnknown`).
 */
export function recordCallCost(observer: ResponseObserver, pricing: CallPricing, report: CostReport): number | undefined {
  const usage = observer.usage();
  if (usage.input === undefined && usage.output === undefined) return undefined;
  const cost = costOf(usage, observer.responseModel(), pricing);
  if (cost === undefined) report.costUnknown = true;
  else report.cost = (report.cost ?? 0) + cost;
  return cost;
}

/** One call's cost in USD from its usage (span and metrics alike); undefined when unknown. */
export function costOf(usage: TokenUsage, responseModel: string | undefined, pricing: CallPricing): number | undefined {
  return callCost(usage, callPrice(pricing.configured, pricing.provider, responseModel, pricing.model));
}

/**
 * A stream the client left and tracegate read on: how that read ended (`tracegate.stream.abandoned_read`) and an
 * estimate of the output tokens the client received (`tracegate.usage.output_tokens_delivered`): the provider's
 * output count times the client's share of the stream's events. The output count itself is what the provider
 * generated (and bills), complete when the read ended `complete`.
 */
export function abandonedAttributes(observer: ResponseObserver, read: AbandonedRead): Attributes {
  const attrs: Attributes = { "tracegate.stream.abandoned_read": read.end };
  const output = observer.usage().output;
  if (output !== undefined && read.events > 0) {
    attrs["tracegate.usage.output_tokens_delivered"] = Math.round((output * read.deliveredEvents) / read.events);
  }
  return attrs;
}

/** A cost in USD as `Server-Timing` and the CLI print it: fixed-point, at most 9 decimals, no trailing zeros. */
export function formatUsd(cost: number): string {
  const text = cost.toFixed(9);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
