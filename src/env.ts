import type { GatewayConfig } from "./config/types";
import type { RequestTrace } from "./telemetry/request-trace";

/** Worker bindings tracegate reads. Secrets named by `$NAME` in the config are looked up here too. */
export interface Bindings {
  readonly GATEWAY_CONFIG?: string;
  readonly CONFORMANCE_ROUTES?: string;
  readonly [name: string]: unknown;
}

export interface AppEnv {
  Bindings: Bindings;
  /** `clientName`: the authenticated client (key name or JWT `sub`), set by the auth middleware. */
  Variables: { config: GatewayConfig; trace: RequestTrace; clientName?: string };
}
