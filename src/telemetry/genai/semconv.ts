import type { Attributes } from "@opentelemetry/api";

// The GenAI conventions keep moving (semantic-conventions v1.41 -> semantic-conventions-genai). Per their transition
// plan, tracegate emits the version in force today by default and the newest one when OTEL_SEMCONV_STABILITY_OPT_IN
// lists `gen_ai_latest_experimental` (settings.latestGenAi). The mappers write today's names; this rewrites a call's
// attributes in place for the newest version. Only called under the opt-in, so the default path costs nothing.

/** Renamed attributes: today's name -> the newest name (semantic-conventions-genai changelog, #440). */
export const LATEST_GENAI_RENAMES: Readonly<Record<string, string>> = {
  "gen_ai.usage.cache_creation.input_tokens": "gen_ai.usage.cache_write.input_tokens",
};

/**
 * `attrs` in the newest conventions: renamed keys moved; `gen_ai.request.top_k`, an int there (a double in v1.41),
 * left out when it is not a whole number.
 */
export function toLatestGenAi(attrs: Attributes): void {
  for (const from in LATEST_GENAI_RENAMES) {
    const value = attrs[from];
    if (value === undefined) continue;
    attrs[LATEST_GENAI_RENAMES[from] as string] = value;
    delete attrs[from];
  }
  const topK = attrs["gen_ai.request.top_k"];
  if (typeof topK === "number" && !Number.isSafeInteger(topK)) delete attrs["gen_ai.request.top_k"];
}
