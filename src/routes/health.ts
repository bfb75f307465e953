import { Hono } from "hono";
import { problemsOf } from "../config/problems";
import type { AppEnv } from "../env";
import { gatewayConfig } from "../middleware/config";

/**
 * `GET /healthz`: 200 `{"status":"ok"}` when the config is valid and usable with the Worker's bindings, else 503
 * `{"status":"error","problems":[...]}` naming each bad key. Mounted before the middleware: a load balancer's checks
 * are neither traced nor authenticated, and a bad config is what it must see.
 */
export const health = new Hono<AppEnv>().get("/", (c) => {
  const result = gatewayConfig(c.env);
  const problems = result.ok ? problemsOf(result.config, c.env) : result.errors;
  return problems.length === 0 ? c.json({ status: "ok" }) : c.json({ status: "error", problems }, 503);
});
