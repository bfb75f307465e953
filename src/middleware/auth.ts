import type { Context, MiddlewareHandler, Next } from "hono";
import { NO_AUTH } from "../config/problems";
import type { GatewayConfig } from "../config/types";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { presentedCredential } from "../auth/credentials";
import { JwksUnavailableError } from "../auth/jwks";
import { verifyJwt } from "../auth/jwt";
import { matchKey } from "../auth/keys";

/** Auth with keys and/or a JWT issuer (not `none`). */
type ClientAuth = Extract<NonNullable<GatewayConfig["auth"]>, { kind: "clients" }>;

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/**
 * Client auth for the API routes: a configured key (compared by SHA-256 in constant time) or a JWT from the app's
 * own backend. The client's name (never its key) is on the context for the SERVER span's `tracegate.client.name`.
 * `auth: none` must be written out: without it the routes answer 500 config_error, never an open relay.
 */
export const authMiddleware: MiddlewareHandler<AppEnv> = (c, next) => {
  const auth = c.get("config").auth;
  if (!auth) throw GatewayError.configError(NO_AUTH);
  return auth.kind === "none" ? next() : authenticated(c, next, auth);
};

/** The client's credential checked against the configured keys or JWT issuer, then the route. */
async function authenticated(c: Context<AppEnv>, next: Next, auth: ClientAuth): Promise<void> {
  const credential = presentedCredential(c.req.raw.headers);
  if (!credential) {
    throw GatewayError.unauthorized("missing API key: send Authorization: Bearer <key> or x-api-key");
  }
  const token = credential.value;
  let name: string | undefined;
  if (auth.jwt && looksLikeJwt(token)) {
    try {
      const payload = await verifyJwt(token, auth.jwt, c.env);
      name = typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : "jwt";
    } catch (err) {
      if (err instanceof JwksUnavailableError) {
        throw GatewayError.tokenVerificationUnavailable(30);
      }
      throw GatewayError.unauthorized("invalid or expired token");
    }
  } else {
    name = await matchKey(token, auth.keys, c.env);
  }
  if (name === undefined) throw GatewayError.unauthorized("invalid API key");
  c.set("clientName", name);
  c.set("authHeader", credential.header);
  await next();
}
