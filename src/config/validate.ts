import {
  checkKeys,
  expectMapping,
  expectPositiveInteger,
  fail,
  isMapping,
  keyPath,
  newIssues,
  type Issues,
  type Mapping,
} from "./check";
import type { ConfigResult } from "./load";
import { validateProviders, type ModelCatalog } from "./validate-providers";
import { validateTracing } from "./validate-tracing";
import { validateAuth } from "./validate-auth";
import { validateCors } from "./validate-cors";
import { validateRateLimits } from "./validate-ratelimits";
import type { GatewayConfig } from "./types";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const TOP_KEYS = ["model_providers", "llm_providers", "model_aliases", "tracing", "limits", "cors", "auth", "ratelimits"];

/**
 * Top-level Plano keys for what an Envoy-based gateway does besides proxying models (listeners, prompt targets and
 * function calling, agents, guards, rate limits, routing, state). Accepted so a Plano config loads unchanged.
 */
const PLANO_TOP_KEYS = [
  "version",
  "listeners",
  "endpoints",
  "prompt_targets",
  "prompt_guards",
  "system_prompt",
  "overrides",
  "agents",
  "filters",
  "state_storage",
  "routing",
  "routing_preferences",
  "model_metrics_sources",
  "mode",
  "error_target",
];

const ALIAS_KEYS = ["target", "targets"];
const LIMIT_KEYS = ["max_body_bytes"];

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
function aliasTargets(spec: Record<string, unknown>, path: string, catalog: ModelCatalog, issues: Issues): string[] {
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

function validateAliases(value: unknown, catalog: ModelCatalog, issues: Issues): Record<string, readonly string[]> {
  // Null prototype: a request for model "constructor" must not find Object.prototype.constructor.
  const aliases = Object.create(null) as Record<string, readonly string[]>;
  const map = expectMapping(value, "model_aliases", issues);
  if (!map) return aliases;
  for (const [alias, entry] of Object.entries(map)) {
    const path = keyPath("model_aliases", alias);
    const spec = expectMapping(entry, path, issues);
    if (!spec) continue;
    checkKeys(spec, path, { known: ALIAS_KEYS }, issues);
    const targets = aliasTargets(spec, path, catalog, issues);
    if (targets.length > 0) aliases[alias] = targets;
  }
  return aliases;
}

function validateLimits(value: unknown, issues: Issues): number {
  const map = expectMapping(value, "limits", issues);
  if (!map) return DEFAULT_MAX_BODY_BYTES;
  checkKeys(map, "limits", { known: LIMIT_KEYS }, issues);
  if (map.max_body_bytes === undefined) return DEFAULT_MAX_BODY_BYTES;
  return expectPositiveInteger(map.max_body_bytes, "limits.max_body_bytes", issues) ?? DEFAULT_MAX_BODY_BYTES;
}

/** `model_providers`, or Plano's older `llm_providers`; never both. */
function providersKey(root: Mapping, issues: Issues): "model_providers" | "llm_providers" {
  if (root.llm_providers === undefined) return "model_providers";
  if (root.model_providers !== undefined) {
    fail(issues, "llm_providers", "use either model_providers or llm_providers (its older spelling), not both");
    return "model_providers";
  }
  issues.notices.push("llm_providers: read as model_providers (Plano's older spelling)");
  return "llm_providers";
}

/** Validates a parsed config document; every mistake is reported with its key path. */
export function validateConfig(raw: unknown): ConfigResult {
  if (!isMapping(raw)) return { ok: false, errors: ["config: expected a mapping"] };
  const issues = newIssues();
  checkKeys(raw, "", { known: TOP_KEYS, ignored: PLANO_TOP_KEYS }, issues);

  // A key left empty (`tracing:` with every line below it commented out) counts as absent.
  const given = (name: string): boolean => raw[name] !== undefined && raw[name] !== null;
  const key = providersKey(raw, issues);
  const list = raw[key];
  if (!given(key) || (Array.isArray(list) && list.length === 0)) {
    fail(issues, "model_providers", "at least one provider is required");
  }
  const { providers, catalog } = given(key)
    ? validateProviders(list, key, issues)
    : { providers: [], catalog: { exact: new Set<string>(), wildcards: new Set<string>(), bare: new Map<string, number>() } };

  const aliases = given("model_aliases")
    ? validateAliases(raw.model_aliases, catalog, issues)
    : (Object.create(null) as Record<string, readonly string[]>);
  const tracing = given("tracing") ? validateTracing(raw.tracing, issues) : undefined;
  const maxBodyBytes = given("limits") ? validateLimits(raw.limits, issues) : DEFAULT_MAX_BODY_BYTES;
  const cors = given("cors") ? validateCors(raw.cors, issues) : undefined;
  const auth = given("auth") ? validateAuth(raw.auth, issues) : undefined;
  const rateLimits = given("ratelimits") ? validateRateLimits(raw.ratelimits, issues) : [];

  if (issues.errors.length > 0 || !providers) return { ok: false, errors: issues.errors };
  const config: GatewayConfig = { providers, aliases, tracing, maxBodyBytes, ...(cors ? { cors } : {}), ...(auth ? { auth } : {}), ...(rateLimits.length ? { rateLimits } : {}) };
  return { ok: true, config, notices: issues.notices };
}
