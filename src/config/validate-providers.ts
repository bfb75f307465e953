import { KNOWN_PROVIDERS, type KnownProvider, type ProviderInterface } from "../providers/known";
import {
  checkKeys,
  kindOf,
  expectBoolean,
  expectPositiveInteger,
  expectHeaders,
  expectHttpUrl,
  expectList,
  expectMapping,
  expectString,
  fail,
  type Issues,
} from "./check";
import { isMalformedReference } from "./secrets";
import { DEFAULT_RETRY, type ProviderConfig, type RetryPolicy } from "./types";

const PROVIDER_KEYS = [
  "model",
  "name",
  "access_key",
  "base_url",
  "provider_interface",
  "default",
  "headers",
  "passthrough_auth",
  "propagate_trace_context",
  "timeout_ms",
  "first_chunk_timeout_ms",
  "retry",
] as const;

const RETRY_KEYS = ["attempts", "on_status", "backoff_ms", "max_delay_ms"];

function validateRetry(value: unknown, path: string, issues: Issues): RetryPolicy | undefined {
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  checkKeys(map, path, { known: RETRY_KEYS }, issues);
  const int = (key: string, fallback: number) =>
    map[key] === undefined ? fallback : (expectPositiveInteger(map[key], `${path}.${key}`, issues) ?? fallback);
  const attempts = int("attempts", DEFAULT_RETRY.attempts);
  if (attempts > 10) fail(issues, `${path}.attempts`, "at most 10");
  let onStatus = DEFAULT_RETRY.onStatus;
  if (map.on_status !== undefined) {
    const list = expectList(map.on_status, `${path}.on_status`, issues);
    const valid = list?.every((s) => typeof s === "number" && Number.isInteger(s) && s >= 400 && s <= 599);
    if (list && !valid) fail(issues, `${path}.on_status`, "expected a list of HTTP statuses from 400 to 599");
    else if (list) onStatus = list as number[];
  }
  return { attempts, onStatus, backoffMs: int("backoff_ms", DEFAULT_RETRY.backoffMs), maxDelayMs: int("max_delay_ms", DEFAULT_RETRY.maxDelayMs) };
}

/**
 * Plano per-provider keys that configure Envoy clusters, Plano's router or its retries; none applies to a Worker
 * calling `fetch`. The last group appears in configs Plano renders for itself.
 */
