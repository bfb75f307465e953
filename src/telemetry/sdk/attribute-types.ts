// Attribute value types follow the semantic-convention registry, not the JSON value a client happened to send:
// `"temperature": 1` is the double 1.0 (OTLP `doubleValue`), never the int 1. A JS number cannot say which it is, so
// the keys the registry declares `double` are named here, and the OTLP encoders write every number under one of
// them as a double. Numbers under other keys stay what they are (whole numbers int64, others double).

/**
 * Keys the registry declares `double` in both GenAI convention versions tracegate emits (registry.yaml of
 * semantic-conventions v1.41 gen-ai, and semantic-conventions-genai main).
 */
const ALWAYS_DOUBLE: readonly string[] = [
  "gen_ai.request.temperature",
  "gen_ai.request.top_p",
  "gen_ai.request.frequency_penalty",
  "gen_ai.request.presence_penalty",
  "gen_ai.response.time_to_first_chunk",
  // Not a registry key: the call's cost in USD, as Langfuse and OpenLIT read it (docs/tracing.md).
  "gen_ai.usage.cost",
];

/** The conventions in force today (v1.41): `gen_ai.request.top_k` is a double there. */
export const DEFAULT_DOUBLE_KEYS: ReadonlySet<string> = new Set([...ALWAYS_DOUBLE, "gen_ai.request.top_k"]);

/** `gen_ai_latest_experimental` (semantic-conventions-genai main): `gen_ai.request.top_k` became an int. */
export const LATEST_DOUBLE_KEYS: ReadonlySet<string> = new Set(ALWAYS_DOUBLE);
