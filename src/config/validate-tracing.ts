import {
  expectBoolean,
  expectHeaders,
  expectHttpUrl,
  expectMapping,
  expectNumberIn,
  expectOneOf,
  expectPositiveInteger,
  expectStringList,
  fail,
  isMapping,
  keyPath,
  kindOf,
  type Issues,
} from "./check";
import { listOf, mapping, optional, required, withDefault, type Frozen } from "./schema";


/** Plano tracing keys for its Envoy tracer and internal spans. */
const PLANO_TRACING_KEYS = ["trace_arch_internal", "opentracing_grpc_endpoint", "sampling_rate", "custom_attributes"];
const PLANO_TRACING_REASONS = {
  opentracing_grpc_endpoint: "ignored (Workers cannot export over gRPC; list an OTLP/HTTP endpoint under tracing.exporters)",
};
const PROTOCOLS = ["http/protobuf", "http/json"] as const;

/** Default cap of one captured-content attribute (`capture_content_max_bytes`): 16 KiB of UTF-8. */
export const DEFAULT_CONTENT_MAX_BYTES = 16 * 1024;

/** `static:` span attributes; numbers and booleans are kept as their text. */
function staticAttributes(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  const entries: [string, string][] = [];
  for (const [name, v] of Object.entries(map)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") entries.push([name, String(v)]);
    else fail(issues, keyPath(path, name), `expected a string, number or boolean, got ${kindOf(v)}`);
  }
  return Object.fromEntries(entries);
}

const readSpanAttributes = mapping({
  header_prefixes: withDefault<readonly string[]>(expectStringList, []),
  static: withDefault<Readonly<Record<string, string>>>(staticAttributes, {}),
});

const readExporter = mapping({
  endpoint: required(
    (value, path, issues) => (expectHttpUrl(value, path, issues) && typeof value === "string" ? value.trim() : undefined),
    "required, e.g. http://127.0.0.1:4318/v1/traces",
  ),
  headers: withDefault(expectHeaders, {}),
  protocol: withDefault((value, path, issues) => expectOneOf(value, PROTOCOLS, path, issues), PROTOCOLS[0]),
});

function exporter(value: unknown, path: string, issues: Issues) {
  // Plano's own exporters (`type: posthog`) send events to a vendor API, not OTLP.
  if (isMapping(value) && value.type === "posthog") {
    issues.notices.push(`${path}: ignored (Plano's posthog exporter; tracegate exports OTLP)`);
    return undefined;
  }
  const read = readExporter(value, path, issues);
  if (read?.endpoint === undefined) return undefined;
  return {
    /** As written: a full traces URL, or a base URL that `/v1/traces` is appended to (telemetry/export). */
    endpoint: read.endpoint,
    headers: read.headers,
    protocol: read.protocol,
  };
}

/** A Worker binding's name, as wrangler.toml writes it. */
function bindingName(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  const got = typeof value === "string" ? `"${value}"` : kindOf(value);
  return fail(issues, path, `expected the name of an Analytics Engine binding in wrangler.toml (e.g. GATEWAY_METRICS), got ${got}`);
}

/** The longest export interval: an export waits in the request's waitUntil, which ends 30 s after the response. */
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
function metrics(value: unknown, path: string, issues: Issues) {
  if (value === undefined) return undefined;
  const read = readMetrics(value, path, issues);
  return {
    /** OTLP metrics on/off; undefined: on when tracing exports spans (telemetry/metrics/settings.ts). */
    enabled: read?.enabled,
    /** Own exporters; undefined: the traces' exporters (or the OTEL_EXPORTER_OTLP_METRICS_* variables). */
    exporters: read?.exporters,
    /** Undefined: OTEL_METRIC_EXPORT_INTERVAL or 10 s. */
    exportIntervalSeconds: read?.export_interval_seconds,
    /** Put the authenticated client's name (`tracegate.client.name`) on the GenAI metrics. */
    clientAttribute: read?.client_attribute ?? false,
    /** Workers Analytics Engine binding that gets one data point per request. */
    analyticsEngine: read?.analytics_engine,
  };
}

/** `random_sampling` (Plano's key): a percentage; absent means off, with a notice. */
function randomSampling(value: unknown, path: string, issues: Issues): number {
  if (value !== undefined) return expectNumberIn(value, 0, 100, path, issues) ?? 0;
  issues.notices.push(`${path}: not set, so no trace is recorded; set a percentage from 1 to 100`);
  return 0;
}

const readTracing = mapping(
  {
    random_sampling: randomSampling,
    trust_incoming_sampling: withDefault(expectBoolean, true),
    capture_content: withDefault(expectBoolean, false),
    capture_content_max_bytes: withDefault(expectPositiveInteger, DEFAULT_CONTENT_MAX_BYTES),
    capture_content_media: withDefault(expectBoolean, false),
    span_attributes: withDefault(readSpanAttributes, { header_prefixes: [], static: {} }),
    exporters: withDefault(listOf(exporter), []),
    metrics,
  },
  { ignored: PLANO_TRACING_KEYS, reasons: PLANO_TRACING_REASONS },
);

/** `tracing:`; the caller skips this when the key is absent (tracing then stays undefined). */
export function validateTracing(value: unknown, issues: Issues) {
  const tracing = readTracing(value, "tracing", issues);
  if (!tracing) return undefined;
  return {
    /** 0-100, Plano's key; 0 = tracing off. */
    randomSampling: tracing.random_sampling,
    trustIncomingSampling: tracing.trust_incoming_sampling,
    /** Request headers with these prefixes become span attributes. */
    headerPrefixes: tracing.span_attributes.header_prefixes,
    staticAttributes: tracing.span_attributes.static,
    captureContent: tracing.capture_content,
    /** UTF-8 bytes kept of each captured-content attribute; longer values are cut with a marker. */
    captureContentMaxBytes: tracing.capture_content_max_bytes,
    /** Keep inline base64 media in captured messages instead of a `{type, mime_type, bytes}` placeholder. */
    captureContentMedia: tracing.capture_content_media,
    exporters: tracing.exporters,
    // Left out when absent, so that a config without it reads as before.
    ...(tracing.metrics && { metrics: tracing.metrics }),
  };
}

export type TracingConfig = Frozen<NonNullable<ReturnType<typeof validateTracing>>>;
/** One `tracing.exporters[]` entry: an OTLP/HTTP endpoint with its own headers and encoding. */
export type ExporterConfig = Frozen<NonNullable<ReturnType<typeof exporter>>>;
/** `tracing.metrics`, with what was left unset still undefined (telemetry/metrics/settings.ts decides those). */
export type MetricsConfig = Frozen<NonNullable<ReturnType<typeof metrics>>>;
