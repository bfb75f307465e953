import { isHeaderName, isHeaderValue } from "./header-syntax";

/**
 * The checks the config validator is built from (schema.ts composes them into mappings). Every check appends
 * `"<path>: <message>"` to `issues.errors` (or `issues.notices`) and returns undefined on failure, so one pass
 * collects every mistake. Messages quote only values that cannot be secret (model names, enum choices), never an
 * `access_key` or a header value: a mistyped key may still be a real one.
 */

export type Mapping = Readonly<Record<string, unknown>>;

export interface Issues {
  readonly errors: string[];
  readonly notices: string[];
}

/** Checks one value at `path`: the value as the config holds it, or undefined after reporting why into `issues`. */
export type Check<T> = (value: unknown, path: string, issues: Issues) => T | undefined;

export function newIssues(): Issues {
  return { errors: [], notices: [] };
}

export function fail(issues: Issues, path: string, message: string): undefined {
  issues.errors.push(`${path}: ${message}`);
  return undefined;
}

/** `a.b`, `a["odd key"]`: map keys that are not plain words are quoted so the path stays unambiguous. */
export function keyPath(path: string, key: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return value === "" ? "an empty string" : "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "a mapping";
    default:
      return typeof value;
  }
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function expectMapping(value: unknown, path: string, issues: Issues): Mapping | undefined {
  if (isMapping(value)) return value;
  return fail(issues, path, `expected a mapping, got ${kindOf(value)}`);
}

export function expectList(value: unknown, path: string, issues: Issues): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return fail(issues, path, `expected a list, got ${kindOf(value)}`);
}

/** A non-empty string. */
export function expectString(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value;
  return fail(issues, path, `expected a non-empty string, got ${kindOf(value)}`);
}

export function expectBoolean(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (typeof value === "boolean") return value;
  return fail(issues, path, `expected true or false, got ${kindOf(value)}`);
}

export function expectNumberIn(value: unknown, min: number, max: number, path: string, issues: Issues): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) return value;
  return fail(issues, path, `expected a number from ${min} to ${max}, got ${typeof value === "number" ? value : kindOf(value)}`);
}

export function expectPositiveInteger(value: unknown, path: string, issues: Issues): number | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  return fail(issues, path, `expected a positive integer, got ${typeof value === "number" ? value : kindOf(value)}`);
}

export function expectOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  issues: Issues,
): T | undefined {
  const found = allowed.find((a) => a === value);
  if (found !== undefined) return found;
  const list = allowed.map((a) => `"${a}"`).join(", ");
  return fail(issues, path, `expected one of ${list}, got ${typeof value === "string" ? `"${value}"` : kindOf(value)}`);
}

export function expectStringList(value: unknown, path: string, issues: Issues): string[] | undefined {
  const list = expectList(value, path, issues);
  if (!list) return undefined;
  const out: string[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const s = expectString(item, `${path}[${i}]`, issues);
    if (s === undefined) ok = false;
    else out.push(s);
  });
  return ok ? out : undefined;
}

/**
 * An http: or https: URL without credentials or fragment, and without a query unless `allowQuery` (a JWKS URL may
 * carry one; a base URL or an OTLP endpoint gets paths appended, so a query there would be misplaced).
 */
export function expectHttpUrl(value: unknown, path: string, issues: Issues, allowQuery = false): URL | undefined {
  const text = expectString(value, path, issues);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return fail(issues, path, "expected an http(s) URL such as https://api.example.com/v1");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return fail(issues, path, `expected an http(s) URL, not ${url.protocol}`);
  }
  if ((url.search !== "" && !allowQuery) || url.hash !== "" || url.username !== "" || url.password !== "") {
    const parts = allowQuery ? "credentials or fragment" : "credentials, query or fragment";
    return fail(issues, path, `expected an http(s) URL without ${parts}`);
  }
  return url;
}

/** `{name: value}` HTTP headers: names must be valid tokens, values strings without line breaks. */
export function expectHeaders(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  const entries: [string, string][] = [];
  let ok = true;
  for (const [name, v] of Object.entries(map)) {
    const at = keyPath(path, name);
    if (!isHeaderName(name)) {
      ok = false;
      fail(issues, at, "invalid HTTP header name");
    } else if (typeof v !== "string") {
      ok = false;
      fail(issues, at, `expected a string, got ${kindOf(v)}`);
    } else if (!isHeaderValue(v)) {
      ok = false;
      fail(issues, at, "header value must not contain line breaks");
    } else {
      entries.push([name, v]);
    }
  }
  // fromEntries defines own properties, so a `__proto__` key stays a plain key.
  return ok ? Object.fromEntries(entries) : undefined;
}

/** Levenshtein distance, for "did you mean" hints on short key names. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate within 2 edits (1 for short keys), if any. */
export function suggest(key: string, candidates: readonly string[]): string | undefined {
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = distance(key.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export interface KeySpec {
  /** Keys tracegate reads. */
  readonly known: readonly string[];
  /** Plano keys accepted without effect; each present one gets a notice. */
  readonly ignored?: readonly string[];
  /** A specific notice for some ignored keys, instead of the generic one. */
  readonly reasons?: Readonly<Record<string, string>>;
}

export const IGNORED_NOTICE = "ignored (Plano key with no meaning at the edge)";

/** Errors for unknown keys (with a suggestion), notices for ignored Plano keys. */
export function checkKeys(map: Mapping, path: string, spec: KeySpec, issues: Issues): void {
  const ignored = spec.ignored ?? [];
  for (const key of Object.keys(map)) {
    if (spec.known.includes(key)) continue;
    const at = keyPath(path, key);
    if (ignored.includes(key)) {
      const reason = spec.reasons && Object.hasOwn(spec.reasons, key) ? spec.reasons[key] : undefined;
      issues.notices.push(`${at}: ${reason ?? IGNORED_NOTICE}`);
      continue;
    }
    const hint = suggest(key, [...spec.known, ...ignored]);
    fail(issues, at, hint === undefined ? "unknown key" : `unknown key (did you mean "${hint}"?)`);
  }
}
