import { GatewayError } from "../errors";

/** `$NAME` / `${NAME}` references in the config, resolved from the Worker's bindings (secrets and vars). */

export type SecretResult = { ok: true; value: string | undefined } | { ok: false; error: string };

const REFERENCE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/;

/** The binding name of a `$NAME` or `${NAME}` reference; undefined for anything else (a literal). */
export function secretName(ref: string): string | undefined {
  const match = REFERENCE.exec(ref.trim());
  return match ? (match[1] ?? match[2]) : undefined;
}

/** A string that starts like a reference but is not one (`$`, `${KEY`, `$MY-KEY`): almost surely a typo. */
export function isMalformedReference(ref: string): boolean {
  return ref.trim().startsWith("$") && secretName(ref) === undefined;
}

/**
 * Resolves a config value that may name a secret. A literal comes back as is; `undefined` stays undefined.
 * Errors name the path and the binding, never a value: neither the binding's nor the literal's.
 */
export function resolveSecret(
  ref: string | undefined,
  env: Readonly<Record<string, unknown>>,
  path: string,
): SecretResult {
  if (ref === undefined) return { ok: true, value: undefined };
  const name = secretName(ref);
  if (name === undefined) return { ok: true, value: ref };
  const fix = `set it with \`wrangler secret put ${name}\` (or a ${name}=... line in .dev.vars for wrangler dev)`;
  const value = env[name];
  if (value === undefined || value === null) {
    return { ok: false, error: `${path}: secret ${name} is not set; ${fix}` };
  }
  if (typeof value !== "string") {
    return { ok: false, error: `${path}: binding ${name} is not a text secret or variable; ${fix}` };
  }
  if (value === "") return { ok: false, error: `${path}: secret ${name} is empty; ${fix}` };
  return { ok: true, value };
}

/**
 * A secret a call needs, resolved; an unset one is a 500 config error naming `path` for clients, the binding and
 * how to set it only in the log (and /healthz names the key). Resolved per call: the binding may be set by the next
 * deploy, and the error must name it on every request.
 */
export function requireSecret(ref: string | undefined, env: Readonly<Record<string, unknown>>, path: string): string | undefined {
  const secret = resolveSecret(ref, env, path);
  if (secret.ok) return secret.value;
  console.error(`tracegate: ${secret.error}`);
  throw GatewayError.configError(`${path} is not set; the gateway's log says how to set it`);
}
