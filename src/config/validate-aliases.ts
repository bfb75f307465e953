import type { ModelPrice } from "../pricing/price";
import { expectMapping, fail, isMapping, keyPath, type Issues } from "./check";
import { mapping, optional, unchecked } from "./schema";
import { pricingOf } from "./validate-pricing";
import type { ModelCatalog } from "./validate-providers";

// Both read together (one or the other, with its own messages) once the mapping's keys are known to be right.
const readAlias = mapping({ target: unchecked, targets: unchecked, pricing: optional(pricingOf) });
/** A `targets:` item with its own price: `{model: openai/gpt-4o, pricing: {...}}`. */
const readPricedTarget = mapping({ model: unchecked, pricing: optional(pricingOf) });
type AliasSpec = NonNullable<ReturnType<typeof readAlias>>;

/** An alias target must resolve the way a request's `model` would: exact/name, unambiguous bare name, wildcard. */
function checkAliasTarget(target: string, catalog: ModelCatalog, path: string, issues: Issues): boolean {
  if (catalog.exact.has(target)) return true;
  const servedBy = catalog.bare.get(target) ?? 0;
  if (servedBy === 1) return true;
  if (servedBy > 1) {
    fail(issues, path, `"${target}" is served by ${servedBy} providers; write "provider/${target}"`);
    return false;
  }
  const slash = target.indexOf("/");
  const rest = target.slice(slash + 1);
  if (slash > 0 && rest !== "" && rest !== "*" && catalog.wildcards.has(target.slice(0, slash))) return true;
  fail(issues, path, `"${target}" is not a configured model (use a model_providers model or name)`);
  return false;
}

/** One alias target: a model name, with the price its calls have when one is configured for it. */
interface AliasTarget {
  readonly model: string;
  readonly pricing: ModelPrice | undefined;
}

/** A `targets:` item: a model name, or `{model, pricing}`; `pricing` is the alias's own when the item has none. */
function targetItem(item: unknown, at: string, pricing: ModelPrice | undefined, issues: Issues): { model: unknown; pricing: ModelPrice | undefined } {
  if (!isMapping(item)) return { model: item, pricing };
  const read = readPricedTarget(item, at, issues);
  return { model: read?.model, pricing: read?.pricing ?? pricing };
}

/** `target: model` or `targets: [a, b, c]` (tried in order when one fails): the list of models an alias names. */
function aliasTargets(spec: AliasSpec, path: string, catalog: ModelCatalog, issues: Issues): AliasTarget[] {
  if (spec.target !== undefined && spec.targets !== undefined) {
    fail(issues, path, 'write either "target" or "targets", not both');
    return [];
  }
  if (spec.target === undefined && spec.targets === undefined) {
    fail(issues, `${path}.target`, 'required, e.g. target: "openai/gpt-4o" (or targets: [a, b] for fallbacks)');
    return [];
  }
  const single = spec.targets === undefined;
  const list: unknown[] = single ? [spec.target] : Array.isArray(spec.targets) ? spec.targets : [];
  if (!single && (!Array.isArray(spec.targets) || spec.targets.length === 0)) {
    fail(issues, `${path}.targets`, "expected a non-empty list of models");
    return [];
  }
  const targets: AliasTarget[] = [];
  list.forEach((item, i) => {
    const at = single ? `${path}.target` : `${path}.targets[${i}]`;
    const { model, pricing } = single ? { model: item, pricing: spec.pricing } : targetItem(item, at, spec.pricing, issues);
    const modelAt = single || !isMapping(item) ? at : `${at}.model`;
    if (typeof model !== "string" || model.trim() === "") fail(issues, modelAt, "expected a model name");
    else if (checkAliasTarget(model, catalog, modelAt, issues)) targets.push({ model, pricing });
  });
  return targets.length === list.length ? targets : [];
}

/** What `model_aliases:` configures: each alias's targets, and their prices where `pricing:` sets one. */
export interface AliasesResult {
  readonly aliases: Record<string, readonly string[]>;
  /** alias -> the price of each target (same order as its targets); only aliases with some `pricing:`. */
  readonly pricing: Record<string, readonly (ModelPrice | undefined)[]>;
}

/** A fresh alias map. Null prototype: a request for model "constructor" must not find Object.prototype.constructor. */
export function emptyAliases(): AliasesResult {
  return { aliases: Object.create(null) as AliasesResult["aliases"], pricing: Object.create(null) as AliasesResult["pricing"] };
}

/** `model_aliases:`: alias -> target models (`openai/gpt-4o` or a provider `name`), tried in order when one fails. */
export function validateAliases(value: unknown, catalog: ModelCatalog, issues: Issues): AliasesResult {
  const result = emptyAliases();
  const map = expectMapping(value, "model_aliases", issues);
  if (!map) return result;
  for (const [alias, entry] of Object.entries(map)) {
    const path = keyPath("model_aliases", alias);
    const spec = readAlias(entry, path, issues);
    if (!spec) continue;
    const targets = aliasTargets(spec, path, catalog, issues);
    if (targets.length === 0) continue;
    result.aliases[alias] = targets.map((t) => t.model);
    if (targets.some((t) => t.pricing)) result.pricing[alias] = targets.map((t) => t.pricing);
  }
  return result;
}
