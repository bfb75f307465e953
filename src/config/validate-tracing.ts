import {
  expectBoolean,
  expectMapping,
  expectNumberIn,
  expectPositiveInteger,
  expectStringList,
  fail,
  keyPath,
  kindOf,
  type Issues,
} from "./check";
import { isHeaderName } from "./header-syntax";
import { listOf, mapping, optional, withDefault, type Frozen } from "./schema";
import { exporter } from "./validate-exporter";
import { validateMetrics } from "./validate-metrics";


/** Plano tracing keys for its Envoy tracer and internal spans. */
const PLANO_TRACING_KEYS = ["trace_arch_internal", "opentracing_grpc_endpoint", "sampling_rate", "custom_attributes"];
const PLANO_TRACING_REASONS = {
  opentracing_grpc_endpoint: "ignored (Workers cannot export over gRPC; list an OTLP/HTTP endpoint under tracing.exporters)",
};

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

/** A header name (compared lower-case). */
function headerName(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === "string" && isHeaderName(value)) return value.toLowerCase();
  return fail(issues, path, `expected a header name, got ${typeof value === "string" ? `"${value}"` : kindOf(value)}`);
}

/** A body field as a dotted path of keys: `metadata.conversation_id`. */
function bodyField(value: unknown, path: string, issues: Issues): string[] | undefined {
  if (typeof value === "string" && /^[^.\s]+(\.[^.\s]+)*$/.test(value)) return value.split(".");
  const got = typeof value === "string" ? `"${value}"` : kindOf(value);
  return fail(issues, path, `expected a field of the request body, e.g. "metadata.conversation_id", got ${got}`);
}

/** Where an id comes from: `{header, body_field}`; absent: the default header only. */
const readIdSource = mapping({ header: optional(headerName), body_field: optional(bodyField) });

const readEndUser = mapping({ from_body: withDefault(expectBoolean, false), hash: withDefault(expectBoolean, false) });

const readSpanAttributes = mapping({
  header_prefixes: withDefault<readonly string[]>(expectStringList, []),
  static: withDefault<Readonly<Record<string, string>>>(staticAttributes, {}),
});

/** `random_sampling` (Plano's key): a percentage; absent means 0 (off unless `keep` is set: see validateTracing). */
function randomSampling(value: unknown, path: string, issues: Issues): number | undefined {
  return value === undefined ? undefined : (expectNumberIn(value, 0, 100, path, issues) ?? 0);
}

/** A cost threshold in US dollars: a positive finite number. */
function expectUsd(value: unknown, path: string, issues: Issues): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  return fail(issues, path, `expected a positive number of US dollars, got ${typeof value === "number" ? value : kindOf(value)}`);
}

const readKeep = mapping({
  errors: withDefault(expectBoolean, false),
  slower_than_ms: optional(expectPositiveInteger),
  costlier_than_usd: optional(expectUsd),
  fallbacks: withDefault(expectBoolean, false),
});

/** `keep:` the outcome rules that keep a request's spans the head decision dropped; a mapping naming no rule is an error. */
function keepRules(value: unknown, path: string, issues: Issues) {
  const errorsBefore = issues.errors.length;
  const read = readKeep(value, path, issues);
  if (!read) return undefined;
  const rules = {
    /** The request failed: its SERVER span ended in ERROR (a 5xx, or a stream broken off after its 200). */
    errors: read.errors,
    /** The SERVER span lasted longer than this (milliseconds). */
    slowerThanMs: read.slower_than_ms,
    /** The request's calls cost more than this (US dollars). */
    costlierThanUsd: read.costlier_than_usd,
    /** An attempt followed a failed one (a retry or a fallback). */
    fallbacks: read.fallbacks,
  };
  if (rules.errors || rules.fallbacks || rules.slowerThanMs !== undefined || rules.costlierThanUsd !== undefined) {
    return rules;
  }
  // A mapping whose rules were all wrong has said so already.
  if (issues.errors.length > errorsBefore) return undefined;
  return fail(issues, path, "names no rule: set errors, fallbacks, slower_than_ms or costlier_than_usd");
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
    keep: optional(keepRules),
    metrics: validateMetrics,
    conversation_id: withDefault(readIdSource, { header: "x-conversation-id", body_field: undefined }),
    session_id: withDefault(readIdSource, { header: "x-session-id", body_field: undefined }),
    end_user: withDefault(readEndUser, { from_body: false, hash: false }),
  },
  { ignored: PLANO_TRACING_KEYS, reasons: PLANO_TRACING_REASONS },
);

/** `tracing:`; the caller skips this when the key is absent (tracing then stays undefined). */
export function validateTracing(value: unknown, issues: Issues) {
  const tracing = readTracing(value, "tracing", issues);
  if (!tracing) return undefined;
  if (tracing.random_sampling === undefined && tracing.keep === undefined) {
    issues.notices.push("tracing.random_sampling: not set, so no trace is recorded; set a percentage from 1 to 100");
  }
  return {
    /** 0-100, Plano's key; 0 = tracing off (unless `keep` is set: then only kept requests are exported). */
    randomSampling: tracing.random_sampling ?? 0,
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
    /** Outcome rules that keep a request's spans the head decision dropped (`tracing.keep`); undefined when unset. */
    keep: tracing.keep,
    // Left out when absent, so that a config without it reads as before.
    ...(tracing.metrics && { metrics: tracing.metrics }),
    /** `gen_ai.conversation.id` / `session.id`: header (lower case) and body field (path of keys) they come from. */
    conversationId: tracing.conversation_id,
    sessionId: tracing.session_id,
    /** The request's own end-user field as `enduser.id`, or hashed as `enduser.pseudo.id`. */
    endUser: tracing.end_user,
  };
}

export type TracingConfig = Frozen<NonNullable<ReturnType<typeof validateTracing>>>;
/** `tracing.keep`: the outcome rules of keep-what-matters sampling. */
export type KeepRules = Frozen<NonNullable<ReturnType<typeof keepRules>>>;
