import type { Context } from "hono";
import { parseJsonObject, readBodyText } from "./request-body";
import type { RetryPolicy } from "../config/types";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { listModels, resolveRoutes, type ModelRoute } from "../providers/resolve";
import { enforceRateLimits } from "../ratelimit/enforce";
import { TranslationError } from "../translate/request";
import { attemptCall, type RetryableFailure } from "./attempt";
import type { ClientCodec, ExchangePlan } from "./types";

function planFor<Req>(codec: ClientCodec<Req>, req: Req, route: ModelRoute, clientModel: string): ExchangePlan {
  try {
    return codec.plan(req, route, clientModel);
  } catch (err) {
    if (err instanceof TranslationError) throw new GatewayError(400, "invalid_request", err.message, err.param);
    if (err instanceof GatewayError) throw err;
    // Planning is a pure function of the client's body: anything else it trips on is an ill-typed field.
    const target = route.provider.interface === "anthropic" ? "the Anthropic" : "the OpenAI";
    throw new GatewayError(400, "invalid_request", `request could not be translated to ${target} API: a field has the wrong type`);
  }
}

/** Exponential backoff from the policy's base, or the provider's Retry-After; both capped. */
function delayBefore(retry: number, policy: RetryPolicy, retryAfter: number | undefined): number {
  return Math.min(retryAfter ?? policy.backoffMs * 2 ** (retry - 1), policy.maxDelayMs);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * One model call, whatever the client's API: read, validate, resolve, then try the provider — retrying per its
 * `retry` policy, then falling back to the alias's next target — until one answers. Every attempt is its own
 * CLIENT span; nothing reaches the client before an attempt has answered, so retries never duplicate output.
 */
export async function handleModelCall<Req>(c: Context<AppEnv>, codec: ClientCodec<Req>): Promise<Response> {
  const config = c.get("config");
  const body = parseJsonObject(await readBodyText(c.req.raw, config.maxBodyBytes));
  const req = codec.validate(body);
  const clientModel = String(body.model);
  c.get("trace").requested(clientModel);
  const routes = resolveRoutes(config, clientModel);
  if (routes.length === 0) {
    const available = listModels(config).map((m) => m.id).join(", ");
    throw new GatewayError(404, "not_found", `model "${clientModel}" is not configured; available: ${available}`, "model");
  }
  const onTokens = await enforceRateLimits(c, clientModel);
  const streaming = body.stream === true;
  let failure: RetryableFailure | undefined;
  let attempt = 0;
  for (const route of routes) {
    const plan = planFor(codec, req, route, clientModel);
    const policy = route.provider.retry;
    for (let retry = 0; retry < policy.attempts; retry++) {
      if (attempt > 0) {
        // Read only once a retry or fallback is due: touching the client's signal costs on every request.
        const signal = c.req.raw.signal;
        if (retry > 0) await sleep(delayBefore(retry, policy, failure?.retryAfterMs), signal);
        if (signal.aborted) throw new GatewayError(499, "upstream_error", "client closed the request");
      }
      const result = await attemptCall(c, codec, { route, plan, streaming, attempt: ++attempt, onTokens });
      if (result.kind === "answer") return result.response;
      failure = result;
    }
  }
  if (!failure) throw new GatewayError(500, "internal_error", "no provider attempt was made");
  return failure.answer();
}
