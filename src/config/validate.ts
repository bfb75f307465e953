import { checkKeys, expectPositiveInteger, fail, isMapping, kindOf, newIssues, type Issues, type Mapping } from "./check";
import { mapping, withDefault, type Frozen } from "./schema";
import { emptyAliases, validateAliases } from "./validate-aliases";
import { validateProviders } from "./validate-providers";
import { validateTracing } from "./validate-tracing";
import { validateAuth } from "./validate-auth";
import { validateCors } from "./validate-cors";
import { validateRateLimits } from "./validate-ratelimits";
import { validateResponses } from "./validate-responses";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const TOP_KEYS = ["model_providers", "llm_providers", "model_aliases", "tracing", "limits", "cors", "auth", "ratelimits", "responses"];

/**
 * Top-level Plano keys for what an Envoy-based gateway does besides proxying models (listeners, prompt targets and
 * function calling, agents, guards, rate limits, routing, state). Accepted so a Plano config loads unchanged.
 */
const PLANO_TOP_KEYS = [
  "version",
  "listeners",
  "endpoints",
  "prompt_targets",
  "prompt_guards",
  "system_prompt",
  "overrides",
  "agents",
  "filters",
  "state_storage",
  "routing",
  "routing_preferences",
  "model_metrics_sources",
  "mode",
  "error_target",
];

/** A provider's whole (non-streamed) answer: past it, 502 (a 400 MiB answer must not take the isolate down). */
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** One event of a provider stream: past it, an error event (a line without end must not grow without bound). */
const DEFAULT_MAX_STREAM_EVENT_BYTES = 1024 * 1024;

/**
 * A stream the client left is read on to its end (its usage is what the provider bills) for at most this long: the
 * 30 seconds Workers gives `waitUntil` work once a response is over. 0 stops reading at once.
 */
const DEFAULT_ABANDONED_STREAM_MS = 30_000;
/** ... and at most this many more bytes (then the read stops: the usage recorded is what was seen). */
const DEFAULT_ABANDONED_STREAM_BYTES = 8 * 1024 * 1024;

/** 0 or a positive whole number (0 turns the feature off). */
function expectNonNegativeInteger(value: unknown, path: string, issues: Issues): number | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  return fail(issues, path, `expected 0 or a positive integer, got ${typeof value === "number" ? value : kindOf(value)}`);
}

const readLimits = mapping({
  max_body_bytes: withDefault(expectPositiveInteger, DEFAULT_MAX_BODY_BYTES),
  max_response_bytes: withDefault(expectPositiveInteger, DEFAULT_MAX_RESPONSE_BYTES),
  max_stream_event_bytes: withDefault(expectPositiveInteger, DEFAULT_MAX_STREAM_EVENT_BYTES),
  abandoned_stream_ms: withDefault(expectNonNegativeInteger, DEFAULT_ABANDONED_STREAM_MS),
  abandoned_stream_bytes: withDefault(expectPositiveInteger, DEFAULT_ABANDONED_STREAM_BYTES),
});

/** `model_providers`, or Plano's older `llm_providers`; never both. */
function providersKey(root: Mapping, issues: Issues): "model_providers" | "llm_providers" {
  if (root.llm_providers === undefined) return "model_providers";
  if (root.model_providers !== undefined) {
    fail(issues, "llm_providers", "use either model_providers or llm_providers (its older spelling), not both");
    return "model_providers";
  }
  issues.notices.push("llm_providers: read as model_providers (Plano's older spelling)");
  return "llm_providers";
}

