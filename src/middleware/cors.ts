import type { Context, MiddlewareHandler, Next } from "hono";
import { cors } from "hono/cors";
import type { CorsConfig, GatewayConfig } from "../config/types";
import type { AppEnv } from "../env";
import { PASSED_HEADER_NAMES } from "../exchange/passed-headers";

/**
 * Response headers a browser page may read: the trace it belongs to, timings, the model that answered, and what
 * the provider said about its wait, the request and its rate limits.
 */
const EXPOSED = ["traceresponse", "server-timing", "x-tracegate-model", ...PASSED_HEADER_NAMES];

// Hono's cors() per validated config, built once (its options are merged and decided up front).
const handlers = new WeakMap<CorsConfig, MiddlewareHandler>();

function handlerFor(config: CorsConfig): MiddlewareHandler {
  let handler = handlers.get(config);
  if (!handler) {
    const allowed = config.allowOrigins === "*" ? undefined : new Set(config.allowOrigins);
    handler = cors({
      origin: allowed ? (origin) => (allowed.has(origin) ? origin : null) : "*",
      allowMethods: ["GET", "POST", "OPTIONS"],
      exposeHeaders: EXPOSED,
      credentials: config.allowCredentials,
      maxAge: config.maxAgeSeconds,
    });
    handlers.set(config, handler);
  }
  return handler;
}

/**
 * `cors:` from the config: answers preflights itself (before any client auth) and lets listed origins read the
 * responses, trace headers included. Server-Timing is readable by the page only with Timing-Allow-Origin.
 */
function corsFor(config: GatewayConfig): MiddlewareHandler<AppEnv> | undefined {
  return config.cors ? handlerFor(config.cors) : undefined;
}

export const corsMiddleware: MiddlewareHandler<AppEnv> = (c, next) => {
  const handler = corsFor(c.get("config"));
  return handler ? withTimingAllowed(handler, c, next) : next();
};

async function withTimingAllowed(handler: MiddlewareHandler, c: Context<AppEnv>, next: Next) {
  const result = await handler(c, next);
  const allowed = c.res.headers.get("access-control-allow-origin");
  if (allowed) c.res.headers.set("timing-allow-origin", allowed);
  return result;
}
