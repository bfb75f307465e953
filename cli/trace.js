// @ts-check
// `tracegate trace` and `tracegate stats`: read a running receiver's JSON API and print.
import { parseArgs } from "node:util";
import { formatListLine, formatMetricTotals, formatStats, formatTrace, painter } from "./format.js";
import { parseDuration, parseWhere } from "../viewer/summary.js";

/** @typedef {import("../viewer/summary.js").TraceSummary} TraceSummary */
/** @typedef {import("../viewer/summary.js").ModelStats} ModelStats */
/** @typedef {{ summary: TraceSummary, spans: import("../viewer/span.js").Span[] }} TraceBody */
/** @typedef {ReturnType<typeof import("../viewer/metrics-series.js").metricSeries>} MetricSeries */

const DEFAULT_URL = "http://127.0.0.1:4318";
const useColor = () => !process.env.NO_COLOR && (Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY === true);

/** GET a JSON API path; errors name the receiver and what it said. */
async function api(/** @type {string} */ base, /** @type {string} */ path) {
  let res;
  try {
    res = await fetch(`${base.replace(/\/$/, "")}${path}`);
  } catch {
    throw new Error(`no receiver at ${base}: start one with \`npx tracegate traces\` (or \`npm start\`), or pass --url`);
  }
  const body = /** @type {unknown} */ (await res.json().catch(() => ({})));
  if (!res.ok) {
    const message = typeof body === "object" && body !== null && "error" in body ? String(body.error) : `HTTP ${res.status}`;
    throw new Error(message);
  }
  return body;
}

/** The query string for --where / --since / --limit (validated here, so errors are the CLI's). */
function query(/** @type {{ where?: string[], since?: string, limit?: number }} */ o) {
  const params = new URLSearchParams();
  for (const w of o.where ?? []) {
    parseWhere(w);
    params.append("where", w);
  }
  if (o.since) {
    parseDuration(o.since);
    params.set("since", o.since);
  }
  if (o.limit !== undefined) params.set("limit", String(o.limit));
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** @param {string[]} args @returns {Promise<number>} */
export async function runTrace(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      where: { type: "string", multiple: true },
      since: { type: "string" },
      limit: { type: "string" },
      list: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", short: "v", default: false },
      url: { type: "string", default: process.env.TRACEGATE_URL ?? DEFAULT_URL },
    },
  });
  const url = values.url ?? DEFAULT_URL;
  const paint = painter(useColor());
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new Error(`invalid --limit ${values.limit}`);
  const target = positionals[0] ?? "last";
  const filtered = Boolean(values.where?.length || values.since);

  if (values.list) {
    const q = query({ where: values.where, since: values.since, limit: limit ?? 20 });
    const { traces } = /** @type {{ traces: TraceSummary[] }} */ (await api(url, `/api/traces${q}`));
    if (values.json) console.log(JSON.stringify(traces, null, 2));
    else if (traces.length === 0) console.log("no traces");
    else for (const t of traces) console.log(formatListLine(t, paint));
    return 0;
  }

  /** @type {string[]} */
  let ids;
  if (target !== "last" || (!filtered && limit === undefined)) {
    ids = [target];
  } else {
    const q = query({ where: values.where, since: values.since, limit: limit ?? 1 });
    const { traces } = /** @type {{ traces: TraceSummary[] }} */ (await api(url, `/api/traces${q}`));
    if (traces.length === 0) {
      console.error(filtered ? "no trace matches" : "no traces yet");
      return 1;
    }
    ids = traces.map((t) => t.traceId);
  }
  /** @type {TraceBody[]} */
  const bodies = [];
  for (const id of ids) bodies.push(/** @type {TraceBody} */ (await api(url, `/api/traces/${encodeURIComponent(id)}`)));
  if (values.json) {
    const out = bodies.map((b) => ({ summary: b.summary, spans: b.spans }));
    console.log(JSON.stringify(out.length === 1 ? out[0] : out, null, 2));
  } else {
    console.log(bodies.map((b) => formatTrace(b.summary, b.spans, { verbose: values.verbose, paint })).join("\n\n"));
  }
  return 0;
}

/** @param {string[]} args @returns {Promise<number>} */
export async function runStats(args) {
  const { values } = parseArgs({
    args,
    options: {
      since: { type: "string", default: "1h" },
      where: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      url: { type: "string", default: process.env.TRACEGATE_URL ?? DEFAULT_URL },
    },
  });
  const url = values.url ?? DEFAULT_URL;
  const q = query({ where: values.where, since: values.since });
  const { models, traces } = /** @type {{ models: ModelStats[], traces: number }} */ (await api(url, `/api/stats${q}`));
  // The metrics count every request, whatever the trace sampling; `--where` filters traces only.
  const since = encodeURIComponent(values.since ?? "1h");
  const metrics = /** @type {MetricSeries} */ (await api(url, `/api/metrics?since=${since}&bucket=${since}`));
  const withMetrics = metrics.points > 0;
  if (values.json) {
    const out = { since: values.since, traces, models, ...(withMetrics ? { metrics: { totals: metrics.totals, models: metrics.models } } : {}) };
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  console.log(`last ${values.since}: ${traces} trace${traces === 1 ? "" : "s"}, ${models.reduce((n, m) => n + m.requests, 0)} model calls`);
  if (models.length > 0) console.log(formatStats(models));
  if (withMetrics) console.log(`\n${formatMetricTotals(metrics.totals, metrics.models)}`);
  return 0;
}
