import type { GatewayConfig } from "../config/types";
import { resolveRoutes } from "../providers/resolve";

/** One `ratelimits` rule as validated. */
export type RateLimitRule = NonNullable<GatewayConfig["rateLimits"]>[number];

/** A rule ready to apply: its bucket-name prefix and, for a model rule, the resolved models it covers. */
export interface CompiledRule {
  readonly rule: RateLimitRule;
  /** The rule itself is part of its buckets' names, so changing a limit starts fresh buckets for it. */
  readonly id: string;
  /** `provider/model` names the rule's `model` resolves to (every target of an alias); undefined: every model. */
  readonly models: ReadonlySet<string> | undefined;
}

export interface CompiledRules {
  /** Rules without `model`: counted once per client request. */
  readonly perRequest: readonly CompiledRule[];
  /** Rules with `model`: counted once per request for the first route tried that resolved to one of its models. */
  readonly perModel: readonly CompiledRule[];
}

// Built once per validated config object (the loader returns the same object for the same text); the WeakMap lets
// it go with the config.
const compiled = new WeakMap<GatewayConfig, CompiledRules>();

function compile(config: GatewayConfig, rules: readonly RateLimitRule[]): CompiledRules {
  const perRequest: CompiledRule[] = [];
  const perModel: CompiledRule[] = [];
  for (const rule of rules) {
    const id = JSON.stringify([rule.model, rule.selector, rule.requests, rule.tokens, rule.windowSeconds]);
    if (rule.model === undefined) {
      perRequest.push({ rule, id, models: undefined });
      continue;
    }
    // A rule's model is resolved as a client's would be (alias, bare name, entry name, wildcard), so every way of
    // naming a model shares one bucket. A name nothing resolves to covers nothing.
    const models = new Set(resolveRoutes(config, rule.model).map((route) => route.resolvedModel));
    perModel.push({ rule, id, models });
  }
  return { perRequest, perModel };
}

/** The config's `ratelimits`, compiled once per config; undefined when there are none. */
export function compiledRules(config: GatewayConfig): CompiledRules | undefined {
  const rules = config.rateLimits;
  if (!rules || rules.length === 0) return undefined;
  let result = compiled.get(config);
  if (!result) {
    result = compile(config, rules);
    compiled.set(config, result);
  }
  return result;
}
