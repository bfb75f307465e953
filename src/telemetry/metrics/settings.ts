import type { GatewayConfig } from "../../config/types";
import { resolveExportTargets, resourceFromEnv, type ExportTarget } from "../export/config";
import type { Resource } from "../sdk/span-data";
import { tracingSettings } from "../settings";
import { PACKAGE_VERSION } from "../version";

/** What metrics record and where they go, decided once per config and env; undefined when nothing records. */
export interface MetricsSettings {
  /** OTLP export targets (`/v1/metrics`); empty when OTLP metrics are off (Analytics Engine only). */
  readonly targets: readonly ExportTarget[];
  /** At most one export per isolate this often (ms). */
  readonly intervalMs: number;
  /** `tracegate.client.name` on the GenAI metrics (`tracing.metrics.client_attribute`). */
  readonly clientAttribute: boolean;
  /** The Workers Analytics Engine binding's name, when one data point per request is written. */
  readonly analyticsEngine: string | undefined;
  readonly resource: Resource;
}

type Env = Readonly<Record<string, unknown>>;
type Warn = (message: string) => void;

export const DEFAULT_METRICS_INTERVAL_MS = 10_000;

const defaultWarn: Warn = (message) => console.warn(message);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/**
 * OTLP metrics on or off: `OTEL_METRICS_EXPORTER=none` turns them off; else `tracing.metrics.enabled` when set; else
 * `OTEL_METRICS_EXPORTER=otlp` turns them on; else they are on when tracing exports spans.
 */
function otlpOn(config: GatewayConfig, env: Env, warn: Warn): boolean {
  const exporter = str(env.OTEL_METRICS_EXPORTER)?.toLowerCase();
  if (exporter === "none") return false;
  const enabled = config.tracing?.metrics?.enabled;
  if (enabled !== undefined) return enabled;
  if (exporter === "otlp") return true;
  if (exporter !== undefined) warn(`tracegate: OTEL_METRICS_EXPORTER "${exporter}" is not supported in Workers (otlp or none); ignoring it`);
  return tracingSettings(config, env) !== undefined;
}

/** `tracing.metrics.export_interval_seconds`, else `OTEL_METRIC_EXPORT_INTERVAL` (ms), else 10 s. */
function intervalOf(config: GatewayConfig, env: Env, warn: Warn): number {
  const seconds = config.tracing?.metrics?.exportIntervalSeconds;
  if (seconds !== undefined) return seconds * 1000;
  const value = str(env.OTEL_METRIC_EXPORT_INTERVAL);
  if (value === undefined) return DEFAULT_METRICS_INTERVAL_MS;
  const ms = Number(value);
  if (Number.isFinite(ms) && ms > 0) return ms;
  warn(`tracegate: invalid OTEL_METRIC_EXPORT_INTERVAL "${value}"; using ${DEFAULT_METRICS_INTERVAL_MS} ms`);
  return DEFAULT_METRICS_INTERVAL_MS;
}

/**
 * Own exporters, else the traces' plain exporters (their endpoints pointed at /v1/metrics; presets are left out: most
 * of those backends take no OTLP metrics), else the OTEL_EXPORTER_OTLP_METRICS_* variables.
 */
function targetsOf(config: GatewayConfig, env: Env, warn: Warn): ExportTarget[] {
  const own = config.tracing?.metrics?.exporters;
  if (own) return resolveExportTargets(env, own, warn, "metrics");
  const traces = config.tracing?.exporters ?? [];
  const plain = traces.filter((e) => !e.preset);
  if (traces.length > 0 && plain.length === 0) return [];
  return resolveExportTargets(env, plain, warn, "metrics");
}

function compute(config: GatewayConfig, env: Env, warn: Warn): MetricsSettings | undefined {
  const metrics = config.tracing?.metrics;
  const analyticsEngine = metrics?.analyticsEngine;
  const otlp = otlpOn(config, env, warn);
  if (!otlp && analyticsEngine === undefined) return undefined;
  return {
    targets: otlp ? targetsOf(config, env, warn) : [],
    intervalMs: intervalOf(config, env, warn),
    clientAttribute: metrics?.clientAttribute ?? false,
    analyticsEngine,
    resource: resourceFromEnv(env, PACKAGE_VERSION, warn),
  };
}

// Decided once per (config, env) pair and kept with the config object; a new env (tests) recomputes.
const cache = new WeakMap<GatewayConfig, { env: Env; settings: MetricsSettings | undefined }>();

/** The metrics settings of a config and env (cached with the config); undefined when metrics are off. */
export function metricsSettings(config: GatewayConfig, env: Env, warn: Warn = defaultWarn): MetricsSettings | undefined {
  const hit = cache.get(config);
  if (hit && hit.env === env) return hit.settings;
  const settings = compute(config, env, warn);
  cache.set(config, { env, settings });
  return settings;
}
