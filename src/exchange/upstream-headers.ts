import type { ProviderConfig } from "../config/types";
import { resolveSecret } from "../config/secrets";
import { GatewayError, type ApiFormat } from "../errors";
import { presentedCredential, type CredentialHeader } from "../auth/credentials";
import { ADAPTERS } from "../providers/adapters";

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
  consumed: CredentialHeader | undefined,
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
  const key = providerKey(provider, client, env, consumed);
  if (key !== undefined) for (const [name, value] of Object.entries(adapter.authHeaders(key))) headers.set(name, value);
  return headers;
}

function providerKey(
  provider: ProviderConfig,
  client: Headers,
  env: Readonly<Record<string, unknown>>,
  consumed: CredentialHeader | undefined,
): string | undefined {
  if (provider.passthroughAuth) return presentedCredential(client, consumed)?.value;
  const secret = resolveSecret(provider.accessKey, env, `model_providers[name=${provider.name}].access_key`);
  if (!secret.ok) throw new GatewayError(500, "config_error", secret.error);
  return secret.value;
}
