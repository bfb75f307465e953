import { expectMapping, fail, keyPath, type Issues } from "./check";
import { mapping, unchecked } from "./schema";
import type { ModelCatalog } from "./validate-providers";

// Both read together (one or the other, with its own messages) once the mapping's keys are known to be right.
const readAlias = mapping({ target: unchecked, targets: unchecked });
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

/** `target: model` or `targets: [a, b, c]` (tried in order when one fails): the list of models an alias names. */
function aliasTargets(spec: AliasSpec, path: string, catalog: ModelCatalog, issues: Issues): string[] {
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
  const targets: string[] = [];
  list.forEach((target, i) => {
    const at = single ? `${path}.target` : `${path}.targets[${i}]`;
    if (typeof target !== "string" || target.trim() === "") fail(issues, at, "expected a model name");
    else if (checkAliasTarget(target, catalog, at, issues)) targets.push(target);
  });
  return targets.length === list.length ? targets : [];
}

/** `model_aliases:`: alias -> target models (`openai/gpt-4o` or a provider `name`), tried in order when one fails. */
export function validateAliases(value: unknown, catalog: ModelCatalog, issues: Issues): Record<string, readonly string[]> {
  // Null prototype: a request for model "constructor" must not find Object.prototype.constructor.
  const aliases = Object.create(null) as Record<string, readonly string[]>;
  const map = expectMapping(value, "model_aliases", issues);
  if (!map) return aliases;
  for (const [alias, entry] of Object.entries(map)) {
    const path = keyPath("model_aliases", alias);
    const spec = readAlias(entry, path, issues);
    if (!spec) continue;
    const targets = aliasTargets(spec, path, catalog, issues);
    if (targets.length > 0) aliases[alias] = targets;
  }
  return aliases;
}
