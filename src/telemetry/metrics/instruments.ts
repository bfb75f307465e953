// The instruments tracegate records on every request (docs/metrics.md). Names, units and advised bucket boundaries
// from the semantic conventions: gen-ai-metrics.md (v1.41, unchanged in semantic-conventions-genai main, so the
// OTEL_SEMCONV_STABILITY_OPT_IN opt-in renames no instrument) and http-metrics.md (v1.41).

/** A histogram (explicit buckets) or a monotonic sum; both exported with delta temporality. */
export interface Instrument {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** Explicit bucket boundaries for a histogram; undefined for a counter (monotonic sum of doubles). */
  readonly boundaries: readonly number[] | undefined;
}

/** gen_ai.client.token.usage: advised boundaries, powers of 4 from 1 to 4^13. */
const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** The GenAI durations (operation, first chunk, per chunk): 10 ms doubling up to 81.92 s. */
export const GENAI_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** http.server.request.duration's advised boundaries. */
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export const TOKEN_USAGE: Instrument = {
  name: "gen_ai.client.token.usage",
  unit: "{token}",
  description: "Number of input and output tokens used.",
  boundaries: TOKEN_BOUNDARIES,
};

export const OPERATION_DURATION: Instrument = {
  name: "gen_ai.client.operation.duration",
  unit: "s",
  description: "GenAI operation duration.",
  boundaries: GENAI_SECONDS,
};

export const TIME_TO_FIRST_CHUNK: Instrument = {
  name: "gen_ai.client.operation.time_to_first_chunk",
  unit: "s",
  description: "Time to receive the first chunk of a streamed response, from when the request was sent.",
  boundaries: GENAI_SECONDS,
};

export const TIME_PER_OUTPUT_CHUNK: Instrument = {
  name: "gen_ai.client.operation.time_per_output_chunk",
  unit: "s",
  description: "Time per output chunk after the first, from the end of the previous chunk to the end of this one.",
  boundaries: GENAI_SECONDS,
};

export const HTTP_SERVER_DURATION: Instrument = {
  name: "http.server.request.duration",
  unit: "s",
  description: "Duration of HTTP server requests.",
  boundaries: HTTP_SECONDS,
};

/**
 * The cost of model calls in US dollars, as priced by tracegate (no convention names one; LiteLLM's Prometheus
 * `litellm_spend_metric` is the nearest peer). A counter, so sums per client/model/day are exact.
 */
export const CLIENT_COST: Instrument = {
  name: "tracegate.client.cost",
  unit: "{USD}",
  description: "Cost of model calls in US dollars, from tracegate's price table and the provider's usage.",
  boundaries: undefined,
};

/** The index of the first boundary >= value (OTel explicit buckets are upper-inclusive), or boundaries.length. */
export function bucketIndex(boundaries: readonly number[], value: number): number {
  let i = 0;
  while (i < boundaries.length && value > (boundaries[i] as number)) i++;
  return i;
}
