import { validateConfig, type ConfigResult } from "./validate";
import { YamlError } from "./yaml/cursor";
import { parseYaml, type YamlDocuments } from "./yaml/parse";

export type { ConfigResult };

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseConfigText(text: string): ConfigResult {
  let parsed: YamlDocuments;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    return { ok: false, errors: [`config: invalid YAML at line ${error.line}: ${error.reason}`] };
  }
  if (parsed.documents === 0) return { ok: false, errors: ["config: expected a mapping, but the config is empty"] };
  if (parsed.documents > 1) {
    return { ok: false, errors: [`config: expected one YAML document, found ${parsed.documents} (separated by ---)`] };
  }
  return validateConfig(parsed.value);
}

// The config text only changes with a deploy or a new GATEWAY_CONFIG value, and both start new isolates, so each
// isolate parses and validates it once instead of on every request. Keyed by the text itself; a few entries cover
// tests and `wrangler dev` reloads that swap configs inside one isolate. Bounded so a stream of distinct texts
// cannot grow memory: past the limit the least recently used entry goes (a Map iterates in insertion order).
const CACHE_LIMIT = 8;
const cache = new Map<string, ConfigResult>();

const EMPTY_OVERRIDE: ConfigResult = {
  ok: false,
  errors: ["GATEWAY_CONFIG is set but empty: give it the config, or remove the binding to use the bundled config"],
};

/**
 * The config in effect: `override` (the GATEWAY_CONFIG binding) when set, else the bundled text. A binding that is
 * set but blank is an error, not a silent fallback to the bundled config (`auth: none` and the mock provider).
 * The same text returns the same result object, so per-config indexes (WeakMap-keyed) are built once too.
 */
export function loadConfig(bundledText: string, override: string | undefined): ConfigResult {
  if (typeof override === "string" && override.trim() === "") return EMPTY_OVERRIDE;
  const text = override ?? bundledText;
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const result = parseConfigText(text);
  if (result.ok && result.notices.length > 0) {
    console.warn(`tracegate config notices:\n  ${result.notices.join("\n  ")}`);
  }
  cache.set(text, result);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  return result;
}
