import { expectHttpUrl, expectList, expectPositiveInteger, expectString, fail, isMapping, type Issues } from "./check";
import { listOf, mapping, optional, unchecked, withDefault, type Frozen } from "./schema";
import { secretName } from "./secrets";

/** A token whose exp lies further ahead than this is refused (auth.jwt.max_lifetime_seconds). */
const DEFAULT_MAX_JWT_LIFETIME_SECONDS = 24 * 60 * 60;

const JWT_ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

/** A `$NAME` reference (auth secrets stay out of the config); `fix` says what to write instead. */
function reference(fix: string) {
  return (value: unknown, path: string, issues: Issues): string | undefined => {
    const ref = expectString(value, path, issues);
    if (ref === undefined || secretName(ref) !== undefined) return ref;
    return fail(issues, path, `must be a $ENV_NAME reference (${fix})`);
  };
}

function sha256Hex(value: unknown, path: string, issues: Issues): string | undefined {
  const hash = expectString(value, path, issues);
  if (hash === undefined || /^[0-9a-f]{64}$/.test(hash)) return hash;
  return fail(issues, path, "expected 64 lowercase hex characters (npx tracegate hash-key)");
}

const readKey = mapping({
  name: expectString,
  // Exactly one of the two, checked together after the mapping: "not both" comes before anything about either value.
  key_sha256: unchecked,
  key: unchecked,
});

/** A client key: its SHA-256 (hex) in the config, or a `$ENV` reference to the key itself. */
function clientKey(value: unknown, path: string, issues: Issues) {
  const read = readKey(value, path, issues);
  if (!read) return undefined;
  const { name } = read;
  if (read.key_sha256 !== undefined && read.key !== undefined) {
    return fail(issues, path, 'write either "key_sha256" or "key" ($ENV reference), not both');
  }
  if (read.key_sha256 !== undefined) {
    const sha256 = sha256Hex(read.key_sha256, `${path}.key_sha256`, issues);
    return name !== undefined && sha256 !== undefined ? { name, sha256 } : undefined;
  }
  if (read.key === undefined) return fail(issues, `${path}.key_sha256`, "required (or key: $ENV_NAME)");
  const ref = reference("keep keys out of the config; or use key_sha256")(read.key, `${path}.key`, issues);
  return name !== undefined && ref !== undefined ? { name, ref } : undefined;
}

function algorithms(value: unknown, path: string, issues: Issues): readonly string[] | undefined {
  const list = expectList(value, path, issues);
  if (!list) return undefined;
  if (list.every((a): a is string => typeof a === "string" && JWT_ALGORITHMS.includes(a))) return list;
  return fail(issues, path, `expected some of ${JWT_ALGORITHMS.join(", ")}`);
}

const readJwt = mapping({
  secret: optional(reference("wrangler secret put NAME")),
  // A query is allowed: some identity providers name the key set's policy in one.
  jwks_url: optional((value, path, issues) => expectHttpUrl(value, path, issues, true)),
  issuer: expectString,
  audience: expectString,
  algorithms: optional(algorithms),
  // A token must expire (exp is required), and not too late: a leaked long-lived token is a standing key.
  max_lifetime_seconds: withDefault(expectPositiveInteger, DEFAULT_MAX_JWT_LIFETIME_SECONDS),
});

function jwt(value: unknown, path: string, issues: Issues) {
  const read = readJwt(value, path, issues);
  if (!read || !isMapping(value)) return undefined;
  // Present or not, right or wrong: a wrong one has its own error already.
  if ((value.secret === undefined) === (value.jwks_url === undefined)) {
    return fail(issues, path, 'set exactly one of "secret" (HS256, a $ENV reference) or "jwks_url"');
  }
  const { secret, jwks_url: url, issuer, audience } = read;
  if ((secret === undefined && url === undefined) || issuer === undefined || audience === undefined) return undefined;
  return {
    /** `$ENV` reference to an HS256 secret; or `jwksUrl` for RS/ES keys. */
    secretRef: secret,
    jwksUrl: url?.href,
    issuer,
    audience,
    algorithms: read.algorithms ?? (secret !== undefined ? ["HS256"] : ["RS256", "ES256"]),
    /** Longest a token may still be valid for: `exp` at most this many seconds ahead. */
    maxLifetimeSeconds: read.max_lifetime_seconds,
  };
}

const readAuth = mapping({
  keys: optional(listOf(clientKey)),
  jwt: optional(jwt),
});

/**
 * `auth: none` (explicit), or `auth: {keys: [...], jwt: {...}}`: who may call the model routes. `none` must be
 * written out; otherwise clients present a key or a JWT.
 */
export function validateAuth(value: unknown, issues: Issues) {
  if (value === "none") return { kind: "none" as const };
  const auth = readAuth(value, "auth", issues);
  if (!auth || !isMapping(value)) return undefined;
  if (value.keys === undefined && value.jwt === undefined) {
    return fail(issues, "auth", 'expected "none", or keys and/or jwt');
  }
  return { kind: "clients" as const, keys: auth.keys ?? [], jwt: auth.jwt };
}

/** A client key: its SHA-256 (hex) in the config, or a `$ENV` reference to the key itself. */
export type ClientKey = Frozen<NonNullable<ReturnType<typeof clientKey>>>;
export type JwtConfig = Frozen<NonNullable<ReturnType<typeof jwt>>>;
