import { expectBoolean, expectNumberIn, fail, kindOf, type Issues } from "./check";
import { listOf, mapping, optional, withDefault } from "./schema";
import { exporter } from "./validate-exporter";

/** A Worker binding's name, as wrangler.toml writes it. */
function bindingName(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  const got = typeof value === "string" ? `"${value}"` : kindOf(value);
  return fail(issues, path, `expected the name of an Analytics Engine binding in wrangler.toml (e.g. GATEWAY_METRICS), got ${got}`);
}

/** The longest export interval accepted (seconds). */
export const MAX_METRICS_INTERVAL_SECONDS = 3600;

const readMetrics = mapping({
  enabled: optional(expectBoolean),
  exporters: optional(listOf(exporter)),
  export_interval_seconds: optional((value, path, issues) =>
    expectNumberIn(value, 0.001, MAX_METRICS_INTERVAL_SECONDS, path, issues),
  ),
  client_attribute: withDefault(expectBoolean, false),
  analytics_engine: optional(bindingName),
});

/** `tracing.metrics`; absent (undefined) means the defaults: OTLP metrics on when spans are exported. */
export function validateMetrics(value: unknown, path: string, issues: Issues) {
  if (value === undefined) return undefined;
  const read = readMetrics(value, path, issues);
  return {
    /** OTLP metrics on/off; undefined: on when tracing exports spans (telemetry/metrics/settings.ts). */
    enabled: read?.enabled,
    /** Own exporters; undefined: the traces' plain exporters (or the OTEL_EXPORTER_OTLP_METRICS_* variables). */
    exporters: read?.exporters,
    /** Undefined: OTEL_METRIC_EXPORT_INTERVAL or 10 s. */
    exportIntervalSeconds: read?.export_interval_seconds,
    /** Put the authenticated client's name (`tracegate.client.name`) on the GenAI metrics. */
    clientAttribute: read?.client_attribute ?? false,
    /** Workers Analytics Engine binding that gets one data point per request. */
    analyticsEngine: read?.analytics_engine,
  };
}
