import { GatewayError } from "../../errors";
import { isRecord } from "../../formats/check";

/** OAuth scope of a Vertex AI call. */
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** Lifetime asked of a token (Google's maximum for a JWT grant). */
const LIFETIME_S = 3600;
/** A cached token is renewed this long before it expires, so no call starts with one about to lapse. */
const RENEW_BEFORE_MS = 60_000;
/** Limit for one token exchange. */
const EXCHANGE_TIMEOUT_MS = 30_000;
/** Tokens kept per isolate: one per service account in the config, so a handful. */
const MAX_CACHED = 16;

interface ServiceAccount {
  readonly client_email: string;
  readonly private_key: string;
  readonly token_uri: string;
  readonly private_key_id?: string;
}

interface CachedToken {
  readonly token: Promise<string>;
  expiresAt: number;
}

// Deliberate isolate cache: an access token per service-account key (the secret's text), reused until shortly
// before it expires, so the JWT exchange runs once an hour, not per request. Bounded (MAX_CACHED, oldest dropped);
// an exchange in flight is shared by the requests that wait for it, and a failed one is forgotten at once.
const tokens = new Map<string, CachedToken>();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const utf8 = new TextEncoder();

/** The service account key file's fields, or a config error naming `path` (never the secret's content). */
function serviceAccountOf(text: string, path: string): ServiceAccount {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (
    isRecord(json) &&
    typeof json.client_email === "string" &&
    typeof json.private_key === "string" &&
    json.private_key.includes("PRIVATE KEY")
  ) {
    const tokenUri = typeof json.token_uri === "string" ? json.token_uri : "https://oauth2.googleapis.com/token";
    const keyId = typeof json.private_key_id === "string" ? { private_key_id: json.private_key_id } : {};
    return { client_email: json.client_email, private_key: json.private_key, token_uri: tokenUri, ...keyId };
  }
  throw GatewayError.configError(`${path} is not a service account key file (JSON with client_email and private_key)`);
}

async function signingKey(pem: string, path: string): Promise<CryptoKey> {
  const base64 = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  try {
    const der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  } catch {
    throw GatewayError.configError(`${path}: the service account's private_key is not a PKCS#8 RSA key`);
  }
}

/** The RS256-signed JWT assertion of Google's OAuth JWT grant (RFC 7523) for `account`, issued at `now` (seconds). */
export async function signedAssertion(account: ServiceAccount, now: number, path: string): Promise<string> {
  const header = { alg: "RS256", typ: "JWT", ...(account.private_key_id ? { kid: account.private_key_id } : {}) };
  const claims = { iss: account.client_email, scope: SCOPE, aud: account.token_uri, iat: now, exp: now + LIFETIME_S };
  const input = `${base64url(utf8.encode(JSON.stringify(header)))}.${base64url(utf8.encode(JSON.stringify(claims)))}`;
  const key = await signingKey(account.private_key, path);
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, utf8.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

async function exchange(account: ServiceAccount, path: string, entry: CachedToken): Promise<string> {
  const assertion = await signedAssertion(account, Math.floor(Date.now() / 1000), path);
  const host = new URL(account.token_uri).host;
  const res = await fetch(account.token_uri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
    redirect: "manual",
    // Its own limit, not a request's signal: requests arriving meanwhile share this exchange.
    signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
  });
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok || !isRecord(json) || typeof json.access_token !== "string") {
    const reason = isRecord(json) && typeof json.error === "string" ? ` (${json.error})` : "";
    throw GatewayError.upstreamError(`Vertex AI token exchange at ${host} failed: HTTP ${res.status}${reason}; check ${path}`);
  }
  const lifetime = typeof json.expires_in === "number" && json.expires_in > 0 ? json.expires_in : LIFETIME_S;
  entry.expiresAt = Date.now() + lifetime * 1000 - RENEW_BEFORE_MS;
  return json.access_token;
}

/**
 * An OAuth access token for the service account whose key file is `secret` (its JSON text): cached until shortly
 * before it expires, else a JWT signed with Web Crypto and exchanged at the key's `token_uri`. `path` names the
 * config key in errors.
 */
export function serviceAccountToken(secret: string, path: string): Promise<string> {
  const cached = tokens.get(secret);
  if (cached && cached.expiresAt > Date.now()) return cached.token;
  const account = serviceAccountOf(secret, path);
  if (tokens.size >= MAX_CACHED) tokens.delete(tokens.keys().next().value ?? "");
  // Until the exchange answers, the entry is valid for requests arriving meanwhile (they share the exchange).
  const entry: { token: Promise<string>; expiresAt: number } = { token: Promise.resolve(""), expiresAt: Number.POSITIVE_INFINITY };
  entry.token = exchange(account, path, entry).catch((err: unknown) => {
    if (tokens.get(secret) === entry) tokens.delete(secret);
    throw err;
  });
  tokens.set(secret, entry);
  return entry.token;
}
