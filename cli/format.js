// @ts-check
// Terminal rendering: the span tree of one trace, one line per trace, and the per-model table. Errors are marked in
// text ([5xx], [429], [4xx], [error]) and, on a colour terminal, in red, magenta and yellow.
import { durationMs, numAttr, startMs, strAttr, STATUS_ERROR } from "../viewer/span.js";
import { buildTree } from "../viewer/store.js";

/** @typedef {import("../viewer/span.js").Span} Span */
/** @typedef {import("../viewer/store.js").TreeNode} TreeNode */
/** @typedef {import("../viewer/summary.js").TraceSummary} TraceSummary */
/** @typedef {import("../viewer/summary.js").ModelStats} ModelStats */

const CODES = { red: 31, magenta: 35, yellow: 33, dim: 2, bold: 1, cyan: 36 };
/** @param {boolean} color */
export function painter(color) {
  return (/** @type {keyof typeof CODES} */ name, /** @type {string} */ text) => (color ? `\x1b[${CODES[name]}m${text}\x1b[0m` : text);
}
/** @typedef {ReturnType<typeof painter>} Paint */

/** 0.4ms, 12ms, 1.25s */
/**
 * A cost in USD: `$0.000123`; `unknown` when every call with usage had no price (never $0); `$0.0012+unknown` when
 * some had none; `-` when no call reported usage.
 */
export function fmtCost(/** @type {number | null} */ usd, /** @type {number} */ unknownCalls) {
  if (usd === null) return unknownCalls > 0 ? "unknown" : "-";
  const text = `$${usd.toFixed(9).replace(/\.?0+$/, "")}`;
  return unknownCalls > 0 ? `${text}+unknown` : text;
}

