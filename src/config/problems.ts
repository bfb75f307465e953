import type { GatewayConfig } from "./types";
import { resolveSecret, secretName } from "./secrets";

type Env = Readonly<Record<string, unknown>>;

/** The answer to a config without `auth:` (API routes: 500 config_error; /healthz: 503). */
export const NO_AUTH =
  'auth: not configured. Write "auth: none" to serve any client, or list auth.keys / auth.jwt (README: Client auth)';

/**
 * What makes a valid config unusable with these bindings: no `auth:`, no way for any client to authenticate, and
 * `$NAME` references (client keys, the JWT secret, provider keys) whose binding is unset or empty. Each entry names
 * the config path only; the binding names and how to set them are for the operator's log (`details`).
 */
export function configProblems(config: GatewayConfig, env: Env): { problems: string[]; details: string[] } {
  const problems: string[] = [];
  const details: string[] = [];
  const check = (ref: string | undefined, path: string) => {
    const result = resolveSecret(ref, env, path);
    if (result.ok) return;
    problems.push(`${path} is not set`);
    details.push(result.error);
  };
  const auth = config.auth;
  if (!auth) problems.push(NO_AUTH);
  else if (auth.kind === "clients") {
    if (auth.keys.length === 0 && !auth.jwt) problems.push("auth.keys is empty and auth.jwt is not set: no client can authenticate");
    for (const key of auth.keys) if ("ref" in key) check(key.ref, `auth.keys[name=${key.name}].key`);
    if (auth.jwt?.secretRef !== undefined) check(auth.jwt.secretRef, "auth.jwt.secret");
  }
  for (const provider of config.providers) {
    if (provider.passthroughAuth || provider.accessKey === undefined) continue;
    if (secretName(provider.accessKey) !== undefined) check(provider.accessKey, `model_providers[name=${provider.name}].access_key`);
  }
  return { problems, details: details.length > 0 ? details : problems };
}

// Once per (config, env): the problems do not change between requests, and the operator's log gets them once per
// isolate, not once per request.
const cache = new WeakMap<GatewayConfig, { env: Env; problems: readonly string[] }>();

/** configProblems, computed and logged once per config object and bindings. */
export function problemsOf(config: GatewayConfig, env: Env): readonly string[] {
  const hit = cache.get(config);
  if (hit && hit.env === env) return hit.problems;
  const { problems, details } = configProblems(config, env);
  if (problems.length > 0) console.error(`tracegate: the config cannot serve every request:\n  ${details.join("\n  ")}`);
  cache.set(config, { env, problems });
  return problems;
}
