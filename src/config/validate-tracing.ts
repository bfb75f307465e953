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
import { isHeaderName } from "./header-syntax";
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
    /** `gen_ai.conversation.id` / `session.id`: header (lower case) and body field (path of keys) they come from. */
    conversationId: tracing.conversation_id,
    sessionId: tracing.session_id,
    /** The request's own end-user field as `enduser.id`, or hashed as `enduser.pseudo.id`. */
    endUser: tracing.end_user,
  };
}

export type TracingConfig = Frozen<NonNullable<ReturnType<typeof validateTracing>>>;
/** One `tracing.exporters[]` entry: an OTLP/HTTP endpoint with its own headers and encoding. */
export type ExporterConfig = Frozen<NonNullable<ReturnType<typeof exporter>>>;
