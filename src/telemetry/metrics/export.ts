import type { ExportTarget } from "../export/config";
import { redactUrl } from "../export/config";
import { gzip, send, type ExportDeps } from "../export/exporter";
import type { Scope } from "../sdk/span-data";
import { encodeMetricsJson } from "./otlp-json";
import { encodeMetricsProtobuf } from "./otlp-proto";
import type { MetricsSettings } from "./settings";
import type { MetricBatch, MetricStore } from "./store";

// The metrics export loop: coalesced like span export (export/loop.ts), and paced. A request that ends schedules
// the isolate's next export in its waitUntil unless one is already pending; that export waits until the interval
// since the previous one has passed, then drains the store (delta) and POSTs it. Everything recorded meanwhile,
// by any request, waits in the store (bounded: see MetricStore) for that one export.

/** An export waits at most this long in a request's waitUntil (which ends 30 s after the response) … */
export const MAX_WAIT_MS = 10_000;
/** … and sends for at most this long, so wait plus send stay well below 30 s. */
export const SEND_BUDGET_MS = 15_000;
/** A pending export older than this belongs to a request context that is gone: schedule a new one. */
const STALE_MS = 60_000;

const utf8 = new TextEncoder();
const CONTENT: Record<ExportTarget["protocol"], (s: MetricsSettings, scope: Scope, b: MetricBatch) => Uint8Array> = {
  "http/protobuf": (s, scope, b) => encodeMetricsProtobuf(s.resource, scope, b),
  "http/json": (s, scope, b) => utf8.encode(encodeMetricsJson(s.resource, scope, b)),
};

/** How many data points a batch holds (for the log line of a failed export). */
const pointsOf = (batch: MetricBatch) => batch.metrics.reduce((n, m) => n + m.points.length, 0);

/** Sends one drained batch to every target (encoded once per protocol and compression); never throws. */
export async function sendBatch(
  batch: MetricBatch,
  settings: MetricsSettings,
  scope: Scope,
  deps: ExportDeps,
): Promise<boolean[]> {
  const now = deps.now ?? Date.now;
  const deadline = now() + SEND_BUDGET_MS;
  const bodies = new Map<string, Promise<Uint8Array>>();
  const bodyFor = (t: ExportTarget): Promise<Uint8Array> => {
    const key = `${t.protocol} ${t.compression}`;
    let body = bodies.get(key);
    if (!body) {
      const plain = Promise.resolve().then(() => CONTENT[t.protocol](settings, scope, batch));
      body = t.compression === "gzip" ? plain.then(gzip) : plain;
      bodies.set(key, body);
    }
    return body;
  };
  return await Promise.all(
    settings.targets.map(async (target) => {
      let detail: string;
      try {
        const sent = await send(target, await bodyFor(target), deadline, deps);
        if (sent.ok) return true;
        detail = sent.status !== undefined ? `status ${sent.status}` : (sent.error ?? "network error");
      } catch (error) {
        detail = `encoding failed (${error instanceof Error ? error.name : "error"})`;
      }
      deps.log(`tracegate: OTLP metrics export to ${redactUrl(target.url)} failed: ${detail}; ${pointsOf(batch)} data point(s) lost`);
      return false;
    }),
  );
}

/** The pacing state of one isolate's metrics export (the isolate's own instance is in meter.ts). */
export class MetricsExportLoop {
  private pending: { readonly since: number; readonly token: object } | undefined;
  private lastExportAt = 0;

  constructor(
    private readonly store: MetricStore,
    private readonly scope: Scope,
  ) {}

  /**
   * The export to run in the caller's waitUntil, or undefined when there is nothing to do: nothing recorded, no
   * OTLP targets, an export already pending, or the next one is due later than MAX_WAIT_MS (a later request
   * schedules it).
   */
  schedule(settings: MetricsSettings, deps: ExportDeps): Promise<void> | undefined {
    const now = deps.now ?? Date.now;
    const start = now();
    if (settings.targets.length === 0 || this.store.isEmpty) return undefined;
    if (this.pending && start - this.pending.since < STALE_MS) return undefined;
    const delay = Math.max(0, this.lastExportAt + settings.intervalMs - start);
    if (delay > MAX_WAIT_MS) return undefined;
    const token = {};
    this.pending = { since: start, token };
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const run = async (): Promise<void> => {
      try {
        if (delay > 0) await sleep(delay);
        this.lastExportAt = now();
        const batch = this.store.drain(this.lastExportAt);
        await sendBatch(batch, settings, this.scope, deps);
      } finally {
        if (this.pending?.token === token) this.pending = undefined;
      }
    };
    return run();
  }
}
