// @ts-check
// The traces the receiver holds: a bounded ring of the last N traces (by last update), each a map of its spans.
// Spans arrive in any order and in any number of batches; the tree is built when a trace is read, so a child whose
// parent arrives later attaches to it then. With a file, every accepted span is appended as one JSON line, and the
// file is reloaded (and compacted to what the ring keeps) on start.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { endMs, startMs } from "./span.js";

/** @typedef {import("./span.js").Span} Span */
/** @typedef {{ traceId: string, spans: Map<string, Span>, receivedAt: number }} StoredTrace */
/** @typedef {{ span: Span, children: TreeNode[], depth: number, orphan: boolean }} TreeNode */

export const DEFAULT_MAX_TRACES = 1000;
/** A trace never holds more spans than this, so one runaway trace cannot eat the memory the ring bounds. */
export const MAX_SPANS_PER_TRACE = 10_000;

export class TraceStore {
  /** @param {{ maxTraces?: number, file?: string | undefined }} [options] */
  constructor(options = {}) {
    this.maxTraces = Math.max(1, options.maxTraces ?? DEFAULT_MAX_TRACES);
    this.file = options.file;
    /** @type {Map<string, StoredTrace>} oldest first */
    this.traces = new Map();
    this.droppedSpans = 0;
    if (this.file) this.load(this.file);
  }

  /** Adds spans (any order, any traces); returns how many were stored. */
  add(/** @type {readonly Span[]} */ spans, persist = true) {
    let stored = 0;
    const now = Date.now();
    for (const span of spans) {
      let trace = this.traces.get(span.traceId);
      if (trace) {
        this.traces.delete(span.traceId); // re-inserted below: most recently updated last
      } else {
        trace = { traceId: span.traceId, spans: new Map(), receivedAt: now };
      }
      this.traces.set(span.traceId, trace);
      if (trace.spans.size >= MAX_SPANS_PER_TRACE && !trace.spans.has(span.spanId)) {
        this.droppedSpans++;
        continue;
      }
      trace.spans.set(span.spanId, span);
      trace.receivedAt = now;
      stored++;
    }
    while (this.traces.size > this.maxTraces) {
      const oldest = this.traces.keys().next().value;
      if (oldest === undefined) break;
      this.traces.delete(oldest);
    }
    if (persist && this.file && spans.length > 0) {
      appendFileSync(this.file, spans.map((s) => JSON.stringify(s) + "\n").join(""));
    }
    return stored;
  }

  get size() {
    return this.traces.size;
  }

  /** Traces, newest (by first span start) first. */
  list() {
    return [...this.traces.values()].sort((a, b) => traceStart(b) - traceStart(a));
  }

  /**
   * A trace by full id, by id prefix (8+ hex digits, unique), or "last" (the newest).
   * @returns {{ trace: StoredTrace } | { error: string, status: 400 | 404 }}
   */
  find(/** @type {string} */ idOrPrefix) {
    const key = idOrPrefix.toLowerCase();
    if (key === "last") {
      const newest = this.list()[0];
      return newest ? { trace: newest } : { error: "no traces yet", status: 404 };
    }
    const exact = this.traces.get(key);
    if (exact) return { trace: exact };
    const matches = [...this.traces.values()].filter((t) => t.traceId.startsWith(key));
    if (matches.length === 1 && matches[0]) return { trace: matches[0] };
    if (matches.length > 1) return { error: `trace id prefix ${key} is ambiguous (${matches.length} traces)`, status: 400 };
    return { error: `no trace ${key}`, status: 404 };
  }

  load(/** @type {string} */ file) {
    if (!existsSync(file)) return;
    const lines = readFileSync(file, "utf8").split("\n");
    /** @type {Span[]} */
    const spans = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const span = /** @type {Span} */ (JSON.parse(line));
        if (typeof span.traceId === "string" && typeof span.spanId === "string") spans.push(span);
      } catch {
        // a torn last line after a crash: skip it
      }
    }
    this.add(spans, false);
    // Compact: keep only what the ring holds, so the file does not grow without bound across restarts.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, [...this.traces.values()].flatMap((t) => [...t.spans.values()].map((s) => JSON.stringify(s) + "\n")).join(""));
    renameSync(tmp, file);
  }
}

/** @param {StoredTrace} trace */
export function spansOf(trace) {
  return [...trace.spans.values()];
}

/** @param {StoredTrace} trace */
export function traceStart(trace) {
  let min = Infinity;
  for (const s of trace.spans.values()) min = Math.min(min, startMs(s));
  return Number.isFinite(min) ? min : trace.receivedAt;
}

/** @param {StoredTrace} trace */
export function traceEnd(trace) {
  let max = -Infinity;
  for (const s of trace.spans.values()) max = Math.max(max, endMs(s));
  return Number.isFinite(max) ? max : trace.receivedAt;
}

/**
 * The span tree of a set of spans: children under their parent, sorted by start; a span whose parent is not (yet)
 * here is a root marked `orphan` (a remote caller's span, or one still on its way).
 * @param {readonly Span[]} spans
 * @returns {TreeNode[]}
 */
export function buildTree(spans) {
  const ids = new Set(spans.map((s) => s.spanId));
  /** @type {Map<string, Span[]>} */
  const byParent = new Map();
  /** @type {Span[]} */
  const roots = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const siblings = byParent.get(s.parentSpanId) ?? [];
      siblings.push(s);
      byParent.set(s.parentSpanId, siblings);
    } else {
      roots.push(s);
    }
  }
  const byStart = (/** @type {Span} */ a, /** @type {Span} */ b) => startMs(a) - startMs(b) || a.spanId.localeCompare(b.spanId);
  const seen = new Set();
  /** @returns {TreeNode} */
  const node = (/** @type {Span} */ span, /** @type {number} */ depth) => {
    seen.add(span.spanId);
    const children = (byParent.get(span.spanId) ?? []).filter((c) => !seen.has(c.spanId)).sort(byStart);
    return { span, depth, orphan: depth === 0 && span.parentSpanId !== "", children: children.map((c) => node(c, depth + 1)) };
  };
  const tree = roots.sort(byStart).map((r) => node(r, 0));
  // Spans caught in a parent cycle (malformed input) are shown as roots rather than lost.
  for (const s of spans) if (!seen.has(s.spanId)) tree.push(node(s, 0));
  return tree;
}

/** The tree in display order (depth first). */
export function flatten(/** @type {TreeNode[]} */ roots) {
  /** @type {TreeNode[]} */
  const out = [];
  const walk = (/** @type {TreeNode} */ n) => {
    out.push(n);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}