/** The sections of a config mapping, each validated on its own; undefined when any has an error. */
function gatewayConfig(raw: Mapping, issues: Issues) {
  checkKeys(raw, "", { known: TOP_KEYS, ignored: PLANO_TOP_KEYS }, issues);

  // A key left empty (`tracing:` with every line below it commented out) counts as absent.
  const given = (name: string): boolean => raw[name] !== undefined && raw[name] !== null;
  const key = providersKey(raw, issues);
  const list = raw[key];
  if (!given(key) || (Array.isArray(list) && list.length === 0)) {
    fail(issues, "model_providers", "at least one provider is required");
  }
  const { providers, catalog } = given(key)
    ? validateProviders(list, key, issues)
    : { providers: [], catalog: { exact: new Set<string>(), wildcards: new Set<string>(), bare: new Map<string, number>() } };

  const { aliases, pricing: aliasPricing } = given("model_aliases")
    ? validateAliases(raw.model_aliases, catalog, issues)
    : emptyAliases();
  const tracing = given("tracing") ? validateTracing(raw.tracing, issues) : undefined;
  const limits = given("limits") ? readLimits(raw.limits, "limits", issues) : undefined;
  const cors = given("cors") ? validateCors(raw.cors, issues) : undefined;
  const auth = given("auth") ? validateAuth(raw.auth, issues) : undefined;
  const rateLimits = given("ratelimits") ? validateRateLimits(raw.ratelimits, issues) : [];
  const responses = given("responses") ? validateResponses(raw.responses, "responses", issues) : undefined;

  if (issues.errors.length > 0 || !providers) return undefined;
  return {
    providers,
    /** alias -> target models (`openai/gpt-4o` or a provider `name`), tried in order when one fails. */
    aliases,
    /** alias -> each target's configured `pricing:` (same order as its targets); aliases without any are absent. */
    aliasPricing,
    /** Undefined when the config has no `tracing:` key. */
    tracing,
    /** Request body limit in bytes (`limits.max_body_bytes`, default 1 MiB). */
    maxBodyBytes: limits?.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
    /** A provider's non-streamed answer (`limits.max_response_bytes`, default 32 MiB). */
    maxResponseBytes: limits?.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    /** One event of a provider stream (`limits.max_stream_event_bytes`, default 1 MiB, counted in characters). */
    maxStreamEventBytes: limits?.max_stream_event_bytes ?? DEFAULT_MAX_STREAM_EVENT_BYTES,
    /** How long a stream the client left is read on for its usage (`limits.abandoned_stream_ms`, default 30 s; 0: not). */
    abandonedStreamMs: limits?.abandoned_stream_ms ?? DEFAULT_ABANDONED_STREAM_MS,
    /** How many more bytes of it at most (`limits.abandoned_stream_bytes`, default 8 MiB). */
    abandonedStreamBytes: limits?.abandoned_stream_bytes ?? DEFAULT_ABANDONED_STREAM_BYTES,
    // The optional sections are left out when absent, not set to undefined.
    ...(cors
      ? {
          /** Absent when the config has no `cors:` key: no CORS headers, browsers cannot call cross-origin. */
          cors,
        }
      : {}),
    ...(auth
      ? {
          /** Absent when the config has no `auth:` key (the model routes then answer 500 config_error). */
          auth,
        }
      : {}),
    ...(rateLimits.length ? { rateLimits } : {}),
    ...(responses
      ? {
          /** The `/v1/responses` conversation store; absent: DEFAULT_RESPONSES_STORE. */
          responsesStore: { ttlSeconds: responses.store_ttl_seconds, maxItems: responses.max_items },
        }
      : {}),
  };
}

/** The validated config: what every module reads, derived from the validators that build it. */
export type GatewayConfig = Frozen<NonNullable<ReturnType<typeof gatewayConfig>>>;

export type ConfigResult =
  | { ok: true; config: GatewayConfig; notices: string[] }
  /** Each error is `"<path>: <message>"`, e.g. `model_providers[1].model: expected "provider/model"`. */
  | { ok: false; errors: string[] };

/** Validates a parsed config document; every mistake is reported with its key path. */
export function validateConfig(raw: unknown): ConfigResult {
  if (!isMapping(raw)) return { ok: false, errors: ["config: expected a mapping"] };
  const issues = newIssues();
  const config = gatewayConfig(raw, issues);
  return config ? { ok: true, config, notices: issues.notices } : { ok: false, errors: issues.errors };
}
