import {
  checkKeys,
  kindOf,
  expectBoolean,
  expectHeaders,
  expectHttpUrl,
  expectList,
  expectMapping,
  expectNumberIn,
  expectOneOf,
  expectStringList,
  fail,
  isMapping,
  keyPath,
  type Issues,
} from "./check";
import type { ExporterConfig, TracingConfig } from "./types";

const TRACING_KEYS = ["random_sampling", "trust_incoming_sampling", "span_attributes", "capture_content", "exporters"];
/** Plano tracing keys for its Envoy tracer and internal spans. */
const PLANO_TRACING_KEYS = ["trace_arch_internal", "opentracing_grpc_endpoint", "sampling_rate", "custom_attributes"];
const PLANO_TRACING_REASONS = {
  opentracing_grpc_endpoint: "ignored (Workers cannot export over gRPC; list an OTLP/HTTP endpoint under tracing.exporters)",
};
const SPAN_ATTRIBUTE_KEYS = ["header_prefixes", "static"];
const EXPORTER_KEYS = ["endpoint", "headers", "protocol"];
const PROTOCOLS = ["http/protobuf", "http/json"] as const;

function validateStatic(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  const entries: [string, string][] = [];
  for (const [name, v] of Object.entries(map)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") entries.push([name, String(v)]);
    else fail(issues, keyPath(path, name), `expected a string, number or boolean, got ${kindOf(v)}`);
  }
  return Object.fromEntries(entries);
}

function validateSpanAttributes(value: unknown, path: string, issues: Issues) {
  const map = expectMapping(value, path, issues);
  if (!map) return { headerPrefixes: [], staticAttributes: {} };
  checkKeys(map, path, { known: SPAN_ATTRIBUTE_KEYS }, issues);
  const headerPrefixes =
    map.header_prefixes === undefined ? [] : (expectStringList(map.header_prefixes, `${path}.header_prefixes`, issues) ?? []);
  const staticAttributes = map.static === undefined ? {} : (validateStatic(map.static, `${path}.static`, issues) ?? {});
  return { headerPrefixes, staticAttributes };
}

function validateExporter(value: unknown, path: string, issues: Issues): ExporterConfig | undefined {
  // Plano's own exporters (`type: posthog`) send events to a vendor API, not OTLP.
  if (isMapping(value) && value.type === "posthog") {
    issues.notices.push(`${path}: ignored (Plano's posthog exporter; tracegate exports OTLP)`);
    return undefined;
  }
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  checkKeys(map, path, { known: EXPORTER_KEYS }, issues);
  const url =
    map.endpoint === undefined
      ? fail(issues, `${path}.endpoint`, "required, e.g. http://127.0.0.1:4318/v1/traces")
      : expectHttpUrl(map.endpoint, `${path}.endpoint`, issues);
  const headers = map.headers === undefined ? {} : expectHeaders(map.headers, `${path}.headers`, issues);
  const protocol =
    map.protocol === undefined ? "http/protobuf" : expectOneOf(map.protocol, PROTOCOLS, `${path}.protocol`, issues);
  if (!url || !headers || !protocol || typeof map.endpoint !== "string") return undefined;
  return { endpoint: map.endpoint.trim(), headers, protocol };
}

/** `tracing:`; the caller skips this when the key is absent (tracing then stays undefined). */
export function validateTracing(value: unknown, issues: Issues): TracingConfig | undefined {
  const path = "tracing";
  const map = expectMapping(value, path, issues);
  if (!map) return undefined;
  checkKeys(map, path, { known: TRACING_KEYS, ignored: PLANO_TRACING_KEYS, reasons: PLANO_TRACING_REASONS }, issues);

  let randomSampling = 0;
  if (map.random_sampling === undefined) {
    issues.notices.push(`${path}.random_sampling: not set, so no trace is recorded; set a percentage from 1 to 100`);
  } else {
    randomSampling = expectNumberIn(map.random_sampling, 0, 100, `${path}.random_sampling`, issues) ?? 0;
  }
  const flag = (key: string, fallback: boolean): boolean =>
    map[key] === undefined ? fallback : (expectBoolean(map[key], `${path}.${key}`, issues) ?? fallback);
  const trustIncomingSampling = flag("trust_incoming_sampling", true);
  const captureContent = flag("capture_content", false);

  const spans =
    map.span_attributes === undefined
      ? { headerPrefixes: [], staticAttributes: {} }
      : validateSpanAttributes(map.span_attributes, `${path}.span_attributes`, issues);

  const exporters: ExporterConfig[] = [];
  if (map.exporters !== undefined) {
    const list = expectList(map.exporters, `${path}.exporters`, issues) ?? [];
    list.forEach((item, i) => {
      const exporter = validateExporter(item, `${path}.exporters[${i}]`, issues);
      if (exporter) exporters.push(exporter);
    });
  }

  return {
    randomSampling,
    trustIncomingSampling,
    headerPrefixes: spans.headerPrefixes,
    staticAttributes: spans.staticAttributes,
    captureContent,
    exporters,
  };
}
