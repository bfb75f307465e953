import { Jwt } from "hono/utils/jwt";
import type { JWTPayload } from "hono/utils/jwt/types";
import { secretName } from "../config/secrets";
import type { JwtConfig } from "../config/types";

type JwkSet = Parameters<typeof Jwt.verifyWithJwks>[1]["keys"];

const JWKS_TTL_MS = 10 * 60_000;
const MAX_JWKS = 8;
// Isolate cache of fetched key sets, bounded (MAX_JWKS URLs, oldest evicted) and refreshed every JWKS_TTL_MS,
// so verifying a token does not fetch the JWKS on every request.
const jwksCache = new Map<string, { keys: JwkSet; fetchedAt: number }>();

async function keysFrom(url: string): Promise<JwkSet> {
  const hit = jwksCache.get(url);
  if (hit && Date.now() - hit.fetchedAt < JWKS_TTL_MS) return hit.keys;
  const res = await fetch(url, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`JWKS ${url} answered ${res.status}`);
  const body: unknown = await res.json();
  const keys = typeof body === "object" && body !== null && "keys" in body && Array.isArray(body.keys) ? body.keys : [];
  jwksCache.delete(url);
  jwksCache.set(url, { keys: keys as JwkSet, fetchedAt: Date.now() });
  if (jwksCache.size > MAX_JWKS) jwksCache.delete(jwksCache.keys().next().value ?? url);
  return keys as JwkSet;
}

/** Verifies signature, `exp`/`nbf`, issuer and audience; throws on any failure. */
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
    return Jwt.verify(token, secret, { ...verification, alg: alg as "HS256" });
  }
  const keys = await keysFrom(config.jwksUrl ?? "");
  return Jwt.verifyWithJwks(token, {
    keys,
    allowedAlgorithms: config.algorithms as Parameters<typeof Jwt.verifyWithJwks>[1]["allowedAlgorithms"],
    verification,
  });
}
