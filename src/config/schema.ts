import { checkKeys, expectList, expectMapping, fail, keyPath, type Check, type Issues, type KeySpec } from "./check";

// A tiny typed schema for config mappings. A section is declared once, as the checks of its keys; that declaration
// gives the known keys (unknown ones are errors with a "did you mean"), the order keys are checked in (so errors
// come in a stable order), and, through the checks' return types, the TypeScript type of what was read. The config
// types in types.ts are derived from the validators built on it, never written beside them.

/** How one key of a mapping is read; `value` is undefined when the key is absent. */
export type Field<T> = (value: unknown, path: string, issues: Issues) => T;

type Fields = Readonly<Record<string, Field<unknown>>>;

/** What `mapping(fields)` gives: each key's value as its field reads it. */
export type Read<F extends Fields> = { readonly [K in keyof F]: ReturnType<F[K]> };

/** An optional key: absent gives undefined; present is checked (undefined when wrong). */
export function optional<T>(check: Check<T>): Field<T | undefined> {
  return (value, path, issues) => (value === undefined ? undefined : check(value, path, issues));
}

/** A key with a default: absent gives `fallback`; a wrong value is reported and gives `fallback` too. */
export function withDefault<T>(check: Check<T>, fallback: T): Field<T> {
  return (value, path, issues) => (value === undefined ? fallback : (check(value, path, issues) ?? fallback));
}

/** A required key whose absence deserves its own message (a plain check reports "got nothing"). */
export function required<T>(check: Check<T>, message: string): Field<T | undefined> {
  return (value, path, issues) => (value === undefined ? fail(issues, path, message) : check(value, path, issues));
}

/** A known key read as is, for the caller to check after the mapping when its check depends on other keys. */
export const unchecked: Field<unknown> = (value) => value;

/** A list whose items are each checked at `path[i]`; items that fail (or are skipped with a notice) are left out. */
export function listOf<T>(check: Check<T>): Check<T[]> {
  return (value, path, issues) => {
    const list = expectList(value, path, issues);
    if (!list) return undefined;
    const out: T[] = [];
    list.forEach((item, i) => {
      const read = check(item, `${path}[${i}]`, issues);
      if (read !== undefined) out.push(read);
    });
    return out;
  };
}

/**
 * A mapping with exactly the keys of `fields`, each read by its field in the order written. Keys that are not
 * fields are errors with a suggestion, except Plano's `ignored` keys, which get a notice.
 */
export function mapping<F extends Fields>(fields: F, plano: Omit<KeySpec, "known"> = {}): Check<Read<F>> {
  const spec: KeySpec = { known: Object.keys(fields), ...plano };
  return (value, path, issues) => {
    const map = expectMapping(value, path, issues);
    if (!map) return undefined;
    checkKeys(map, path, spec, issues);
    const read: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) read[key] = field(map[key], keyPath(path, key), issues);
    return read as Read<F>;
  };
}

/**
 * The validated config as the rest of the gateway sees it: read-only all the way down, since one config object
 * serves every request of an isolate.
 */
export type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;
