import type { Context } from "hono";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import type { ModelRoute } from "../providers/resolve";
import type { RateLimiter, TakeResult } from "./limiter";
import { compiledRules, type CompiledRule } from "./rules";

/** Reports the tokens a call used to every token-limited bucket it was counted in. */
export type TokenSink = (tokens: number) => void;

/** Whether a route may be tried, and where its tokens go if it answers. */
export type RouteAdmission =
  | { readonly allowed: true; readonly onTokens: TokenSink | undefined }
  | { readonly allowed: false; readonly error: GatewayError };

/** One request's rate limits, applied route by route as the request's routes are tried. */
export interface RequestLimits {
  /**
   * Counts the model rules that cover `route` (the model it resolved to) and were not counted yet in this request.
   * Denied: the route must be skipped like a failed attempt; the error is the client's 429 if no route is left.
   */
  admit(route: ModelRoute): Promise<RouteAdmission>;
}

interface Bucket {
  readonly rule: CompiledRule;
  readonly stub: DurableObjectStub<RateLimiter>;
}


/** The 429 for the longest wait among denied takes; undefined when every take was allowed. */
function rateLimited(results: readonly TakeResult[]): GatewayError | undefined {
  let wait = 0;
  for (const r of results) if (!r.allowed) wait = Math.max(wait, r.retryAfterSeconds);
  return wait === 0 ? undefined : GatewayError.rateLimited(wait);
}

/**
 * Applies `ratelimits` to one model call. Rules without `model` are counted now, once for the request (429 with
 * Retry-After when one is full). Rules with `model` match the model a route resolved to, however the client named
 * it, and are counted by `admit` as each route is tried, each at most once per request. Requests are counted before
 * the call; tokens after it, from the usage of the route that answered. Undefined when the config has no rules.
 */
export async function startRateLimits(c: Context<AppEnv>): Promise<RequestLimits | undefined> {
  const rules = compiledRules(c.get("config"));
  if (!rules) return undefined;
  const namespace = c.env.RATE_LIMITER;
  if (!namespace) {
    throw GatewayError.configError("ratelimits need the RATE_LIMITER Durable Object binding (see wrangler.toml)");
  }
  const bucketOf = (rule: CompiledRule): Bucket | undefined => {
    const { selector } = rule.rule;
    let key: string;
    if (selector) {
      const value = c.req.header(selector.header);
      if (value === undefined || (selector.value !== "*" && value !== selector.value)) return undefined;
      key = `${rule.id}|header:${value}`;
    } else {
      key = `${rule.id}|client:${c.get("clientName") ?? "anonymous"}`;
    }
    return { rule, stub: namespace.get(namespace.idFromName(key)) };
  };
  const take = (buckets: readonly Bucket[]) =>
    Promise.all(
      buckets.map(({ rule: { rule }, stub }) =>
        stub.take({ requests: rule.requests, tokens: rule.tokens, windowSeconds: rule.windowSeconds }),
      ),
    );

  const requestBuckets = rules.perRequest.map(bucketOf).filter((b): b is Bucket => b !== undefined);
  const denied = rateLimited(await take(requestBuckets));
  if (denied) throw denied;

  // Per request: model rules already counted (their buckets, for the tokens of any later route they cover) and
  // those that denied (a later route they cover is denied without asking again).
  const counted = new Map<CompiledRule, Bucket>();
  const refused = new Map<CompiledRule, GatewayError>();
  const sinkFor = (buckets: readonly Bucket[]): TokenSink | undefined => {
    const tokenBuckets = buckets.filter(({ rule }) => rule.rule.tokens !== undefined);
    if (tokenBuckets.length === 0) return undefined;
    return (tokens) => {
      if (tokens <= 0) return;
      c.executionCtx.waitUntil(
        Promise.all(tokenBuckets.map(({ rule, stub }) => stub.addTokens(tokens, rule.rule.windowSeconds))),
      );
    };
  };
  return {
    async admit(route) {
      const covering = rules.perModel.filter((rule) => rule.models?.has(route.resolvedModel));
      for (const rule of covering) {
        const error = refused.get(rule);
        if (error) return { allowed: false, error };
      }
      const fresh = covering
        .filter((rule) => !counted.has(rule))
        .map(bucketOf)
        .filter((b): b is Bucket => b !== undefined);
      const results = await take(fresh);
      results.forEach((result, i) => {
        const bucket = fresh[i];
        if (!bucket) return;
        if (result.allowed) counted.set(bucket.rule, bucket);
        else refused.set(bucket.rule, GatewayError.rateLimited(result.retryAfterSeconds));
      });
      const error = rateLimited(results);
      if (error) return { allowed: false, error };
      const routeBuckets = covering.map((rule) => counted.get(rule)).filter((b): b is Bucket => b !== undefined);
      return { allowed: true, onTokens: sinkFor([...requestBuckets, ...routeBuckets]) };
    },
  };
}
