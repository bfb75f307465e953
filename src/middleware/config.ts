import type { MiddlewareHandler } from "hono";
import bundledConfig from "../../gateway.config.yaml";
import { loadConfig, type ConfigResult } from "../config/load";
import type { Bindings, AppEnv } from "../env";
import { GatewayError } from "../errors";

/** The config in effect for these bindings: GATEWAY_CONFIG when set, else the bundled gateway.config.yaml. */
export function gatewayConfig(env: Bindings): ConfigResult {
  return loadConfig(bundledConfig, env.GATEWAY_CONFIG);
}

/**
 * Puts the validated config on the context; a bad config answers 500 `config_error` naming each bad key. A plain
 * function, as are the other steps when they have nothing to await: each async step costs every request a frame
 * and a promise.
 */
export const configMiddleware: MiddlewareHandler<AppEnv> = (c, next) => {
  const result = gatewayConfig(c.env);
  if (!result.ok) throw GatewayError.configError(`invalid gateway config: ${result.errors.join("; ")}`);
  c.set("config", result.config);
  return next();
};
