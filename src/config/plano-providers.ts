import { KNOWN_PROVIDERS, type KnownProvider, type ProviderInterface } from "../providers/known";

// Plano's names for providers and their keys, as tracegate reads them (validate-providers.ts).

/**
 * Plano per-provider keys that configure Envoy clusters, Plano's router or its retries; none applies to a Worker
 * calling `fetch`. The last group appears in configs Plano renders for itself.
 */
export const PLANO_PROVIDER_KEYS = [
  "http_host",
  "routing_preferences",
  "capabilities",
  "retry_policy",
  "rate_limits",
  "usage",
  "stream",
  "cluster_name",
  "endpoint",
  "port",
  "protocol",
  "base_url_path_prefix",
  "internal",
] as const;

/**
 * Plano's `provider_interface` values, by the API they speak. Plano names the provider there; all of these but
 * `anthropic`/`claude` serve OpenAI Chat Completions. `plano`/`arch` (Plano's own models) and `chatgpt` (the Responses
 * API behind a ChatGPT login) have no counterpart here and stay errors; Bedrock is known by its `amazon_bedrock/`
 * prefix (validate-bedrock.ts).
 */
export const PLANO_INTERFACES: Readonly<Record<string, ProviderInterface>> = {
  openai: "openai",
  anthropic: "anthropic",
  claude: "anthropic",
  azure_openai: "openai",
  deepseek: "openai",
  gemini: "openai",
  groq: "openai",
  mistral: "openai",
  moonshotai: "openai",
  ollama: "openai",
  openrouter: "openai",
  qwen: "openai",
  together_ai: "openai",
  vercel: "openai",
  digitalocean: "openai",
  xai: "openai",
  xiaomi: "openai",
  zhipu: "openai",
  astraflow: "openai",
  astraflow_cn: "openai",
  edenai: "openai",
};

/** Plano's spelling of a provider prefix that tracegate knows under another name. */
const PROVIDER_SPELLINGS: Readonly<Record<string, string>> = { together_ai: "together", do: "digitalocean", do_ai: "digitalocean" };

export function knownProvider(provider: string): KnownProvider | undefined {
  const name = Object.hasOwn(PROVIDER_SPELLINGS, provider) ? PROVIDER_SPELLINGS[provider] : provider;
  return name !== undefined && Object.hasOwn(KNOWN_PROVIDERS, name) ? KNOWN_PROVIDERS[name] : undefined;
}