const PLANO_PROVIDER_KEYS = [
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
 * `anthropic`/`claude` serve OpenAI Chat Completions. `plano`/`arch` (Plano's own models), `chatgpt` (the Responses
 * API behind a ChatGPT login) and `amazon_bedrock` (SigV4) have no counterpart here and stay errors.
 */
const PLANO_INTERFACES: Readonly<Record<string, ProviderInterface>> = {
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
};

/** Plano's spelling of a provider prefix that tracegate knows under another name. */
const PROVIDER_SPELLINGS: Readonly<Record<string, string>> = { together_ai: "together" };

function knownProvider(provider: string): KnownProvider | undefined {
  const name = Object.hasOwn(PROVIDER_SPELLINGS, provider) ? PROVIDER_SPELLINGS[provider] : provider;
  return name !== undefined && Object.hasOwn(KNOWN_PROVIDERS, name) ? KNOWN_PROVIDERS[name] : undefined;
}

/** `provider/model` (the model part may hold more `/`) or `provider/*`; undefined for anything else. */
export function parseModel(text: string): { provider: string; model: string } | undefined {
  const match = /^([^\s/]+)\/(\S+)$/.exec(text);
  const provider = match?.[1];
  const model = match?.[2];
  if (provider === undefined || model === undefined) return undefined;
  if (model !== "*" && (model.includes("*") || model.split("/").includes(""))) return undefined;
  return { provider, model };
}

function parseInterface(value: unknown, path: string, issues: Issues): ProviderInterface | undefined {
  if (typeof value === "string" && Object.hasOwn(PLANO_INTERFACES, value)) return PLANO_INTERFACES[value];
  const got = typeof value === "string" ? `"${value}"` : kindOf(value);
  return fail(issues, path, `expected "openai" or "anthropic" (or a Plano provider speaking one of them), got ${got}`);
}

/** A path in `base_url` replaces the provider's default API prefix; no path keeps the default prefix. */
function baseUrlFrom(url: URL, known: KnownProvider | undefined): string {
  const path = url.pathname.replace(/\/+$/, "");
  if (path !== "") return url.origin + path;
  const prefix = known?.baseUrl === undefined ? "/v1" : new URL(known.baseUrl).pathname.replace(/\/+$/, "");
  return url.origin + prefix;
}

/** What the cross-entry checks and `model_aliases` need from one entry, even when other keys in it are wrong. */
interface EntrySummary {
  readonly path: string;
  /** `provider/model` when `model` is well formed. */
  readonly modelKey: string | undefined;
  readonly explicitName: string | undefined;
  readonly isDefault: boolean;
  readonly config: ProviderConfig | undefined;
}

function validateEntry(raw: unknown, path: string, issues: Issues): EntrySummary {
  const empty: EntrySummary = { path, modelKey: undefined, explicitName: undefined, isDefault: false, config: undefined };
  const entry = expectMapping(raw, path, issues);
  if (!entry) return empty;
  const errorsBefore = issues.errors.length;
  checkKeys(entry, path, { known: PROVIDER_KEYS, ignored: PLANO_PROVIDER_KEYS }, issues);

  const at = (key: string): string => `${path}.${key}`;
  let parsed: { provider: string; model: string } | undefined;
  if (entry.model === undefined) fail(issues, at("model"), 'required, e.g. "openai/gpt-4o" or "openai/*"');
  else if (typeof entry.model !== "string") fail(issues, at("model"), `expected "provider/model", got ${kindOf(entry.model)}`);
  else parsed = parseModel(entry.model) ?? fail(issues, at("model"), 'expected "provider/model"');

  const name = entry.name === undefined ? undefined : expectString(entry.name, at("name"), issues);
  let accessKey: string | undefined;
  if (entry.access_key !== undefined) {
    accessKey = expectString(entry.access_key, at("access_key"), issues);
    if (accessKey !== undefined && isMalformedReference(accessKey)) {
      accessKey = fail(issues, at("access_key"), "malformed secret reference; write $NAME or ${NAME}");
    }
  }
  const flag = (key: string, fallback: boolean): boolean =>
    entry[key] === undefined ? fallback : (expectBoolean(entry[key], at(key), issues) ?? fallback);
  const isDefault = flag("default", false);
  const passthroughAuth = flag("passthrough_auth", false);
  const propagateTraceContext = flag("propagate_trace_context", true);
  const retry = entry.retry === undefined ? DEFAULT_RETRY : (validateRetry(entry.retry, at("retry"), issues) ?? DEFAULT_RETRY);
  const timeoutMs =
    entry.timeout_ms === undefined ? undefined : expectPositiveInteger(entry.timeout_ms, at("timeout_ms"), issues);
  const firstChunkTimeoutMs =
    entry.first_chunk_timeout_ms === undefined
      ? undefined
      : expectPositiveInteger(entry.first_chunk_timeout_ms, at("first_chunk_timeout_ms"), issues);
  const headers = entry.headers === undefined ? {} : expectHeaders(entry.headers, at("headers"), issues);
  const url = entry.base_url === undefined ? undefined : expectHttpUrl(entry.base_url, at("base_url"), issues);
  const explicitInterface =
    entry.provider_interface === undefined ? undefined : parseInterface(entry.provider_interface, at("provider_interface"), issues);

  const modelKey = parsed ? `${parsed.provider}/${parsed.model}` : undefined;
  const summary = { path, modelKey, explicitName: name, isDefault };
  if (!parsed) return { ...summary, config: undefined };

  const known = knownProvider(parsed.provider);
  const providerInterface = explicitInterface ?? known?.interface;
  if (providerInterface === undefined && entry.provider_interface === undefined) {
    fail(issues, at("provider_interface"), `required for provider "${parsed.provider}" ("openai" or "anthropic")`);
  }
  let baseUrl: string | undefined;
  if (url) baseUrl = baseUrlFrom(url, known);
  else if (entry.base_url === undefined) {
    baseUrl = known?.baseUrl ?? fail(issues, at("base_url"), `required for provider "${parsed.provider}"`);
  }

  if (issues.errors.length > errorsBefore || providerInterface === undefined || baseUrl === undefined || !headers) {
    return { ...summary, config: undefined };
  }
  return {
    ...summary,
    config: {
      name: name ?? `${parsed.provider}/${parsed.model}`,
      provider: parsed.provider,
      model: parsed.model,
      interface: providerInterface,
      baseUrl,
      accessKey,
      headers,
      passthroughAuth,
      isDefault,
      propagateTraceContext,
      retry,
      timeoutMs,
      firstChunkTimeoutMs,
      otelName: known?.otelName ?? parsed.provider,
    },
  };
}

/** The names `model_aliases` targets may use. */
export interface ModelCatalog {
  /** `provider/model` of each non-wildcard entry, and every entry's `name`. */
  readonly exact: ReadonlySet<string>;
  /** Providers with a `provider/*` entry. */
  readonly wildcards: ReadonlySet<string>;
  /** Unprefixed model name -> how many entries serve it. */
  readonly bare: ReadonlyMap<string, number>;
}

export interface ProvidersResult {
  /** Undefined when any entry is wrong. */
  readonly providers: ProviderConfig[] | undefined;
  readonly catalog: ModelCatalog;
}

/** Validates `model_providers` (or `llm_providers`; `key` is the spelling used, for paths). */
export function validateProviders(raw: unknown, key: string, issues: Issues): ProvidersResult {
  const list = expectList(raw, key, issues) ?? [];
  const errorsBefore = issues.errors.length;
  const entries = list.map((item, i) => validateEntry(item, `${key}[${i}]`, issues));

  // Model strings and names share one namespace: a client names either.
  const taken = new Map<string, string>();
  let defaultAt: string | undefined;
  const exact = new Set<string>();
  const wildcards = new Set<string>();
  const bare = new Map<string, number>();
  for (const e of entries) {
    if (e.modelKey !== undefined) {
      const owner = taken.get(e.modelKey);
      if (owner !== undefined) fail(issues, `${e.path}.model`, `"${e.modelKey}" is already used by ${owner}`);
      else taken.set(e.modelKey, e.path);
      const slash = e.modelKey.indexOf("/");
      const model = e.modelKey.slice(slash + 1);
      if (model === "*") wildcards.add(e.modelKey.slice(0, slash));
      else {
        exact.add(e.modelKey);
        bare.set(model, (bare.get(model) ?? 0) + 1);
      }
    }
    if (e.explicitName !== undefined && e.explicitName !== e.modelKey) {
      const owner = taken.get(e.explicitName);
      if (owner !== undefined) fail(issues, `${e.path}.name`, `"${e.explicitName}" is already used by ${owner}`);
      else taken.set(e.explicitName, e.path);
      exact.add(e.explicitName);
    }
    if (e.isDefault) {
      if (defaultAt !== undefined) fail(issues, `${e.path}.default`, `only one provider can be the default (${defaultAt} already is)`);
      else defaultAt = e.path;
    }
  }

  const configs = entries.map((e) => e.config);
  const complete = issues.errors.length === errorsBefore && configs.every((c) => c !== undefined);
  return {
    providers: complete ? configs.filter((c): c is ProviderConfig => c !== undefined) : undefined,
    catalog: { exact, wildcards, bare },
  };
}
