import type { ProviderConfig } from "../config/types";
import { resolveSecret } from "../config/secrets";
import { GatewayError, type ApiFormat } from "../errors";
import { ADAPTERS, clientKey } from "../providers/adapters";

/**
 * Headers for the provider request: content type, the interface's fixed headers, client headers of the same API,
 * the provider's configured `headers`, and the key (configured, or the client's own with `passthrough_auth`).
 */
export function upstreamHeaders(
  provider: ProviderConfig,
  format: ApiFormat,
  client: Headers,
  env: Readonly<Record<string, unknown>>,
  streaming: boolean,
): Headers {
  const adapter = ADAPTERS[provider.interface];
  const headers = new Headers(adapter.fixedHeaders);
  headers.set("content-type", "application/json");
  headers.set("accept", streaming ? "text/event-stream" : "application/json");
  if (format === provider.interface) {
    for (const name of adapter.forwardedClientHeaders) {
      const value = client.get(name);
      if (value !== null) headers.set(name, value);
    }
  }
  for (const [name, value] of Object.entries(provider.headers)) headers.set(name, value);
  const key = providerKey(provider, client, env);
  if (key !== undefined) for (const [name, value] of Object.entries(adapter.authHeaders(key))) headers.set(name, value);
  return headers;
}

function providerKey(
  provider: ProviderConfig,
  client: Headers,
  env: Readonly<Record<string, unknown>>,
): string | undefined {
  if (provider.passthroughAuth) return clientKey(client);
  const secret = resolveSecret(provider.accessKey, env, `model_providers[name=${provider.name}].access_key`);
  if (!secret.ok) throw new GatewayError(500, "config_error", secret.error);
  return secret.value;
}
