import type { Context } from "hono";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";

/** Reports the tokens a call used to every token-limited bucket it was counted in. */
export type TokenSink = (tokens: number) => void;

/**
 * Applies `ratelimits` to one model call: every matching rule's bucket must have room, else 429 with Retry-After.
 * Requests are counted before the call; tokens are added after it from the actual usage (the returned sink, or
 * undefined when no matching rule limits tokens, so the call need not watch usage for it).
 */
export async function enforceRateLimits(c: Context<AppEnv>, clientModel: string): Promise<TokenSink | undefined> {
  const rules = c.get("config").rateLimits;
  if (!rules || rules.length === 0) return undefined;
  const namespace = c.env.RATE_LIMITER;
  if (!namespace) {
    throw GatewayError.configError("ratelimits need the RATE_LIMITER Durable Object binding (see wrangler.toml)");
  }
  const buckets = [];
  for (const rule of rules) {
    // The rule itself is part of the bucket's name, so changing a limit starts fresh buckets for it.
    const ruleId = JSON.stringify([rule.model, rule.selector, rule.requests, rule.tokens, rule.windowSeconds]);
    if (rule.model !== undefined && rule.model !== clientModel) continue;
    let key: string;
    if (rule.selector) {
      const value = c.req.header(rule.selector.header);
      if (value === undefined || (rule.selector.value !== "*" && value !== rule.selector.value)) continue;
      key = `${ruleId}|header:${value}`;
    } else {
      key = `${ruleId}|client:${c.get("clientName") ?? "anonymous"}`;
    }
    buckets.push({ rule, stub: namespace.get(namespace.idFromName(key)) });
  }
  const results = await Promise.all(
    buckets.map(({ rule, stub }) =>
      stub.take({ requests: rule.requests, tokens: rule.tokens, windowSeconds: rule.windowSeconds }),
    ),
  );
  const denied = results.filter((r) => !r.allowed);
  if (denied.length > 0) {
    const wait = Math.max(...denied.map((r) => r.retryAfterSeconds));
    throw GatewayError.rateLimited(wait);
  }
  const tokenBuckets = buckets.filter(({ rule }) => rule.tokens !== undefined);
  if (tokenBuckets.length === 0) return undefined;
  return (tokens) => {
    if (tokens <= 0) return;
    c.executionCtx.waitUntil(
      Promise.all(tokenBuckets.map(({ rule, stub }) => stub.addTokens(tokens, rule.windowSeconds))),
    );
  };
}
