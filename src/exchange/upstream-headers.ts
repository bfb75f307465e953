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
  const headers = { first: { ...lowerCased(adapter.fixedHeaders), "content-type": "application/json" }, last };
  cache.set(provider, { env, headers });
  return headers;
}

/**
 * Headers for the provider request: content type, the interface's fixed headers, client headers of the same API,
 * the provider's configured `headers`, and the key (configured, or the client's own with `passthrough_auth`).
 * A plain record with lower-case names: fetch takes it as is, without a Headers object per request.
 */
export function upstreamHeaders(
  provider: ProviderConfig,
  format: ApiFormat,
  client: Headers,
  env: Env,
  streaming: boolean,
  consumed: CredentialHeader | undefined,
): HeaderRecord {
  const adapter = ADAPTERS[provider.interface];
  const { first, last } = providerHeaders(provider, env);
  const headers: HeaderRecord = { ...first, accept: streaming ? "text/event-stream" : "application/json" };
  if (format === provider.interface) {
    for (const name of adapter.forwardedClientHeaders) {
      const value = client.get(name);
      if (value !== null) headers[name] = value;
    }
  }
  Object.assign(headers, last);
  if (provider.passthroughAuth) {
    const key = presentedCredential(client, consumed)?.value;
    if (key !== undefined) Object.assign(headers, keyHeaders(provider, key));
  }
  return headers;
}
