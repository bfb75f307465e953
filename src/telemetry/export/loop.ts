import { flush, type ExportDeps } from "./exporter";
import type { ExportTarget } from "./config";
import type { SpanBuffer } from "../sdk/span-buffer";
import type { Resource } from "../sdk/span-data";

/** A running export loop stops starting new passes after this, keeping the request's waitUntil well under 30 s. */
const LOOP_BUDGET_MS = 5_000;
/** An export older than this belongs to a request context that is gone: start a new one. */
const STALE_MS = 30_000;
/**
 * Spans waiting that start an export at once, whatever the schedule delay. Far below OpenTelemetry's 512: spans kept
 * waiting outlive V8's young generation under load and are promoted, and the old generation's collections then cost
 * more CPU than the POSTs saved (at concurrency 32, 512 made each request ~30% dearer). 64 is about what concurrent
 * requests gathered in one POST before pacing (32 requests' SERVER and CLIENT spans).
 */
export const MAX_EXPORT_BATCH = 64;

/** When exports start (`OTEL_BSP_SCHEDULE_DELAY`). */
export interface ExportSchedule {
  /**
   * The least time between the starts of two exports (ms). An export after a quiet period starts at once; one that
   * would follow another sooner waits the rest of the delay while more requests' spans gather in the buffer, so a
   * busy isolate makes about one POST per delay instead of one per request. 0: every request's spans at once.
   */
  readonly delayMs: number;
}

/** The export running in this isolate: when it started, and how to end its wait early. */
interface RunningExport {
  readonly startedAt: number;
  wake: (() => void) | undefined;
}

// Isolate-level, deliberately: at most one export in flight, and when the last one started. Requests that end while
// it runs (or waits its turn) only add their spans to the buffer, and the running export drains the buffer again
// before it stops, so one POST carries many requests' spans instead of one POST per request.
let inFlight: RunningExport | undefined;
let lastExportAt = Number.NEGATIVE_INFINITY;

/** Resolves after `ms`, or as soon as `running.wake` is called. */
function pause(ms: number, running: RunningExport): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    running.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/** Exports the buffered spans from the caller's waitUntil, or leaves them to the export already running. */
export function exportBuffered(
  buffer: SpanBuffer,
  targets: readonly ExportTarget[],
  resource: Resource,
  deps: ExportDeps,
  schedule: ExportSchedule = { delayMs: 0 },
): Promise<void> {
  const now = deps.now ?? Date.now;
  if (inFlight && now() - inFlight.startedAt < STALE_MS) {
    // A full batch need not wait for the schedule.
    if (buffer.size >= MAX_EXPORT_BATCH) inFlight.wake?.();
    return Promise.resolve();
  }
  const running: RunningExport = { startedAt: now(), wake: undefined };
  inFlight = running;
  const run = async (): Promise<void> => {
    try {
      do {
        const wait = lastExportAt + schedule.delayMs - now();
        if (wait > 0 && buffer.size < MAX_EXPORT_BATCH) await pause(wait, running);
        running.wake = undefined;
        lastExportAt = now();
        await flush(buffer, targets, resource, deps);
      } while (buffer.size > 0 && now() - running.startedAt < LOOP_BUDGET_MS);
    } finally {
      if (inFlight === running) inFlight = undefined;
    }
  };
  return run();
}
