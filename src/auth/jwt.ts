import { Jwt } from "hono/utils/jwt";
import type { JWTPayload } from "hono/utils/jwt/types";
import { secretName } from "../config/secrets";
import type { JwtConfig } from "../config/types";
import { jwksKeys } from "./jwks";

/**
 * A token without `exp` would be valid forever (hono checks `exp` only when present): refuse it, and one whose `exp`
 * lies further ahead than `maxLifetimeSeconds`.
 */
function requireExpiry(payload: JWTPayload, maxLifetimeSeconds: number): JWTPayload {
  if (typeof payload.exp !== "number") throw new Error("token has no exp claim");
  if (payload.exp - Date.now() / 1000 > maxLifetimeSeconds) throw new Error("token expires too late");
  return payload;
}

/**
 * Verifies signature, `exp` (required: a token without one would be valid forever)/`nbf`, issuer and audience;
 * throws on any failure (JwksUnavailableError when the key set cannot be fetched).
 */
export async function verifyJwt(
  token: string,
  config: JwtConfig,
  env: Readonly<Record<string, unknown>>,
): Promise<JWTPayload> {
  const verification = { iss: config.issuer, aud: config.audience, exp: true, nbf: true };
  if (config.secretRef !== undefined) {
    const name = secretName(config.secretRef);
    const secret = name === undefined ? undefined : env[name];
    if (typeof secret !== "string" || secret === "") throw new Error("JWT secret binding is not set");
    const alg = config.algorithms[0] ?? "HS256";
    return requireExpiry(await Jwt.verify(token, secret, { ...verification, alg: alg as "HS256" }), config.maxLifetimeSeconds);
  }
  const keys = await jwksKeys(config.jwksUrl ?? "");
  return requireExpiry(await Jwt.verifyWithJwks(token, {
    keys,
    allowedAlgorithms: config.algorithms as Parameters<typeof Jwt.verifyWithJwks>[1]["allowedAlgorithms"],
    verification,
  }), config.maxLifetimeSeconds);
}
