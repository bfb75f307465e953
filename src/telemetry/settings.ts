import { DEFAULT_CONTENT_MAX_BYTES, type GatewayConfig, type KeepRules } from "../config/types";
import { TRUNCATION_MARKER_MAX } from "./genai/content-limits";
import { DEFAULT_DOUBLE_KEYS, LATEST_DOUBLE_KEYS } from "./sdk/attribute-types";
import { presetDecorators, resolveExportTargets, resourceFromEnv, type ExportTarget } from "./export/config";
import type { ExportSchedule } from "./export/loop";
import type { SpanDecorator } from "./export/presets";
import { samplerFromEnv, type SamplerConfig } from "./propagation/sampler";
import { spanLimitsFromEnv, type SpanLimits } from "./sdk/limits";
import type { Resource } from "./sdk/span-data";
import { headerIdentity, type IdentitySettings } from "./identity";
import { PACKAGE_VERSION } from "./version";

/** Everything tracing needs that does not change between requests; undefined when tracing is off. */
export interface TracingSettings {
  readonly sampler: SamplerConfig;
  /**
   * `tracing.keep`: requests the head decision drops (traces we start, and with `trust_incoming_sampling: false`
   * all) are recorded anyway and exported when a rule matches their outcome. Undefined: nothing extra is recorded.
   */
  readonly keep: KeepRules | undefined;
  readonly captureContent: boolean;
  /** UTF-8 bytes kept of one captured-content attribute (`tracing.capture_content_max_bytes`, default 16 KiB). */
  readonly contentMaxBytes: number;
  /** Inline media kept in captured input messages (`tracing.capture_content_media`); else a placeholder. */
  readonly captureMedia: boolean;
  /**
   * `OTEL_SEMCONV_STABILITY_OPT_IN` lists `gen_ai_latest_experimental`: the newest GenAI convention names and types
   * (semantic-conventions-genai main) instead of the ones in force today (v1.41). Decided once per settings.
   */
  readonly latestGenAi: boolean;
  readonly headerPrefixes: readonly string[];
  readonly staticAttributes: Readonly<Record<string, string>>;
  readonly targets: readonly ExportTarget[];
  /** Backend attributes the configured exporter presets add to every exported span (none without presets). */
  readonly spanDecorators: readonly SpanDecorator[];
  readonly resource: Resource;
  /** When span exports start (`OTEL_BSP_SCHEDULE_DELAY`). */
  readonly exportSchedule: ExportSchedule;
  /** Span limits (counts, value lengths) from the standard OTEL_*_LIMIT variables and the defaults. */
  readonly limits: SpanLimits;
  /** Who called and in which conversation (identity.ts). */
  readonly identity: IdentitySettings;
}

/** Without a `tracing:` key (tracing from OTEL_* variables): the default headers, nothing from the body. */
const DEFAULT_IDENTITY: IdentitySettings = {
  conversationHeader: "x-conversation-id",
  sessionHeader: "x-session-id",
  conversationField: undefined,
  sessionField: undefined,
  endUserFromBody: false,
  endUserHash: false,
};

function identityOf(tracing: GatewayConfig["tracing"]): IdentitySettings {
  if (!tracing) return DEFAULT_IDENTITY;
  return {
    conversationHeader: tracing.conversationId.header,
    sessionHeader: tracing.sessionId.header,
    conversationField: tracing.conversationId.body_field,
    sessionField: tracing.sessionId.body_field,
    endUserFromBody: tracing.endUser.from_body,
    endUserHash: tracing.endUser.hash,
  };
}

type Env = Readonly<Record<string, unknown>>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

// Decided once per (config, env) pair and kept with the config object; a new env (tests) recomputes.
const cache = new WeakMap<GatewayConfig, { env: Env; settings: TracingSettings | undefined }>();