export function fmtMs(/** @type {number | null | undefined} */ ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 10) return `${ms.toFixed(1).replace(/\.0$/, "")}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** Local date and time, to the millisecond: 2026-01-02 03:04:05.000 */
export function fmtTime(/** @type {number} */ ms) {
  const d = new Date(ms);
  const p = (/** @type {number} */ n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * How a span or trace failed: 5xx (or status ERROR), 429, other 4xx; null when it did not.
 * @param {number | null | undefined} http @param {boolean} error
 * @returns {{ mark: string, color: "red" | "magenta" | "yellow" } | null}
 */
export function errorClass(http, error) {
  if (http !== null && http !== undefined && http >= 500) return { mark: "[5xx]", color: "red" };
  if (http === 429) return { mark: "[429]", color: "magenta" };
  if (http !== null && http !== undefined && http >= 400) return { mark: "[4xx]", color: "yellow" };
  if (error) return { mark: "[error]", color: "red" };
  return null;
}

/** The attributes that matter, in order, as `key=value`. */
function keyFacts(/** @type {Span} */ s) {
  /** @type {string[]} */
  const out = [];
  const model = strAttr(s, "gen_ai.request.model");
  const responseModel = strAttr(s, "gen_ai.response.model");
  if (model) out.push(`model=${model}`);
  if (responseModel && responseModel !== model) out.push(`response_model=${responseModel}`);
  const provider = strAttr(s, "gen_ai.provider.name");
  if (provider) out.push(`provider=${provider}`);
  const http = numAttr(s, "http.response.status_code");
  if (http !== undefined) out.push(`status=${http}`);
  const ttft = numAttr(s, "gen_ai.response.time_to_first_chunk");
  if (ttft !== undefined) out.push(`ttft=${fmtMs(ttft * 1000)}`);
  const input = numAttr(s, "gen_ai.usage.input_tokens");
  const output = numAttr(s, "gen_ai.usage.output_tokens");
  if (input !== undefined || output !== undefined) out.push(`tokens=${input ?? "?"}→${output ?? "?"}`);
  const finish = strAttr(s, "gen_ai.response.finish_reasons");
  if (finish) out.push(`finish=${finish}`);
  const errorType = strAttr(s, "error.type");
  if (errorType) out.push(`error=${errorType}`);
  if (s.status.code === STATUS_ERROR && s.status.message) out.push(`error_message=${JSON.stringify(s.status.message)}`);
  return out;
}

/** @param {unknown} v */
const show = (v) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * The trace as an indented tree: offset from the trace start, duration, service, name, key attributes.
 * @param {TraceSummary} summary @param {Span[]} spans
 * @param {{ verbose?: boolean, paint: Paint }} options
 */
export function formatTrace(summary, spans, { verbose = false, paint }) {
  const t0 = summary.startMs;
  const services = summary.services.join(", ");
  const lines = [
    paint("bold", `trace ${summary.traceId}`) +
      `  ${fmtTime(t0)}  ${summary.spanCount} span${summary.spanCount === 1 ? "" : "s"}  ${fmtMs(summary.durationMs)}  ${services}`,
  ];
  const offsets = spans.map((s) => `+${fmtMs(startMs(s) - t0)}`);
  const durations = spans.map((s) => fmtMs(durationMs(s)));
  const offW = Math.max(...offsets.map((o) => o.length), 1);
  const durW = Math.max(...durations.map((d) => d.length), 1);
  /** @param {TreeNode} node @param {string} indent @param {boolean} last @param {boolean} top */
  const walk = (node, indent, last, top) => {
    const s = node.span;
    const http = numAttr(s, "http.response.status_code");
    const err = errorClass(http, s.status.code === STATUS_ERROR || strAttr(s, "error.type") !== undefined);
    const branch = top ? "" : last ? "└─ " : "├─ ";
    const facts = keyFacts(s).join(" ");
    let text = `${branch}${paint("cyan", s.service)}  ${s.name}${facts ? `  ${facts}` : ""}`;
    if (node.orphan) text += paint("dim", `  (parent ${s.parentSpanId} not received)`);
    if (err) text = `${paint(err.color, err.mark)} ${text}`;
    const offset = `+${fmtMs(startMs(s) - t0)}`.padStart(offW);
    const dur = fmtMs(durationMs(s)).padStart(durW);
    lines.push(`${offset} ${dur}  ${indent}${text}`);
    const childIndent = top ? indent : indent + (last ? "   " : "│  ");
    if (verbose) {
      const pad = " ".repeat(offW + durW + 3) + childIndent + (node.children.length ? "│  " : "   ");
      lines.push(paint("dim", `${pad}span_id=${s.spanId} kind=${s.kind} scope=${s.scope || "-"}`));
      for (const key of Object.keys(s.attributes).sort()) lines.push(paint("dim", `${pad}${key}=${show(s.attributes[key])}`));
      for (const e of s.events) {
        lines.push(paint("dim", `${pad}event +${fmtMs((Number(BigInt(e.timeNs) / 1000n) / 1000) - t0)} ${e.name}`));
      }
    }
    node.children.forEach((c, i) => walk(c, childIndent, i === node.children.length - 1, false));
  };
  for (const root of buildTree(spans)) walk(root, "", true, true);
  return lines.join("\n");
}

/** One line per trace: time, id prefix, duration, spans, status, model, tokens, root. */
export function formatListLine(/** @type {TraceSummary} */ t, /** @type {Paint} */ paint) {
  const err = errorClass(t.httpStatus, t.error);
  const status = t.httpStatus === null ? (t.error ? "ERR" : "-") : String(t.httpStatus);
  const tokens = t.inputTokens || t.outputTokens ? `${t.inputTokens}→${t.outputTokens} tok` : "-";
  const cols = [
    fmtTime(t.startMs),
    t.traceId.slice(0, 8),
    fmtMs(t.durationMs).padStart(7),
    `${t.spanCount} span${t.spanCount === 1 ? " " : "s"}`.padStart(8),
    (err ? paint(err.color, status.padEnd(3)) : status.padEnd(3)),
    (t.model || "-").padEnd(24),
    tokens.padEnd(14),
    `${t.rootService}: ${t.root}`,
  ];
  return cols.join("  ") + (err ? ` ${paint(err.color, err.mark)}` : "");
}

/** Right-aligned columns (the first left-aligned) under a header. */
function table(/** @type {string[]} */ head, /** @type {string[][]} */ body) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (/** @type {string[]} */ row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}

/** A metric's cost in USD; "unknown" when no cost was counted (the metrics do not count unpriced calls apart). */
const fmtUsd = (/** @type {number | null} */ usd) => fmtCost(usd, usd === null ? 1 : 0);

/**
 * The metrics section of `tracegate stats`: totals over every request, then per model.
 * @param {import("../viewer/metrics-series.js").Totals} totals
 * @param {(import("../viewer/metrics-series.js").Totals & { model: string })[]} models
 */
export function formatMetricTotals(totals, models) {
  const summary =
    `metrics (every request): ${totals.requests} requests, ${totals.errors} errors, ` +
    `${totals.inputTokens} input + ${totals.outputTokens} output tokens, cost ${fmtUsd(totals.cost)}`;
  const head = ["model", "requests", "errors", "input tok", "output tok", "cost", "p50", "p95", "p50 first chunk"];
  const body = models.map((m) => [
    m.model,
    String(m.requests),
    String(m.errors),
    String(m.inputTokens),
    String(m.outputTokens),
    fmtUsd(m.cost),
    fmtMs(m.p50Ms),
    fmtMs(m.p95Ms),
    fmtMs(m.p50FirstChunkMs),
  ]);
  return models.length ? `${summary}\n${table(head, body)}` : summary;
}

/** The per-model table. */
export function formatStats(/** @type {ModelStats[]} */ rows) {
  const head = ["model", "requests", "errors", "input tok", "output tok", "p50", "p95", "p50 TTFT", "tok/s", "cost"];
  const body = rows.map((r) => [
    r.model || "-",
    String(r.requests),
    String(r.errors),
    String(r.inputTokens),
    String(r.outputTokens),
    fmtMs(r.p50Ms),
    fmtMs(r.p95Ms),
    fmtMs(r.p50TtftMs),
    r.tokensPerSecond === null ? "-" : r.tokensPerSecond.toFixed(1),
    fmtCost(r.costUsd, r.costUnknownCalls),
  ]);
  return table(head, body);
}
