// @ts-check
// What the list, the filters and the per-model table read from the spans: one line per trace, `--where` and
// `--since` matching, and per-model statistics. Shared by the JSON API (hence the CLI) and the page.
import { durationMs, numAttr, startMs, strAttr, STATUS_ERROR } from "./span.js";
import { buildTree, spansOf, traceEnd, traceStart } from "./store.js";

/** @typedef {import("./span.js").Span} Span */
/** @typedef {import("./store.js").StoredTrace} StoredTrace */
/**
 * @typedef {{
 *   traceId: string, startMs: number, durationMs: number, spanCount: number, root: string, rootService: string,
 *   services: string[], model: string, provider: string, httpStatus: number | null, error: boolean,
 *   inputTokens: number, outputTokens: number, costUsd: number | null, costUnknown: boolean
 * }} TraceSummary
 */

/**
 * The cost of model calls from their spans' `gen_ai.usage.cost` (USD): the sum over the calls that carry one, and
 * how many calls reported usage but no cost (a model without a price: unknown, never $0). Calls without usage (a
 * provider error) cost nothing that was reported.
 * @param {readonly Span[]} spans
 * @returns {{ costUsd: number | null, unknownCalls: number }}
 */
export function costOf(spans) {
  let costUsd = /** @type {number | null} */ (null);
  let unknownCalls = 0;
  for (const s of spans) {
    const cost = numAttr(s, "gen_ai.usage.cost");
    if (cost !== undefined) costUsd = (costUsd ?? 0) + cost;
    else if (numAttr(s, "gen_ai.usage.input_tokens") !== undefined || numAttr(s, "gen_ai.usage.output_tokens") !== undefined) unknownCalls++;
  }
  return { costUsd, unknownCalls };
}

/** Model calls: spans that name a model (the gateway's CLIENT spans, or any app's GenAI spans). */
export const isModelSpan = (/** @type {Span} */ s) =>
  strAttr(s, "gen_ai.request.model") !== undefined || strAttr(s, "gen_ai.response.model") !== undefined;

/** The model a span called, as `provider/model` when the provider is known. */
export function modelOf(/** @type {Span} */ s) {
  const model = strAttr(s, "gen_ai.request.model") ?? strAttr(s, "gen_ai.response.model") ?? "";
  const provider = strAttr(s, "gen_ai.provider.name") ?? strAttr(s, "gen_ai.system");
  return provider && model && !model.startsWith(`${provider}/`) ? `${provider}/${model}` : model;
}

/** A span failed: status ERROR, an `error.type`, or an HTTP status of 400 or more. */
export function isErrorSpan(/** @type {Span} */ s) {
  const http = numAttr(s, "http.response.status_code");
  return s.status.code === STATUS_ERROR || strAttr(s, "error.type") !== undefined || (http !== undefined && http >= 400);
}

/** @param {StoredTrace} trace @returns {TraceSummary} */
export function summarize(trace) {
  const spans = spansOf(trace);
  const roots = buildTree(spans);
  const root = roots[0]?.span;
  const models = spans.filter(isModelSpan);
  const firstModel = models.sort((a, b) => startMs(a) - startMs(b))[0];
  const withStatus = spans
    .filter((s) => numAttr(s, "http.response.status_code") !== undefined)
    .sort((a, b) => (a.kind === 2 ? 0 : 1) - (b.kind === 2 ? 0 : 1) || startMs(a) - startMs(b));
  const start = traceStart(trace);
  const cost = costOf(models);
  return {
    traceId: trace.traceId,
    startMs: start,
    durationMs: traceEnd(trace) - start,
    spanCount: spans.length,
    root: root?.name ?? "",
    rootService: root?.service ?? "",
    services: [...new Set(spans.map((s) => s.service))],
    model: firstModel ? modelOf(firstModel) : "",
    provider: firstModel ? strAttr(firstModel, "gen_ai.provider.name") ?? "" : "",
    httpStatus: withStatus[0] ? numAttr(withStatus[0], "http.response.status_code") ?? null : null,
    error: spans.some(isErrorSpan),
    inputTokens: models.reduce((n, s) => n + (numAttr(s, "gen_ai.usage.input_tokens") ?? 0), 0),
    outputTokens: models.reduce((n, s) => n + (numAttr(s, "gen_ai.usage.output_tokens") ?? 0), 0),
    costUsd: cost.costUsd,
    costUnknown: cost.unknownCalls > 0,
  };
}

/** `5m`, `2h`, `1d`, `30s` to milliseconds; throws on anything else. */
export function parseDuration(/** @type {string} */ text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}": use e.g. 30s, 5m, 2h, 1d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[/** @type {"ms"|"s"|"m"|"h"|"d"} */ (m[2])];
  return Number(m[1]) * unit;
}

