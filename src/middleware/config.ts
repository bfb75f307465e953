import { createMiddleware } from "hono/factory";
import bundledConfig from "../../gateway.config.yaml";
import { loadConfig } from "../config/load";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";

/** Puts the validated config on the context; a bad config answers 500 `config_error` naming each bad key. */
export const configMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const result = loadConfig(bundledConfig, c.env.GATEWAY_CONFIG);
  if (!result.ok) throw GatewayError.configError(`invalid gateway config: ${result.errors.join("; ")}`);
  c.set("config", result.config);
  await next();
});
