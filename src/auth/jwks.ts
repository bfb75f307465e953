import { Jwt } from "hono/utils/jwt";

export type JwkSet = Parameters<typeof Jwt.verifyWithJwks>[1]["keys"];

/** A fetched key set is used this long before it is fetched again. */
const JWKS_TTL_MS = 10 * 60_000;
/** A JWKS server that does not answer within this is a failure: the client gets 503, not a hanging request. */
const JWKS_TIMEOUT_MS = 5_000;
/** After a failed fetch, requests fail at once (or use the last good keys) for this long instead of fetching again. */
const JWKS_RETRY_AFTER_MS = 30_000;
const MAX_JWKS = 8;

/** The JWKS could not be had: the gateway cannot verify tokens right now (503, not the client's fault). */
export class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
}

interface JwksEntry {
  keys?: JwkSet;
  fetchedAt: number;
  /** When the last fetch failed; no new fetch before JWKS_RETRY_AFTER_MS has passed. */
  failedAt?: number;
  failure?: string;
  /** The fetch under way, shared by every request that needs the keys meanwhile. */
  inFlight?: Promise<JwkSet>;
}

// Isolate cache of key sets by URL, bounded (MAX_JWKS URLs, oldest evicted): one fetch per URL and TTL, shared by
// concurrent requests, and a short negative cache so a failing JWKS server is not asked once per request.
const cache = new Map<string, JwksEntry>();

async function fetchKeys(url: string): Promise<JwkSet> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === "TimeoutError";
    throw new JwksUnavailableError(timedOut ? `no answer within ${JWKS_TIMEOUT_MS} ms` : "unreachable");
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new JwksUnavailableError(`answered HTTP ${res.status}`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (typeof body !== "object" || body === null || !("keys" in body) || !Array.isArray(body.keys)) {
    throw new JwksUnavailableError('answered without a "keys" array');
  }
  return body.keys as JwkSet;
}

function entryFor(url: string): JwksEntry {
  let entry = cache.get(url);
  if (!entry) {
    entry = { fetchedAt: 0 };
    cache.set(url, entry);
    if (cache.size > MAX_JWKS) cache.delete(cache.keys().next().value ?? url);
  }
  return entry;
}

function refresh(url: string, entry: JwksEntry): Promise<JwkSet> {
  entry.inFlight ??= fetchKeys(url)
    .then((keys) => {
      Object.assign(entry, { keys, fetchedAt: Date.now(), failedAt: undefined, failure: undefined });
      return keys;
    })
    .catch((err: unknown) => {
      entry.failedAt = Date.now();
      entry.failure = err instanceof Error ? err.message : String(err);
      // Once per failed fetch (at most every JWKS_RETRY_AFTER_MS): the operator must know tokens cannot be verified.
      console.error(`tracegate: auth.jwt.jwks_url ${url} ${entry.failure}; ${entry.keys ? "using the last keys" : "tokens cannot be verified"}`);
      if (entry.keys) return entry.keys; // stale keys beat refusing every client while the server is down
      throw err;
    })
    .finally(() => {
      entry.inFlight = undefined;
    });
  return entry.inFlight;
}

/**
 * The key set at `url`: cached for JWKS_TTL_MS, fetched once for all concurrent requests, with a timeout. While a
 * failed fetch is recent, the last good keys are used, or JwksUnavailableError is thrown without fetching again.
 */
export function jwksKeys(url: string, now = Date.now()): Promise<JwkSet> {
  const entry = entryFor(url);
  if (entry.keys && now - entry.fetchedAt < JWKS_TTL_MS) return Promise.resolve(entry.keys);
  if (entry.failedAt !== undefined && now - entry.failedAt < JWKS_RETRY_AFTER_MS) {
    if (entry.keys) return Promise.resolve(entry.keys);
    return Promise.reject(new JwksUnavailableError(entry.failure ?? "unavailable"));
  }
  return refresh(url, entry);
}
