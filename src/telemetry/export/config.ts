import { isHeaderName, isHeaderValue } from "../../config/header-syntax";
import { resolveSecret } from "../../config/secrets";
import type { ExporterConfig } from "../../config/types";
import { PRESETS, type SpanDecorator } from "./presets";
import type { AttributeValue, Resource } from "../sdk/span-data";

// Where and how spans are exported, from the gateway config's `tracing.exporters` and the standard OTLP exporter
// variables (OpenTelemetry spec, protocol/exporter.md). Decided once per config and env (see settings.ts).

export type ExportProtocol = ExporterConfig["protocol"];

export interface ExportTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: ExportProtocol;
  readonly compression: "gzip" | "none";
  readonly timeoutMs: number;
}

type Env = Readonly<Record<string, unknown>>;
type Warn = (message: string) => void;

export const DEFAULT_TRACES_URL = "http://localhost:4318/v1/traces";
export const DEFAULT_METRICS_URL = "http://localhost:4318/v1/metrics";
export const DEFAULT_TIMEOUT_MS = 10_000;

const defaultWarn: Warn = (message) => console.warn(message);

/** A non-empty string variable, trimmed; bindings of other types are not configuration. */
function variable(env: Env, name: string): string | undefined {
  const value = env[name];
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** What is exported: spans to `/v1/traces`, metrics to `/v1/metrics`. */
export type Signal = "traces" | "metrics";

/** The signal-specific variable (`OTEL_EXPORTER_OTLP_TRACES_*`, `..._METRICS_*`) wins over the generic one. */
const pick = (env: Env, suffix: string, signal: Signal) =>
  variable(env, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${suffix}`) ?? variable(env, `OTEL_EXPORTER_OTLP_${suffix}`);

/** `k1=v1,k2=v2` with percent-encoded values (W3C Baggage-like). Pairs that do not parse are skipped. */
export function parseHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let decoded: string;
    try {
      decoded = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      continue;
    }
    if (isHeaderName(key) && isHeaderValue(decoded)) headers[key] = decoded;
  }
  return headers;
}

/** The URL without credentials, query or fragment: safe to log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid url)";
  }
}

function httpUrl(url: string, warn: Warn): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") return u.href;
  } catch {
    // reported below
  }
  warn(`tracegate: ignoring OTLP endpoint ${redactUrl(url)}: not an http(s) URL`);
  return undefined;
}

/**
 * A `tracing.exporters[].endpoint`: used as given when its path already names the traces resource (ends in
 * `/traces` or `/trace`, e.g. `/v1/traces`, Langtrace's `/api/trace`); otherwise a base URL to which `/v1/traces`
 * is appended (`http://collector:4318` -> `http://collector:4318/v1/traces`, `https://host/otlp` ->
 * `https://host/otlp/v1/traces`). For metrics the same endpoint names `/v1/metrics`: a path ending in `/metrics` is
 * used as given, a traces path has its last segment replaced (`/v1/traces` -> `/v1/metrics`), a base URL gets
 * `/v1/metrics` appended.
 */
export function exporterUrl(endpoint: string, signal: Signal = "traces"): string {
  const trimmed = endpoint.trim();
  try {
    const u = new URL(trimmed);
    const path = u.pathname.replace(/\/+$/, "");
    if (signal === "traces") {
      if (/\/traces?$/.test(path)) return trimmed;
      u.pathname = `${path}/v1/traces`;
      return u.href;
    }
    if (/\/metrics$/.test(path)) return trimmed;
    u.pathname = /\/traces?$/.test(path) ? path.replace(/traces?$/, "metrics") : `${path}/v1/metrics`;
    return u.href;
  } catch {
    return trimmed; // rejected by httpUrl
  }
}

function protocolFrom(env: Env, warn: Warn, signal: Signal): ExportProtocol {
  const value = pick(env, "PROTOCOL", signal);
  if (value === undefined || value === "http/protobuf" || value === "http/json") return value ?? "http/protobuf";
  warn(`tracegate: OTLP protocol "${value}" is not supported in Workers; using http/protobuf`);
  return "http/protobuf";
}

function compressionFrom(env: Env, warn: Warn, signal: Signal): "gzip" | "none" {
  const value = pick(env, "COMPRESSION", signal)?.toLowerCase();
  if (value === undefined || value === "none") return "none";
  if (value === "gzip") return "gzip";
  warn(`tracegate: OTLP compression "${value}" is not supported; sending uncompressed`);
  return "none";
}

function timeoutFrom(env: Env, warn: Warn, signal: Signal): number {
  const value = pick(env, "TIMEOUT", signal);
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(value);
  if (Number.isFinite(ms) && ms > 0) return Math.round(ms);
  warn(`tracegate: invalid OTLP timeout "${value}"; using ${DEFAULT_TIMEOUT_MS} ms`);
  return DEFAULT_TIMEOUT_MS;
}

/**
 * A preset entry's headers: the backend's own, from its options with `$NAME` references resolved from the bindings,
 * under the entry's `headers`. Undefined (the entry is skipped, with a warning naming the key) when a secret is unset.
 */
function presetHeaders(e: ExporterConfig, env: Env, warn: Warn): Record<string, string> | undefined {
  if (!e.preset) return { ...e.headers };
  const { name, options } = e.preset;
  const resolved: Record<string, string> = {};
  for (const [key, ref] of Object.entries(options)) {
    const result = resolveSecret(ref, env, `tracing.exporters[preset=${name}].${key}`);
    if (!result.ok) {
      warn(`tracegate: not exporting to ${name}: ${result.error}`);
      return undefined;
    }
    if (result.value !== undefined) resolved[key] = result.value;
  }
  return { ...PRESETS[name].headers(resolved), ...e.headers };
}

/** The span decorators of the presets configured (each once): backend attributes every exported span gets. */
export function presetDecorators(exporters: readonly ExporterConfig[]): SpanDecorator[] {
  const decorators = new Set<SpanDecorator>();
  for (const e of exporters) {
    const decorate = e.preset && PRESETS[e.preset.name].decorate;
    if (decorate) decorators.add(decorate);
  }
  return [...decorators];
}

/**
 * The export targets of a signal: each configured exporter when there are any (with its own headers and protocol),
 * else one target from `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as is), `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`)
 * or `http://localhost:4318/v1/traces`, with the `..._HEADERS` and `..._PROTOCOL` variables (metrics: the
 * `OTEL_EXPORTER_OTLP_METRICS_*` variables and `/v1/metrics`). Compression and
 * timeout variables apply to every target. Header variables only go to the endpoint from the variables, never to
 * config exporters: a credential meant for one backend must not reach another.
 */
export function resolveExportTargets(
  env: Env,
  exporters: readonly ExporterConfig[],
  warn: Warn = defaultWarn,
  signal: Signal = "traces",
): ExportTarget[] {
  const compression = compressionFrom(env, warn, signal);
  const timeoutMs = timeoutFrom(env, warn, signal);
  if (exporters.length > 0) {
    const targets: ExportTarget[] = [];
    for (const e of exporters) {
      const url = httpUrl(exporterUrl(e.endpoint, signal), warn);
      const headers = url && presetHeaders(e, env, warn);
      if (url && headers) targets.push({ url, headers, protocol: e.protocol, compression, timeoutMs });
    }
    return targets;
  }
  const signalEndpoint = variable(env, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
  const base = variable(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const fallback = signal === "traces" ? DEFAULT_TRACES_URL : DEFAULT_METRICS_URL;
  const raw = signalEndpoint ?? (base !== undefined ? `${base.replace(/\/+$/, "")}/v1/${signal}` : fallback);
  const url = httpUrl(raw, warn);
  if (!url) return [];
  const headers = parseHeaders(pick(env, "HEADERS", signal));
  return [{ url, headers, protocol: protocolFrom(env, warn, signal), compression, timeoutMs }];
}

/**
 * `OTEL_RESOURCE_ATTRIBUTES` (`k=v,...`, percent-encoded values): any pair that does not decode drops them all,
 * as the spec asks. Returns undefined in that case.
 */
export function parseResourceAttributes(value: string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  for (const pair of value.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (key === "") return undefined;
    try {
      out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return out;
}

/** The Worker's version from the `version_metadata` binding (`CF_VERSION_METADATA`), when bound and well-formed. */
function workerVersion(env: Env): { id: string; tag: string } | undefined {
  const metadata = env.CF_VERSION_METADATA;
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { id, tag } = metadata as Record<string, unknown>;
  if (typeof id !== "string" || id === "") return undefined;
  return { id, tag: typeof tag === "string" ? tag : "" };
}

/** The Worker name in wrangler.toml: the runtime does not tell a Worker its own name. */
export const WORKER_NAME = "tracegate";

/**
 * The resource every span is exported with: the defaults, then `OTEL_RESOURCE_ATTRIBUTES` over them, then the SDK's
 * own `telemetry.sdk.*`, and `service.name` from `OTEL_SERVICE_NAME` (which wins). Defaults: `service.name`
 * "tracegate", `service.version` (tracegate's version), the platform as Cloudflare's own Workers tracing names it
 * (`cloud.provider` "cloudflare", `cloud.platform` "cloudflare.workers") and the Worker as a FaaS resource:
 * `faas.name`, and with the version metadata binding `faas.version` (the immutable version id),
 * `cloudflare.script_version.id` and, when set, `cloudflare.script_version.tag`.
 */
export function resourceFromEnv(env: Env, serviceVersion: string, warn: Warn = defaultWarn): Resource {
  const raw = variable(env, "OTEL_RESOURCE_ATTRIBUTES");
  let fromEnv = parseResourceAttributes(raw);
  if (fromEnv === undefined) {
    warn("tracegate: OTEL_RESOURCE_ATTRIBUTES does not decode; ignoring all of it");
    fromEnv = {};
  }
  const attributes: Record<string, AttributeValue> = {
    "service.name": "tracegate",
    "service.version": serviceVersion,
    "cloud.provider": "cloudflare",
    "cloud.platform": "cloudflare.workers",
    "faas.name": WORKER_NAME,
  };
  const version = workerVersion(env);
  if (version) {
    attributes["faas.version"] = version.id;
    attributes["cloudflare.script_version.id"] = version.id;
    if (version.tag !== "") attributes["cloudflare.script_version.tag"] = version.tag;
  }
  Object.assign(attributes, fromEnv, {
    "telemetry.sdk.name": "tracegate",
    "telemetry.sdk.language": "webjs",
    "telemetry.sdk.version": serviceVersion,
  });
  const serviceName = variable(env, "OTEL_SERVICE_NAME");
  if (serviceName !== undefined) attributes["service.name"] = serviceName;
  return { attributes };
}
