// tracegate trace viewer: list (/), trace waterfall (/trace/:id), per-model summary (/models), metrics (/metrics).
// Vanilla JS reading the receiver's JSON API; every view refreshes itself every 2 seconds.
// A module (type="module" in index.html): nothing here leaks into the global scope.
import { renderMetrics } from "./metrics.js";

const REFRESH_MS = 2000;
const app = document.getElementById("app");
const statusEl = document.getElementById("status");
let timer = 0;

/** Element helper: h("td", { class: "num" }, "text", childNode). Text is always set as text, never as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "style" && typeof v === "object") {
      for (const [prop, val] of Object.entries(v)) {
        if (prop.startsWith("--")) el.style.setProperty(prop, val);
        else el.style[prop] = val;
      }
    }
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function api(path) {
  const res = await fetch(path);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

const nsToMs = (ns) => (ns ? Number(BigInt(ns) / 1000n) / 1000 : 0);
function fmtMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 10) return `${ms.toFixed(1).replace(/\.0$/, "")} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
/** US dollars; "unknown" when no call had a price (never $0 for a missing price). */
const fmtCost = (usd) => (usd === null || usd === undefined ? "unknown" : `$${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(4)}`);
const fmtTime = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false }) + "." + String(Math.floor(ms % 1000)).padStart(3, "0");
const fmtDate = (ms) => new Date(ms).toLocaleString([], { hour12: false });

/** CSS class for an HTTP status / error flag: s5xx, s429, s4xx, serr, or "". */
function statusClass(http, error) {
  if (http >= 500) return "s5xx";
  if (http === 429) return "s429";
  if (http >= 400) return "s4xx";
  return error ? "serr" : "";
}

