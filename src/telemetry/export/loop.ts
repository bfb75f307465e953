import { flush, type ExportDeps } from "./exporter";
import type { ExportTarget } from "./config";
import type { SpanBuffer } from "../sdk/span-buffer";
import type { Resource } from "../sdk/span-data";

/** A running export loop stops starting new passes after this, keeping the request's waitUntil well under 30 s. */
const LOOP_BUDGET_MS = 5_000;
/** An export older than this belongs to a request context that is gone: start a new one. */
const STALE_MS = 30_000;

// Isolate-level: at most one export in flight. Requests that end while it runs only add their spans to the
// buffer, and the running export drains the buffer again before it stops, so under load one POST carries many
// requests' spans instead of one POST per request.
let inFlight: { readonly promise: Promise<void>; readonly startedAt: number; readonly token: object } | undefined;

/** Exports the buffered spans from the caller's waitUntil, or leaves them to the export already running. */
export function exportBuffered(
  buffer: SpanBuffer,
  targets: readonly ExportTarget[],
  resource: Resource,
  deps: ExportDeps,
): Promise<void> {
  if (inFlight && Date.now() - inFlight.startedAt < STALE_MS) return Promise.resolve();
  const startedAt = Date.now();
  const token = {};
  const run = async (): Promise<void> => {
    try {
      do {
        await flush(buffer, targets, resource, deps);
      } while (buffer.size > 0 && Date.now() - startedAt < LOOP_BUDGET_MS);
    } finally {
      if (inFlight?.token === token) inFlight = undefined;
    }
  };
  inFlight = { promise: run(), startedAt, token };
  return inFlight.promise;
}
