import type { ExportDeps } from "../export/exporter";
import { HTTP_SERVER_DURATION } from "./instruments";
import { isolateMetricsLoop, isolateMetricStore, type RequestMeter, type RequestTotals } from "./meter";
import type { MetricsSettings } from "./settings";

// What a request leaves behind once its response has ended: http.server.request.duration, the optional Workers
// Analytics Engine data point, and the scheduling of the isolate's next metrics export.

/** The request as the HTTP server metric describes it. */
export interface ServedRequest {
  readonly method: string;
  /** The matched route template (`/v1/chat/completions`); undefined when none matched. */
  readonly route: string | undefined;
  readonly scheme: string;
  readonly status: number;
  /** The authenticated client's name, if any (always on the Analytics Engine point). */
  readonly client: string | undefined;
}

/** The part of a Workers Analytics Engine dataset binding tracegate uses. */
interface AnalyticsEngineDataset {
  writeDataPoint(point: { indexes?: string[]; blobs?: string[]; doubles?: number[] }): void;
}

function isDataset(value: unknown): value is AnalyticsEngineDataset {
  return typeof value === "object" && value !== null && typeof (value as Record<string, unknown>).writeDataPoint === "function";
}

/** Analytics Engine's limit on an index (bytes); client names are short, but a JWT `sub` is the caller's choice. */
const MAX_INDEX_CHARS = 96;

/**
 * One data point per request (docs/metrics.md has the SQL): index the client; blobs model, provider, client, status,
 * "priced"/"unpriced"; doubles input tokens, output tokens, cost USD (0 when unpriced: see blob5), duration ms,
 * time to first chunk ms (0 when not streamed).
 */
export function analyticsPoint(totals: RequestTotals, served: ServedRequest, durationMs: number) {
  const client = served.client ?? "";
  return {
    indexes: [client.slice(0, MAX_INDEX_CHARS)],
    blobs: [totals.model ?? "", totals.provider ?? "", client, String(served.status), totals.costUsd === undefined ? "unpriced" : "priced"],
    doubles: [totals.inputTokens, totals.outputTokens, totals.costUsd ?? 0, durationMs, totals.firstChunkMs ?? 0],
  };
}

/** http.server.request.duration's attributes (HTTP server metrics conventions). */
function serverAttributes({ method, route, scheme, status }: ServedRequest): Record<string, string | number> {
  const attrs: Record<string, string | number> = { "http.request.method": method, "url.scheme": scheme, "http.response.status_code": status };
  if (route !== undefined) attrs["http.route"] = route;
  if (status >= 500) attrs["error.type"] = String(status);
  return attrs;
}

/**
 * Waits until the request's calls have ended (a stream's last chunk), records its duration, writes its Analytics
 * Engine point, then runs the isolate's metrics export if this request is the one to schedule it. For waitUntil:
 * never throws.
 */
export async function endRequestMetrics(
  meter: RequestMeter,
  served: ServedRequest,
  settings: MetricsSettings,
  env: Readonly<Record<string, unknown>>,
  deps: ExportDeps,
): Promise<void> {
  await meter.idle();
  const durationMs = Date.now() - meter.startMs;
  if (settings.targets.length > 0) {
    const { method, route, scheme, status } = served;
    const key = `${method}\u0000${route ?? ""}\u0000${status}\u0000${scheme}`;
    isolateMetricStore.record(HTTP_SERVER_DURATION, key, () => serverAttributes(served), durationMs / 1000);
  }
  if (settings.analyticsEngine !== undefined) {
    const dataset = env[settings.analyticsEngine];
    try {
      if (isDataset(dataset)) dataset.writeDataPoint(analyticsPoint(meter.totals, served, durationMs));
      else deps.log(`tracegate: tracing.metrics.analytics_engine names ${settings.analyticsEngine}, which is not an Analytics Engine binding`);
    } catch (error) {
      deps.log(`tracegate: Analytics Engine write failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await isolateMetricsLoop.schedule(settings, deps);
}
