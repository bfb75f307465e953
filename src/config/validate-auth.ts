import { checkKeys, expectList, expectMapping, expectString, fail, type Issues } from "./check";
import { isMalformedReference } from "./secrets";
import type { AuthConfig, ClientKey, JwtConfig } from "./types";

const AUTH_KEYS = ["keys", "jwt"];
const KEY_KEYS = ["name", "key_sha256", "key"];
const JWT_KEYS = ["secret", "jwks_url", "issuer", "audience", "algorithms"];
const JWT_ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

function validateKey(value: unknown, path: string, issues: Issues): ClientKey | undefined {
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  checkKeys(map, path, { known: KEY_KEYS }, issues);
  const name = expectString(map.name, `${path}.name`, issues);
  if (map.key_sha256 !== undefined && map.key !== undefined) {
    return fail(issues, path, 'write either "key_sha256" or "key" ($ENV reference), not both');
  }
  if (map.key_sha256 !== undefined) {
    const hash = expectString(map.key_sha256, `${path}.key_sha256`, issues);
    if (hash !== undefined && !/^[0-9a-f]{64}$/.test(hash)) {
      return fail(issues, `${path}.key_sha256`, "expected 64 lowercase hex characters (npx tracegate hash-key)");
    }
    return name !== undefined && hash !== undefined ? { name, sha256: hash } : undefined;
  }
  if (map.key === undefined) return fail(issues, `${path}.key_sha256`, "required (or key: $ENV_NAME)");
  const ref = expectString(map.key, `${path}.key`, issues);
  if (ref !== undefined && (!ref.startsWith("$") || isMalformedReference(ref))) {
    return fail(issues, `${path}.key`, "must be a $ENV_NAME reference (keep keys out of the config; or use key_sha256)");
  }
  return name !== undefined && ref !== undefined ? { name, ref } : undefined;
}

function validateJwt(value: unknown, issues: Issues): JwtConfig | undefined {
  const map = expectMapping(value, "auth.jwt", issues);
  if (!map) return undefined;
  checkKeys(map, "auth.jwt", { known: JWT_KEYS }, issues);
  const secret = map.secret === undefined ? undefined : expectString(map.secret, "auth.jwt.secret", issues);
  const jwksUrl = map.jwks_url === undefined ? undefined : expectString(map.jwks_url, "auth.jwt.jwks_url", issues);
  if ((secret === undefined) === (jwksUrl === undefined)) {
    return fail(issues, "auth.jwt", 'set exactly one of "secret" (HS256, a $ENV reference) or "jwks_url"');
  }
  if (secret !== undefined && (!secret.startsWith("$") || isMalformedReference(secret))) {
    return fail(issues, "auth.jwt.secret", "must be a $ENV_NAME reference (wrangler secret put NAME)");
  }
  if (jwksUrl !== undefined && !/^https?:\/\//.test(jwksUrl)) return fail(issues, "auth.jwt.jwks_url", "expected an http(s) URL");
  const issuer = expectString(map.issuer, "auth.jwt.issuer", issues);
  const audience = expectString(map.audience, "auth.jwt.audience", issues);
  let algorithms = secret !== undefined ? ["HS256"] : ["RS256", "ES256"];
  if (map.algorithms !== undefined) {
    const list = expectList(map.algorithms, "auth.jwt.algorithms", issues) ?? [];
    const bad = list.filter((a) => typeof a !== "string" || !JWT_ALGORITHMS.includes(a));
    if (bad.length > 0) fail(issues, "auth.jwt.algorithms", `expected some of ${JWT_ALGORITHMS.join(", ")}`);
    else algorithms = list as string[];
  }
  if (issuer === undefined || audience === undefined) return undefined;
  return { secretRef: secret, jwksUrl, issuer, audience, algorithms };
}

/** `auth: none` (explicit), or `auth: {keys: [...], jwt: {...}}`: who may call the model routes. */
export function validateAuth(value: unknown, issues: Issues): AuthConfig | undefined {
  if (value === "none") return { kind: "none" };
  const map = expectMapping(value, "auth", issues);
  if (!map) return undefined;
  checkKeys(map, "auth", { known: AUTH_KEYS }, issues);
  const keys: ClientKey[] = [];
  if (map.keys !== undefined) {
    (expectList(map.keys, "auth.keys", issues) ?? []).forEach((k, i) => {
      const key = validateKey(k, `auth.keys[${i}]`, issues);
      if (key) keys.push(key);
    });
  }
  const jwt = map.jwt === undefined ? undefined : validateJwt(map.jwt, issues);
  if (map.keys === undefined && map.jwt === undefined) {
    return fail(issues, "auth", 'expected "none", or keys and/or jwt');
  }
  return { kind: "clients", keys, jwt };
}
