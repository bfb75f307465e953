import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../../src/app";

// The same env object for the same input, so the gateway's per-(config, env) settings stay cached across requests.
const withDefaults = new WeakMap<Record<string, unknown>, Record<string, unknown>>();

/**
 * Metrics are on by default wherever tracing exports, and a metrics export may wait in waitUntil up to the export
 * interval (10 s), which requestApp awaits: tests that are not about metrics turn them off. A test about metrics
 * sets OTEL_METRICS_EXPORTER itself (and a short tracing.metrics.export_interval_seconds). Likewise span exports
 * start at once (OTEL_BSP_SCHEDULE_DELAY=0) unless a test sets the pacing it is about.
 */
function testDefaults(env: Record<string, unknown>): Record<string, unknown> {
  if ("OTEL_METRICS_EXPORTER" in env && "OTEL_BSP_SCHEDULE_DELAY" in env) return env;
  let full = withDefaults.get(env);
  if (!full) withDefaults.set(env, (full = { OTEL_METRICS_EXPORTER: "none", OTEL_BSP_SCHEDULE_DELAY: "0", ...env }));
  return full;
}

/**
 * Sends a request through the Worker's app as the runtime would: with `env` and a fresh execution context. Resolves
 * once the response body has been read to its end and every `waitUntil` task (span export, rate-limit token
 * counting) has settled, so what the request left behind can be checked right away. The body is read here because
 * a stream's spans end only with its last chunk; the returned Response holds the same status, headers and bytes.
 */
export async function requestApp(path: string, init: RequestInit = {}, env: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(new URL(path, "http://localhost"), init), testDefaults(env), ctx);
  const body = res.body === null ? null : await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
