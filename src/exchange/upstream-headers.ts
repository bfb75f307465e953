import type { ProviderConfig } from "../config/types";
import { requireSecret, secretName } from "../config/secrets";
import type { ApiFormat } from "../errors";
import { presentedCredential, type CredentialHeader } from "../auth/credentials";
import { ADAPTERS } from "../providers/adapters";

type Env = Readonly<Record<string, unknown>>;
export type HeaderRecord = Record<string, string>;

/** What a provider's requests always carry, before and after the per-request headers; built once per provider. */
interface ProviderHeaders {
  /** The interface's fixed headers and the content type. */
  readonly first: Readonly<HeaderRecord>;
  /** The provider's configured `headers` and its configured key: these win over anything the client sent. */
  readonly last: Readonly<HeaderRecord>;
  /** The whole record of a request that adds nothing of its own (the usual case), streamed or not; frozen. */
  readonly whole: { readonly streamed: Readonly<HeaderRecord>; readonly answered: Readonly<HeaderRecord> };
}

// The whole records above as Headers objects, made once: fetch converts a plain record name by name, through the
// runtime, on every request (about 8k instructions for three headers, measured in workerd); a Headers it copies.
const fetchHeaders = new WeakMap<Readonly<HeaderRecord>, Headers>();

/** The Headers object made once for one of a provider's whole records, else the record as it is. */
export function asFetchHeaders(headers: Readonly<HeaderRecord>): HeadersInit {
  return fetchHeaders.get(headers) ?? headers;
}

function wholeRecord(first: Readonly<HeaderRecord>, accept: string, last: Readonly<HeaderRecord>): Readonly<HeaderRecord> {
  const record = Object.freeze({ ...first, accept, ...last });
  fetchHeaders.set(record, new Headers(record));
  return record;
}

// Per validated provider config (and the env its `$VAR` key resolves from): the same provider object serves every
// request of the isolate, so header names are lower-cased and the key resolved once, not per request.
const cache = new WeakMap<ProviderConfig, { env: Env; headers: ProviderHeaders }>();

function lowerCased(record: Readonly<HeaderRecord>): HeaderRecord {
  const out: HeaderRecord = {};
  for (const [name, value] of Object.entries(record)) out[name.toLowerCase()] = value;
  return out;
}

/** The key in the interface's header, or in the provider's own (Azure's `api-key`). */
function keyHeaders(provider: ProviderConfig, key: string): HeaderRecord {
  return provider.keyHeader === undefined ? ADAPTERS[provider.interface].authHeaders(key) : { [provider.keyHeader]: key };
}

function providerHeaders(provider: ProviderConfig, env: Env): ProviderHeaders {
  const hit = cache.get(provider);
  if (hit && hit.env === env) return hit.headers;
  const adapter = ADAPTERS[provider.interface];
  const last = lowerCased(provider.headers);
  const where = `model_providers[name=${provider.name}]`;
  // A header whose whole value is `$NAME` is a secret too (Cloudflare AI Gateway's cf-aig-authorization).
  for (const [name, value] of Object.entries(last)) {
    if (secretName(value) !== undefined) last[name] = requireSecret(value, env, `${where}.headers.${name}`) ?? "";
  }
  if (!provider.passthroughAuth) {
    const key = requireSecret(provider.accessKey, env, `${where}.access_key`);
    if (key !== undefined) Object.assign(last, keyHeaders(provider, key));
  }
  const first = { ...lowerCased(adapter.fixedHeaders), "content-type": "application/json" };
  const whole = { streamed: wholeRecord(first, "text/event-stream", last), answered: wholeRecord(first, "application/json", last) };
  const headers = { first, last, whole };
  cache.set(provider, { env, headers });
  return headers;
}

/** The client's headers of the provider's own API that the provider is sent, or undefined when it sent none. */
function forwardedFrom(client: Headers, names: readonly string[]): HeaderRecord | undefined {
  let forwarded: HeaderRecord | undefined;
  for (const name of names) {
    const value = client.get(name);
    if (value !== null) (forwarded ??= {})[name] = value;
  }
  return forwarded;
}

/**
 * Headers for the provider request: content type, the interface's fixed headers, client headers of the same API,
 * the provider's configured `headers`, and the key (configured, or the client's own with `passthrough_auth`).
 * A record with lower-case names, read-only: a request that adds nothing of its own gets the provider's record made
 * once (frozen), which `asFetchHeaders` hands fetch as a Headers object made once too.
 */
export function upstreamHeaders(
  provider: ProviderConfig,
  format: ApiFormat,
  client: Headers,
  env: Env,
  streaming: boolean,
  consumed: CredentialHeader | undefined,
): Readonly<HeaderRecord> {
  const adapter = ADAPTERS[provider.interface];
  const { first, last, whole } = providerHeaders(provider, env);
  const forwarded = format === provider.interface ? forwardedFrom(client, adapter.forwardedClientHeaders) : undefined;
  if (forwarded === undefined && !provider.passthroughAuth) return streaming ? whole.streamed : whole.answered;
  const headers: HeaderRecord = { ...first, accept: streaming ? "text/event-stream" : "application/json", ...forwarded, ...last };
  if (provider.passthroughAuth) {
    const key = presentedCredential(client, consumed)?.value;
    if (key !== undefined) Object.assign(headers, keyHeaders(provider, key));
  }
  return headers;
}
