import type { Context } from "hono";
import { parseJsonObject, readBodyText } from "./request-body";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { listModels, resolveRoutes } from "../providers/resolve";
import { startRateLimits } from "../ratelimit/enforce";
import { compiledRules } from "../ratelimit/rules";
import { waitInPlace } from "./attempt-gate";
import { answerStream } from "./committed-stream";
import { tryRoutes, type ModelCall } from "./try-routes";
import type { ClientCodec } from "./types";
import { requireModelName } from "./validate";

/** The request's rate limits; a refusal by the client's own limits is recorded on the trace before the 429. */
async function clientLimits(c: Context<AppEnv>) {
  try {
    return await startRateLimits(c);
  } catch (err) {
    if (err instanceof GatewayError && err.type === "rate_limited") c.get("trace").refused("client");
    throw err;
  }
}

/**
 * One model call, whatever the client's API: read, validate, resolve, apply the request's rate limits, then try the
 * provider — retrying per its `retry` policy, then falling back to the alias's next target — until one answers.
 * Every attempt is its own CLIENT span. Nothing of the content reaches the client before an attempt has answered,
 * so retries never duplicate output; a streamed request whose retry must wait sends its headers first (see
 * committed-stream.ts).
 */
export async function handleModelCall<Req>(c: Context<AppEnv>, codec: ClientCodec<Req>): Promise<Response> {
  const config = c.get("config");
  const body = parseJsonObject(await readBodyText(c.req.raw, config.maxBodyBytes));
  const req = codec.validate(body);
  const identified = c.get("trace").identify(codec.format, body);
  if (identified) await identified;
  // Checked before any provider call: the name reaches a response header, spans and (wildcards) the provider.
  const clientModel = requireModelName(body);
  c.get("trace").requested(clientModel);
  const routes = resolveRoutes(config, clientModel);
  if (routes.length === 0) {
    const available = listModels(config).map((m) => m.id).join(", ");
    throw GatewayError.notFound(`model "${clientModel}" is not configured; available: ${available}`, "model");
  }
  const streaming = body.stream === true;
  const prepared = codec.prepare ? await codec.prepare(req, routes) : req;
  // Without configured limits no rate-limit step runs at all (two async calls a request saved).
  const limits = compiledRules(config) ? await clientLimits(c) : undefined;
  const call: ModelCall<Req> = { req: prepared, clientModel, routes, streaming, limits };
  // Only a retry waits (a fallback does not): without one, a stream has nothing to commit early for.
  if (!streaming || !routes.some((route) => route.provider.retry.attempts > 1)) {
    return tryRoutes(c, codec, call, waitInPlace(c.req.raw));
  }
  const context = { request: c.req.raw, trace: c.get("trace") };
  return answerStream((gate) => tryRoutes(c, codec, call, gate), codec.streamError, context);
}
