// The Metrics view (/metrics): charts over time drawn from the OTLP metrics the receiver holds (100% of requests,
// whatever the trace sampling): requests and errors, tokens, cost, p50/p95 duration and time to first chunk, then
// the totals per model. Inline SVG, no library. Loaded by app.js, which passes its helpers.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 520;
const HEIGHT = 150;
const PAD = { left: 56, right: 10, top: 10, bottom: 22 };

let since = "1h";

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

const fmtCount = (v) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"));
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false, hour: "2-digit", minute: "2-digit" });

/**
 * One line chart: a polyline per series over the buckets (a series with no value in a bucket skips it), the y axis
 * from 0 to the largest value, first and last bucket times on the x axis.
 */
function chart(h, id, title, buckets, series, format) {
  const values = series.flatMap((s) => buckets.map((b) => b[s.key]).filter((v) => typeof v === "number"));
  const max = Math.max(...values, 0) || 1;
  const first = buckets[0]?.startMs ?? 0;
  const span = Math.max(1, (buckets.at(-1)?.startMs ?? first) - first);
  const x = (ms) => PAD.left + ((ms - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const plot = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart-svg", role: "img", "aria-label": title });
  plot.append(
    svg("line", { x1: PAD.left, y1: y(0), x2: WIDTH - PAD.right, y2: y(0), class: "axis" }),
    svg("text", { x: PAD.left - 6, y: y(max) + 4, "text-anchor": "end", class: "axis-label" }, format(max)),
    svg("text", { x: PAD.left - 6, y: y(0), "text-anchor": "end", class: "axis-label" }, format(0)),
  );
  if (buckets.length) {
    plot.append(svg("text", { x: PAD.left, y: HEIGHT - 6, class: "axis-label" }, clock(first)));
    plot.append(svg("text", { x: WIDTH - PAD.right, y: HEIGHT - 6, "text-anchor": "end", class: "axis-label" }, clock(first + span)));
  }
  for (const s of series) {
    const pts = buckets.filter((b) => typeof b[s.key] === "number").map((b) => `${x(b.startMs).toFixed(1)},${y(b[s.key]).toFixed(1)}`);
    plot.append(svg("polyline", { points: pts.join(" "), fill: "none", stroke: s.color, "stroke-width": 2, "data-series": s.key }));
    for (const p of pts) {
      const [cx, cy] = p.split(",");
      plot.append(svg("circle", { cx, cy, r: 2.5, fill: s.color }));
    }
  }
  const legend = h("div", { class: "legend" }, series.map((s) => h("span", { style: { "--c": s.color } }, s.label)));
  return h("div", { class: "chart", "data-chart": id }, h("h2", {}, title), plot, legend);
}

function totalsTable(h, totals, fmtUsd) {
  const cells = [
    ["requests", fmtCount(totals.requests)],
    ["errors", fmtCount(totals.errors)],
    ["input tokens", fmtCount(totals.inputTokens)],
    ["output tokens", fmtCount(totals.outputTokens)],
    ["cost", fmtUsd(totals.cost)],
  ];
  return h("table", { id: "metric-totals" }, h("tbody", {}, h("tr", {}, cells.map(([k, v]) => h("td", { "data-total": k }, h("div", { class: "muted" }, k), h("b", {}, v))))));
}

function modelsTable(h, models, fmtMs, fmtUsd) {
  const head = ["model", "requests", "errors", "input tokens", "output tokens", "cost", "p50", "p95", "p50 first chunk"];
  const rows = models.map((m) =>
    h("tr", { "data-model": m.model }, h("td", {}, m.model), ...[m.requests, m.errors, m.inputTokens, m.outputTokens].map((v) => h("td", { class: "num" }, fmtCount(v))),
      h("td", { class: "num" }, fmtUsd(m.cost)), h("td", { class: "num" }, fmtMs(m.p50Ms)), h("td", { class: "num" }, fmtMs(m.p95Ms)), h("td", { class: "num" }, fmtMs(m.p50FirstChunkMs))),
  );
  return h("table", { id: "metric-models" }, h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: i ? "num" : "" }, c)))), h("tbody", {}, rows));
}

/** Renders /metrics into `app` and refreshes it; `ui` holds app.js's helpers. */
export async function renderMetrics(ui) {
  const { app, h, api, setStatus, schedule, fmtMs, fmtCost: fmtUsd } = ui;
  document.title = "tracegate · metrics";
  try {
    const bucket = { "15m": "30s", "1h": "1m", "1d": "30m", all: "1h" }[since] ?? "1m";
    const data = await api(`/api/metrics?since=${since}&bucket=${bucket}`);
    const select = h("select", { id: "metrics-since", onchange: (e) => { since = e.target.value; void renderMetrics(ui); } }, ["15m", "1h", "1d", "all"].map((w) => h("option", { value: w, selected: w === since }, w === "all" ? "all points held" : `last ${w}`)));
    const b = data.buckets;
    app.replaceChildren(
      h("h1", {}, "Metrics ", select),
      h("p", { class: "muted" }, data.points ? `${data.points} data points, ${bucket} buckets: every request, whatever the trace sampling` : "No metrics yet. Export OTLP/HTTP metrics to /v1/metrics."),
      totalsTable(h, data.totals, fmtUsd),
      h("div", { class: "charts" },
        chart(h, "requests", "Requests and errors", b, [{ key: "requests", label: "requests", color: "#2563eb" }, { key: "errors", label: "errors", color: "#d92d20" }], fmtCount),
        chart(h, "tokens", "Tokens", b, [{ key: "inputTokens", label: "input", color: "#0e9384" }, { key: "outputTokens", label: "output", color: "#9e3fd6" }], fmtCount),
        chart(h, "cost", "Cost (USD)", b, [{ key: "cost", label: "cost", color: "#dc6803" }], fmtUsd),
        chart(h, "duration", "Duration", b, [{ key: "p50Ms", label: "p50", color: "#2563eb" }, { key: "p95Ms", label: "p95", color: "#1d2330" }], fmtMs),
        chart(h, "first-chunk", "Time to first chunk", b, [{ key: "p50FirstChunkMs", label: "p50", color: "#0e9384" }, { key: "p95FirstChunkMs", label: "p95", color: "#1d2330" }], fmtMs),
      ),
      data.models.length ? modelsTable(h, data.models, fmtMs, fmtUsd) : "",
    );
    setStatus("live");
  } catch (err) {
    setStatus(`error: ${err.message}`);
  }
  schedule(() => renderMetrics(ui));
}
