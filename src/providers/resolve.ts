import type { GatewayConfig, ProviderConfig } from "../config/types";
import type { ModelPrice } from "../pricing/price";

/** Where a requested model goes: the provider entry and the model name the provider receives. */
export interface ModelRoute {
  readonly provider: ProviderConfig;
  readonly upstreamModel: string;
  /** The configured `provider/model` that answered (for `x-tracegate-model` and spans). */
  readonly resolvedModel: string;
  /** The configured `pricing:` of the alias target, else of the provider entry; undefined: the bundled table's. */
  readonly pricing: ModelPrice | undefined;
}

interface ModelIndex {
  readonly exact: ReadonlyMap<string, ProviderConfig>;
  /** Unprefixed model names that only one provider serves (`gpt-4o` for `openai/gpt-4o`). */
  readonly bare: ReadonlyMap<string, ProviderConfig>;
  readonly wildcards: ReadonlyMap<string, ProviderConfig>;
  readonly fallback: ProviderConfig | undefined;
}

// Built once per validated config object; the WeakMap lets it go with the config.
const indexes = new WeakMap<GatewayConfig, ModelIndex>();

function buildIndex(config: GatewayConfig): ModelIndex {
  const exact = new Map<string, ProviderConfig>();
  const bareCount = new Map<string, ProviderConfig | null>();
  const wildcards = new Map<string, ProviderConfig>();
  for (const p of config.providers) {
    if (p.model === "*") {
      if (!wildcards.has(p.provider)) wildcards.set(p.provider, p);
      continue;
    }
    exact.set(`${p.provider}/${p.model}`, p);
    if (!exact.has(p.name)) exact.set(p.name, p);
    bareCount.set(p.model, bareCount.has(p.model) ? null : p);
  }
  const bare = new Map<string, ProviderConfig>();
  for (const [model, p] of bareCount) if (p) bare.set(model, p);
  return { exact, bare, wildcards, fallback: config.providers.find((p) => p.isDefault) };
}

function indexOf(config: GatewayConfig): ModelIndex {
  let index = indexes.get(config);
  if (!index) {
    index = buildIndex(config);
    indexes.set(config, index);
  }
  return index;
}

function routeTo(p: ProviderConfig, model: string): ModelRoute {
  return { provider: p, upstreamModel: model, resolvedModel: `${p.provider}/${model}`, pricing: p.pricing };
}

/** Exact model or provider name, then bare model name when unambiguous, then `provider/*`. */
function resolveDirect(index: ModelIndex, requested: string): ModelRoute | undefined {
  const exact = index.exact.get(requested) ?? index.bare.get(requested);
  if (exact) return routeTo(exact, exact.model);
  const slash = requested.indexOf("/");
  if (slash > 0) {
    const wildcard = index.wildcards.get(requested.slice(0, slash));
    if (wildcard) return routeTo(wildcard, requested.slice(slash + 1));
  }
  return undefined;
}

/**
 * Where a requested model goes, in the order to try: the exact model, else an alias's targets (several when the
 * alias lists fallbacks), else a `provider/*` wildcard, else the `default: true` provider. Empty when unknown.
 */
export function resolveRoutes(config: GatewayConfig, requested: string): ModelRoute[] {
  const index = indexOf(config);
  const direct = resolveDirect(index, requested);
  if (direct) return [direct];
  const targets = config.aliases[requested];
  if (targets !== undefined) {
    const prices = config.aliasPricing[requested];
    const routes: ModelRoute[] = [];
    targets.forEach((t, i) => {
      const route = resolveDirect(index, t);
      const pricing = prices?.[i];
      if (route) routes.push(pricing ? { ...route, pricing } : route);
    });
    if (routes.length > 0) return routes;
  }
  const fallback = index.fallback;
  if (!fallback) return [];
  const slash = requested.indexOf("/");
  return [routeTo(fallback, fallback.model === "*" ? requested.slice(slash + 1) : fallback.model)];
}

/** The model ids a client can name: configured models (wildcards excluded) and aliases. */
export function listModels(config: GatewayConfig): { id: string; ownedBy: string }[] {
  const models = config.providers
    .filter((p) => p.model !== "*")
    .map((p) => ({ id: `${p.provider}/${p.model}`, ownedBy: p.provider }));
  for (const alias of Object.keys(config.aliases)) models.push({ id: alias, ownedBy: "tracegate-alias" });
  return models;
}

/**
 * The model a client can name as `id`: a listed one (configured model or alias), or one a `provider/*` wildcard
 * serves (`openai/gpt-4o` under `openai/*`). Undefined otherwise: the `default: true` catch-all is not a model.
 */
export function findModel(config: GatewayConfig, id: string): { id: string; ownedBy: string } | undefined {
  const listed = listModels(config).find((m) => m.id === id);
  if (listed) return listed;
  const slash = id.indexOf("/");
  const wildcard = slash > 0 ? indexOf(config).wildcards.get(id.slice(0, slash)) : undefined;
  return wildcard && slash < id.length - 1 ? { id, ownedBy: wildcard.provider } : undefined;
}
