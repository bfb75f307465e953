import type { CredentialHeader } from "./auth/credentials";
import type { GatewayConfig } from "./config/types";
import type { RateLimiter } from "./ratelimit/limiter";
import type { ResponsesStore } from "./responses-store/store";
import type { RequestTrace } from "./telemetry/request-trace";

/** Worker bindings tracegate reads. Secrets named by `$NAME` in the config are looked up here too. */
export interface Bindings {
  readonly GATEWAY_CONFIG?: string;
  /** Durable Object namespace behind `ratelimits` (wrangler.toml). */
  readonly RATE_LIMITER?: DurableObjectNamespace<RateLimiter>;
  /** Durable Object namespace of the `/v1/responses` conversation store (wrangler.toml). */
  readonly RESPONSES_STORE?: DurableObjectNamespace<ResponsesStore>;
  readonly [name: string]: unknown;
}

export interface AppEnv {
  Bindings: Bindings;
  /** `clientName`: the authenticated client (key name or JWT `sub`), set by the auth middleware. */
  /** `authHeader`: the header that carried the gateway key (never forwarded by `passthrough_auth`). */
  Variables: { config: GatewayConfig; trace: RequestTrace; clientName?: string; authHeader?: CredentialHeader };
}
