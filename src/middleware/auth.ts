import { createMiddleware } from "hono/factory";
import { NO_AUTH } from "../config/problems";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { presentedCredential } from "../auth/credentials";
import { JwksUnavailableError } from "../auth/jwks";
import { verifyJwt } from "../auth/jwt";
import { matchKey } from "../auth/keys";

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/**
 * Client auth for the API routes: a configured key (compared by SHA-256 in constant time) or a JWT from the app's
 * own backend. The client's name (never its key) is on the context for the SERVER span's `tracegate.client.name`.
 * `auth: none` must be written out: without it the routes answer 500 config_error, never an open relay.
 */
export const authMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.get("config").auth;
  if (!auth) throw GatewayError.configError(NO_AUTH);
  if (auth.kind === "none") return next();
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
});