/** `key=value` to a pair; throws when there is no `=`. */
export function parseWhere(/** @type {string} */ text) {
  const i = text.indexOf("=");
  if (i <= 0) throw new Error(`invalid --where "${text}": use key=value`);
  return /** @type {[string, string]} */ ([text.slice(0, i).trim(), text.slice(i + 1).trim()]);
}

/** Short names for the keys people filter on most. */
const ALIASES = /** @type {Record<string, string[]>} */ ({
  model: ["gen_ai.request.model", "gen_ai.response.model"],
  provider: ["gen_ai.provider.name"],
  status: ["http.response.status_code"],
  service: ["service.name"],
  name: ["span.name"],
});

/** The values a span has for a key: its attributes, its resource's, and `span.name`/`service.name`. */
function valuesFor(/** @type {Span} */ s, /** @type {string} */ key) {
  const keys = ALIASES[key] ?? [key];
  /** @type {string[]} */
  const out = [];
  for (const k of keys) {
    if (k === "span.name") out.push(s.name);
    else if (k === "service.name") out.push(s.service);
    else if (k === "trace_id") out.push(s.traceId);
    const v = strAttr(s, k);
    if (v !== undefined) out.push(v, ...v.split(","));
    const r = s.resource[k];
    if (r !== undefined && r !== null) out.push(String(r));
  }
  if (key === "model") out.push(modelOf(s));
  return out;
}

/**
 * Every `where` pair is matched by some span of the trace (AND between pairs); the trace starts within `sinceMs`.
 * @param {StoredTrace} trace
 * @param {{ where?: [string, string][], sinceMs?: number | undefined, now?: number }} filter
 */
export function matches(trace, filter) {
  if (filter.sinceMs !== undefined && traceStart(trace) < (filter.now ?? Date.now()) - filter.sinceMs) return false;
  const spans = spansOf(trace);
  return (filter.where ?? []).every(([key, value]) => spans.some((s) => valuesFor(s, key).includes(value)));
}

/** @param {number[]} sorted ascending @param {number} p 0..1 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] ?? null;
}

/**
 * @typedef {{
 *   model: string, requests: number, errors: number, inputTokens: number, outputTokens: number,
 *   p50Ms: number | null, p95Ms: number | null, p50TtftMs: number | null, tokensPerSecond: number | null,
 *   costUsd: number | null, costUnknownCalls: number
 * }} ModelStats
 */

/**
 * Per-model table over the model spans of the given traces. Tokens per second: output tokens over the time spent
 * generating them (span duration minus time to first chunk, when known), summed over the model's calls.
 * @param {readonly StoredTrace[]} traces
 * @returns {ModelStats[]}
 */
export function modelStats(traces) {
  /** @type {Map<string, Span[]>} */
  const byModel = new Map();
  for (const t of traces) {
    for (const s of spansOf(t)) {
      if (!isModelSpan(s)) continue;
      const key = modelOf(s);
      byModel.set(key, [...(byModel.get(key) ?? []), s]);
    }
  }
  return [...byModel.entries()]
    .map(([model, spans]) => {
      const durations = spans.map(durationMs).sort((a, b) => a - b);
      const ttfts = spans
        .map((s) => numAttr(s, "gen_ai.response.time_to_first_chunk"))
        .filter((v) => v !== undefined)
        .map((v) => v * 1000)
        .sort((a, b) => a - b);
      let genTokens = 0;
      let genMs = 0;
      for (const s of spans) {
        const out = numAttr(s, "gen_ai.usage.output_tokens");
        if (out === undefined) continue;
        const ttft = numAttr(s, "gen_ai.response.time_to_first_chunk");
        genTokens += out;
        genMs += Math.max(0, durationMs(s) - (ttft === undefined ? 0 : ttft * 1000));
      }
      const cost = costOf(spans);
      return {
        model,
        requests: spans.length,
        errors: spans.filter(isErrorSpan).length,
        inputTokens: spans.reduce((n, s) => n + (numAttr(s, "gen_ai.usage.input_tokens") ?? 0), 0),
        outputTokens: spans.reduce((n, s) => n + (numAttr(s, "gen_ai.usage.output_tokens") ?? 0), 0),
        p50Ms: percentile(durations, 0.5),
        p95Ms: percentile(durations, 0.95),
        p50TtftMs: percentile(ttfts, 0.5),
        tokensPerSecond: genMs > 0 ? (genTokens * 1000) / genMs : null,
        costUsd: cost.costUsd,
        costUnknownCalls: cost.unknownCalls,
      };
    })
    .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
}