/** A stable colour per service name. */
function serviceColor(service) {
  let hash = 0;
  for (const ch of service) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${(hash * 137) % 360} 60% 55%)`;
}

function schedule(fn) {
  clearTimeout(timer);
  timer = setTimeout(fn, REFRESH_MS);
}

function setStatus(text) {
  statusEl.textContent = text;
}

// ---- list -------------------------------------------------------------------------------------------------------

let filterText = "";

async function renderList() {
  document.title = "tracegate · traces";
  if (!document.getElementById("filter")) {
    app.replaceChildren(
      h("h1", {}, "Traces"),
      h("input", {
        id: "filter",
        placeholder: "filter: text, or key=value (e.g. model=gpt-4o-mini status=429)",
        value: filterText,
        oninput: (e) => {
          filterText = e.target.value;
          void refreshList();
        },
      }),
      h("div", { id: "list" }),
    );
  }
  await refreshList();
}

async function refreshList() {
  const words = filterText.trim().split(/\s+/).filter(Boolean);
  const where = words.filter((w) => /^[^=]+=.+/.test(w));
  const text = words.filter((w) => !where.includes(w)).map((w) => w.toLowerCase());
  const params = new URLSearchParams({ limit: "500" });
  for (const w of where) params.append("where", w);
  try {
    const { traces, total } = await api(`/api/traces?${params}`);
    const shown = traces.filter((t) => {
      const hay = [t.traceId, t.root, t.rootService, t.model, t.provider, String(t.httpStatus ?? ""), ...t.services].join(" ").toLowerCase();
      return text.every((w) => hay.includes(w));
    });
    const rows = shown.map((t) =>
      h(
        "tr",
        { class: "trace-row", "data-trace-id": t.traceId, onclick: () => navigate(`/trace/${t.traceId}`) },
        h("td", { class: "mono" }, fmtTime(t.startMs)),
        h("td", {}, h("span", { class: "muted" }, `${t.rootService}: `), t.root),
        h("td", {}, t.model || "–"),
        h("td", { class: statusClass(t.httpStatus, t.error) }, t.httpStatus ?? (t.error ? "error" : "–")),
        h("td", { class: "num" }, fmtMs(t.durationMs)),
        h("td", { class: "num" }, t.inputTokens || t.outputTokens ? `${t.inputTokens} → ${t.outputTokens}` : "–"),
        h("td", { class: "num" }, t.spanCount),
        h("td", { class: "mono muted" }, t.traceId.slice(0, 8)),
        h("td", { class: "num" }, fmtCost(t.costUsd)),
      ),
    );
    const table = h(
      "table",
      { id: "traces" },
      h("thead", {}, h("tr", {}, ["time", "root", "model", "status", "duration", "tokens", "spans", "trace", "cost"].map((c, i) => h("th", { class: (i >= 4 && i <= 6) || i === 8 ? "num" : "" }, c)))),
      h("tbody", {}, rows),
    );
    const list = document.getElementById("list");
    if (list) list.replaceChildren(shown.length ? table : h("p", { class: "muted", id: "empty" }, total ? "No trace matches the filter." : "No traces yet. Send a request to the gateway, or export OTLP/HTTP to /v1/traces."));
    setStatus(`${shown.length} of ${total} traces · live`);
  } catch (err) {
    setStatus(`error: ${err.message}`);
  }
  schedule(refreshList);
}

// ---- trace ------------------------------------------------------------------------------------------------------

let selected = null;

async function renderTrace(id) {
  document.title = `tracegate · trace ${id.slice(0, 8)}`;
  try {
    const body = await api(`/api/traces/${encodeURIComponent(id)}`);
    drawTrace(body);
  } catch (err) {
    app.replaceChildren(h("h1", {}, `Trace ${id}`), h("p", { class: "serr" }, err.message));
  }
  schedule(() => renderTrace(id));
}

function drawTrace({ summary, spans, order }) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const t0 = summary.startMs;
  const total = Math.max(summary.durationMs, 0.001);
  const pct = (ms) => `${Math.min(100, Math.max(0, ((ms - t0) / total) * 100))}%`;
  if (!selected || !byId.has(selected)) selected = order[0]?.spanId ?? null;

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f, i) => h("span", { class: `tick${i === 4 ? " end" : ""}`, style: { left: `${f * 100}%` } }, fmtMs(total * f)));
  const axis = h("div", { class: "wf-row wf-axis" }, h("div", { class: "wf-label muted" }, "span"), h("div", { class: "wf-track" }, ticks));

  const rows = order.map(({ spanId, depth, orphan }) => {
    const s = byId.get(spanId);
    const start = nsToMs(s.startNs);
    const end = Math.max(nsToMs(s.endNs), start);
    const http = typeof s.attributes["http.response.status_code"] === "number" ? s.attributes["http.response.status_code"] : null;
    const error = s.status.code === 2 || s.attributes["error.type"] !== undefined || (http !== null && http >= 400);
    const color = serviceColor(s.service);
    const widthPct = Math.max(((end - start) / total) * 100, 0.3);
    const bar = h("div", {
      class: `bar${error ? " error" : ""}`,
      "data-span-id": s.spanId,
      "data-parent-id": s.parentSpanId || "",
      "data-depth": depth,
      title: `${s.service}: ${s.name} · ${fmtMs(end - start)}`,
      style: { left: pct(start), width: `${widthPct}%`, background: color },
      onclick: () => {
        selected = s.spanId;
        drawTrace({ summary, spans, order });
      },
    });
    const marks = [];
    const firstChunk = s.events.find((e) => e.name === "gen_ai.first_chunk");
    const ttft = s.attributes["gen_ai.response.time_to_first_chunk"];
    const chunkAt = firstChunk ? nsToMs(firstChunk.timeNs) : typeof ttft === "number" ? start + ttft * 1000 : null;
    if (chunkAt !== null) marks.push(h("div", { class: "first-chunk", "data-span-id": s.spanId, title: `first chunk at +${fmtMs(chunkAt - start)}`, style: { left: pct(chunkAt) } }));
    // The duration goes inside a wide bar, after a narrow one.
    const inside = widthPct > 25;
    const labelStyle = inside ? { left: pct(start), color: "#fff", fontWeight: "600" } : { left: `${Math.min(((end - t0) / total) * 100, 88)}%` };
    const cls = statusClass(http, error);
    return h(
      "div",
      { class: `wf-row${s.spanId === selected ? " selected" : ""}`, "data-row-span-id": s.spanId },
      h(
        "div",
        { class: "wf-label", style: { paddingLeft: `${8 + depth * 16}px` }, title: orphan ? `parent ${s.parentSpanId} not received` : "" },
        h("span", { class: "svc" }, s.service),
        h("span", { class: cls }, s.name),
      ),
      h("div", { class: "wf-track" }, bar, marks, h("span", { class: "bar-label", style: labelStyle }, fmtMs(end - start), http !== null ? ` · ${http}` : "")),
    );
  });

  const services = [...new Set(spans.map((s) => s.service))];
  const legend = h("div", { class: "legend" }, services.map((svc) => h("span", { style: { "--c": serviceColor(svc) } }, svc)), h("span", { class: "muted", style: { "--c": "transparent" } }, "▼ first chunk · striped red outline = error"));
  const head = h(
    "div",
    {},
    h("h1", {}, `Trace ${summary.traceId}`),
    h("div", { class: "muted" }, `${fmtDate(summary.startMs)} · ${summary.spanCount} spans · ${fmtMs(summary.durationMs)}`, summary.model ? ` · ${summary.model}` : "", summary.inputTokens || summary.outputTokens ? ` · ${summary.inputTokens} → ${summary.outputTokens} tokens` : ""),
    legend,
  );
  app.replaceChildren(head, h("div", { class: "trace-layout" }, h("div", { class: "waterfall", id: "waterfall" }, axis, rows), detailPanel(byId.get(selected), t0)));
  setStatus("live");
}

function show(v) {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function detailPanel(s, t0) {
  if (!s) return h("aside", { class: "panel", id: "detail" }, h("p", { class: "muted" }, "Click a bar."));
  const start = nsToMs(s.startNs);
  const kinds = ["unspecified", "internal", "server", "client", "producer", "consumer"];
  const rows = [
    ["service", s.service],
    ["kind", kinds[s.kind] || s.kind],
    ["start", `+${fmtMs(start - t0)}`],
    ["duration", fmtMs(Math.max(nsToMs(s.endNs), start) - start)],
    ["status", ["unset", "ok", "error"][s.status.code] + (s.status.message ? `: ${s.status.message}` : "")],
    ["span id", s.spanId],
    ["parent id", s.parentSpanId || "–"],
  ];
  const attrs = Object.keys(s.attributes).sort().map((k) => h("tr", { "data-attr": k }, h("td", { class: "mono" }, k), h("td", { class: "mono" }, show(s.attributes[k]))));
  const events = s.events.map((e) => h("tr", {}, h("td", { class: "mono" }, `+${fmtMs(nsToMs(e.timeNs) - t0)}`), h("td", { class: "mono" }, e.name, Object.keys(e.attributes).length ? ` ${JSON.stringify(e.attributes)}` : "")));
  return h(
    "aside",
    { class: "panel", id: "detail", "data-span-id": s.spanId },
    h("h2", {}, s.name),
    h("table", {}, rows.map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, v)))),
    h("h2", { style: { marginTop: "12px" } }, "Attributes"),
    attrs.length ? h("table", { id: "attributes" }, attrs) : h("p", { class: "muted" }, "none"),
    h("h2", { style: { marginTop: "12px" } }, "Events"),
    events.length ? h("table", { id: "events" }, events) : h("p", { class: "muted" }, "none"),
  );
}

// ---- models -----------------------------------------------------------------------------------------------------

let window_ = "1h";

async function renderModels() {
  document.title = "tracegate · models";
  try {
    const { models, traces } = await api(window_ === "all" ? "/api/stats" : `/api/stats?since=${window_}`);
    const select = h("select", { id: "since", onchange: (e) => { window_ = e.target.value; void renderModels(); } }, ["15m", "1h", "1d", "30d", "all"].map((w) => h("option", { value: w, selected: w === window_ }, w === "all" ? "all traces held" : `last ${w}`)));
    const head = ["model", "requests", "errors", "input tokens", "output tokens", "p50 latency", "p95 latency", "p50 TTFT", "tokens/s", "cost"];
    const rows = models.map((m) =>
      h(
        "tr",
        { "data-model": m.model },
        h("td", {}, m.model || "–"),
        h("td", { class: "num" }, m.requests),
        h("td", { class: `num ${m.errors ? "s5xx" : ""}` }, m.errors),
        h("td", { class: "num" }, m.inputTokens),
        h("td", { class: "num" }, m.outputTokens),
        h("td", { class: "num" }, fmtMs(m.p50Ms)),
        h("td", { class: "num" }, fmtMs(m.p95Ms)),
        h("td", { class: "num" }, fmtMs(m.p50TtftMs)),
        h("td", { class: "num" }, m.tokensPerSecond === null ? "–" : m.tokensPerSecond.toFixed(1)),
        h("td", { class: "num" }, fmtCost(m.costUsd)),
      ),
    );
    app.replaceChildren(
      h("h1", {}, "Models ", select),
      h("p", { class: "muted" }, `${traces} traces in the window`),
      models.length ? h("table", { id: "models" }, h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: i ? "num" : "" }, c)))), h("tbody", {}, rows)) : h("p", { class: "muted" }, "No model calls in the window."),
    );
    setStatus("live");
  } catch (err) {
    setStatus(`error: ${err.message}`);
  }
  schedule(renderModels);
}

// ---- routing ----------------------------------------------------------------------------------------------------

function navigate(path) {
  history.pushState(null, "", path);
  route();
}

function route() {
  clearTimeout(timer);
  const path = location.pathname;
  document.getElementById("nav-traces").classList.toggle("active", path === "/" || path.startsWith("/trace/"));
  document.getElementById("nav-models").classList.toggle("active", path === "/models");
  document.getElementById("nav-metrics").classList.toggle("active", path === "/metrics");
  const trace = /^\/trace\/([0-9a-fA-F]+|last)$/.exec(path);
  if (trace) {
    selected = null;
    void renderTrace(trace[1]);
  } else if (path === "/models") {
    void renderModels();
  } else if (path === "/metrics") {
    void renderMetrics({ app, h, api, setStatus, schedule, fmtMs, fmtCost });
  } else {
    app.replaceChildren();
    void renderList();
  }
}

window.addEventListener("popstate", route);
route();
