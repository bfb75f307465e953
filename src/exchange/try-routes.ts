import type { Context } from "hono";
import type { RetryPolicy } from "../config/types";
import type { AppEnv } from "../env";
import { asGatewayError, GatewayError } from "../errors";
import type { ModelRoute } from "../providers/resolve";
import type { RequestLimits } from "../ratelimit/enforce";
import { TranslationError } from "../translate/errors";
import { attemptCall } from "./attempt";
import type { AttemptGate } from "./attempt-gate";
import type { ClientCodec, ExchangePlan } from "./types";

/** One client request, validated and resolved: what the attempts need. */
export interface ModelCall<Req> {
  readonly req: Req;
  readonly clientModel: string;
  /** Where the model goes, in the order to try (an alias's fallbacks after its first target). */
  readonly routes: readonly ModelRoute[];
  readonly streaming: boolean;
  /** The request's rate limits; undefined when the config has none. */
  readonly limits: RequestLimits | undefined;
}

/** Why an attempt did not answer: the client's answer if no later attempt does, and the provider's Retry-After. */
interface Failure {
  readonly answer: () => Response;
  readonly retryAfterMs: number | undefined;
  /** Recorded on the next attempt's span as `tracegate.fallback.reason`. */
  readonly reason: string;
}

function planFor<Req>(codec: ClientCodec<Req>, req: Req, route: ModelRoute, clientModel: string): ExchangePlan {
  try {
    return codec.plan(req, route, clientModel);
  } catch (err) {
    if (err instanceof TranslationError || err instanceof GatewayError) throw asGatewayError(err);
    // Planning is a pure function of the client's body: anything else it trips on is an ill-typed field.
    const target = route.provider.interface === "anthropic" ? "the Anthropic" : "the OpenAI";
    throw GatewayError.invalidRequest(`request could not be translated to ${target} API: a field has the wrong type`);
  }
}

/** Exponential backoff from the policy's base, or the provider's Retry-After; both capped. */
function delayBefore(retry: number, policy: RetryPolicy, retryAfter: number | undefined): number {
  return Math.min(retryAfter ?? policy.backoffMs * 2 ** (retry - 1), policy.maxDelayMs);
}

/**
 * Tries the provider, retrying per its `retry` policy, then falling back to the alias's next target, until one
 * answers; the gate runs before every attempt after the first. A target whose model rate limit is full is skipped
 * like a failed attempt. Resolves to the answering attempt's Response, else to the last failure's answer.
 */
export async function tryRoutes<Req>(
  c: Context<AppEnv>,
  codec: ClientCodec<Req>,
  { req, clientModel, routes, streaming, limits }: ModelCall<Req>,
  gate: AttemptGate,
): Promise<Response> {
  let failure: Failure | undefined;
  let attempt = 0;
  for (const route of routes) {
    const plan = planFor(codec, req, route, clientModel);
    const admission = limits ? await limits.admit(route) : undefined;
    if (admission && !admission.allowed) {
      const { error } = admission;
      c.get("trace").refused(route.resolvedModel);
      failure = {
        answer: () => {
          throw error;
        },
        retryAfterMs: undefined,
        reason: "rate_limited",
      };
      continue;
    }
    const policy = route.provider.retry;
    for (let retry = 0; retry < policy.attempts; retry++) {
      const delayMs = attempt > 0 && retry > 0 ? delayBefore(retry, policy, failure?.retryAfterMs) : 0;
      if (attempt > 0) await gate.wait(delayMs);
      const result = await attemptCall(c, codec, {
        after: failure && { reason: failure.reason, delayMs },
        route,
        plan,
        streaming,
        attempt: ++attempt,
        onTokens: admission?.onTokens,
        clientSignal: gate.clientSignal,
      });
      if (result.kind === "answer") return result.response;
      failure = result;
    }
  }
  if (!failure) throw GatewayError.internal("no provider attempt was made");
  return failure.answer();
}