function compute(config: GatewayConfig, env: Env): TracingSettings | undefined {
  const tracing = config.tracing;
  const configured: SamplerConfig | undefined = tracing
    ? { percentage: tracing.randomSampling, trustIncoming: tracing.trustIncomingSampling }
    : undefined;
  const sampler = samplerFromEnv(str(env.OTEL_TRACES_SAMPLER), str(env.OTEL_TRACES_SAMPLER_ARG), configured);
  // `random_sampling` absent or 0 means tracing off, unless a valid standard sampler variable took over
  // (samplerFromEnv returns the configured object itself when the variables are absent or invalid) or `keep` asks
  // for the requests that matter whatever the head decision.
  if (!sampler || (sampler.percentage === 0 && sampler === configured && !tracing?.keep)) return undefined;
  const contentMaxBytes = tracing?.captureContentMaxBytes ?? DEFAULT_CONTENT_MAX_BYTES;
  const latestGenAi = optedIntoLatestGenAi(env.OTEL_SEMCONV_STABILITY_OPT_IN);
  return {
    sampler,
    keep: tracing?.keep,
    captureContent:
      tracing?.captureContent === true ||
      str(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT)?.toLowerCase() === "true",
    contentMaxBytes,
    captureMedia: tracing?.captureContentMedia === true,
    latestGenAi,
    headerPrefixes: tracing?.headerPrefixes.map((p) => p.toLowerCase()) ?? [],
    staticAttributes: tracing?.staticAttributes ?? {},
    targets: resolveExportTargets(env, tracing?.exporters ?? []),
    spanDecorators: presetDecorators(tracing?.exporters ?? []),
    resource: resourceFromEnv(env, PACKAGE_VERSION),
    exportSchedule: { delayMs: scheduleDelayOf(env.OTEL_BSP_SCHEDULE_DELAY) },
    // The SDK's backstop for content keys sits above the capture's own cap and marker (characters <= UTF-8 bytes).
    limits: spanLimitsFromEnv(env, {
      contentValueLength: contentMaxBytes + TRUNCATION_MARKER_MAX,
      doubleKeys: latestGenAi ? LATEST_DOUBLE_KEYS : DEFAULT_DOUBLE_KEYS,
    }),
    identity: identityOf(tracing),
  };
}

/** `OTEL_BSP_SCHEDULE_DELAY` when unset: at most one span export per second per isolate. */
export const DEFAULT_SCHEDULE_DELAY_MS = 1000;
/** Longer delays would hold a request's waitUntil too close to its 30 s limit. */
export const MAX_SCHEDULE_DELAY_MS = 10_000;

/** The least time between two span exports, from `OTEL_BSP_SCHEDULE_DELAY` (ms, as the OpenTelemetry SDKs read it). */
function scheduleDelayOf(value: unknown): number {
  const warn = (message: string) => console.warn(message);
  const raw = str(value)?.trim();
  if (raw === undefined || raw === "") return DEFAULT_SCHEDULE_DELAY_MS;
  const ms = Number(raw);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    warn(`tracegate: OTEL_BSP_SCHEDULE_DELAY="${raw.slice(0, 40)}" is not a non-negative integer (ms); using ${DEFAULT_SCHEDULE_DELAY_MS}`);
    return DEFAULT_SCHEDULE_DELAY_MS;
  }
  if (ms > MAX_SCHEDULE_DELAY_MS) {
    warn(`tracegate: OTEL_BSP_SCHEDULE_DELAY=${ms} is over ${MAX_SCHEDULE_DELAY_MS} ms (waitUntil's limit is 30 s); using ${MAX_SCHEDULE_DELAY_MS}`);
    return MAX_SCHEDULE_DELAY_MS;
  }
  return ms;
}

/** The GenAI conventions' opt-in token, in the comma-separated `OTEL_SEMCONV_STABILITY_OPT_IN` list. */
export const LATEST_GENAI_OPT_IN = "gen_ai_latest_experimental";

function optedIntoLatestGenAi(value: unknown): boolean {
  return typeof value === "string" && value.split(",").some((token) => token.trim() === LATEST_GENAI_OPT_IN);
}

export function tracingSettings(config: GatewayConfig, env: Env): TracingSettings | undefined {
  const hit = cache.get(config);
  if (hit && hit.env === env) return hit.settings;
  const settings = compute(config, env);
  cache.set(config, { env, settings });
  return settings;
}

/** Headers never recorded, whatever `header_prefixes` says. */
const SECRET_HEADERS = new Set(["authorization", "x-api-key", "cookie", "proxy-authorization", "set-cookie"]);

/**
 * Plano's `span_attributes`: prefixed request headers (prefix stripped, `-` -> `.`) plus static attributes; and the
 * conversation and session ids of their headers (identity.ts).
 */
export function requestHeaderAttributes(settings: TracingSettings, headers: Headers): Readonly<Record<string, string>> {
  const identity = headerIdentity(settings.identity, headers);
  // Without prefixes or ids the result is the same every request: the settings' own (read-only) object, not a copy.
  if (settings.headerPrefixes.length === 0) {
    return identity ? { ...settings.staticAttributes, ...identity } : settings.staticAttributes;
  }
  const attributes: Record<string, string> = { ...settings.staticAttributes, ...identity };
  headers.forEach((value, name) => {
    if (SECRET_HEADERS.has(name) || name.includes("key") || name.includes("token")) return;
    const prefix = settings.headerPrefixes.find((p) => name.startsWith(p) && name.length > p.length);
    if (prefix) attributes[name.slice(prefix.length).replaceAll("-", ".")] = value;
  });
  return attributes;
}
