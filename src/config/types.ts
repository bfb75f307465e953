import type { ProviderInterface } from "../providers/known";

/** `retry:` of a provider entry: how often, on which statuses, how long to wait between attempts. */
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  readonly attempts: number;
  readonly onStatus: readonly number[];
  /** Base of the exponential backoff; a provider's `Retry-After` wins, capped at `maxDelayMs`. */
  readonly backoffMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 1,
  onStatus: [429, 500, 502, 503, 504],
  backoffMs: 250,
  maxDelayMs: 10_000,
};

/** One validated `model_providers[]` entry. */
export interface ProviderConfig {
  /** `name` from the config, else the `model` string. */
  readonly name: string;
  /** Provider part of `model` (`openai` in `openai/gpt-4o`). */
  readonly provider: string;
  /** Model part of `model` as sent upstream (`gpt-4o`), or `*` for a wildcard entry. */
  readonly model: string;
  readonly interface: ProviderInterface;
  /** Base URL including the API prefix, without trailing slash (`https://api.openai.com/v1`). */
  readonly baseUrl: string;
  /** Unresolved key: a literal, or `$NAME` resolved from the Worker's bindings at call time. */
  readonly accessKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly passthroughAuth: boolean;
  readonly isDefault: boolean;
  /** False stops sending `traceparent`/`tracestate` to this provider. */
  readonly propagateTraceContext: boolean;
  readonly retry: RetryPolicy;
  /** For streams: limit for the first body chunk after the headers (`first_chunk_timeout_ms`). */
  readonly firstChunkTimeoutMs: number | undefined;
  /** Limit for a whole call, headers and body (`timeout_ms`); undefined = the default (10 minutes). */
  readonly timeoutMs: number | undefined;
  /** `gen_ai.provider.name` for spans. */
  readonly otelName: string;
}

export interface ExporterConfig {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: "http/protobuf" | "http/json";
}

export interface TracingConfig {
  /** 0-100, Plano's key; 0 = tracing off. */
  readonly randomSampling: number;
  readonly trustIncomingSampling: boolean;
  readonly headerPrefixes: readonly string[];
  readonly staticAttributes: Readonly<Record<string, string>>;
  readonly captureContent: boolean;
  readonly exporters: readonly ExporterConfig[];
}

/** A client key: its SHA-256 (hex) in the config, or a `$ENV` reference to the key itself. */
export type ClientKey = { readonly name: string; readonly sha256: string } | { readonly name: string; readonly ref: string };

export interface JwtConfig {
  /** `$ENV` reference to an HS256 secret; or `jwksUrl` for RS/ES keys. */
  readonly secretRef: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
}

/** `auth:` — `none` must be written out; otherwise clients present a key or a JWT. */
export type AuthConfig =
  | { readonly kind: "none" }
  | { readonly kind: "clients"; readonly keys: readonly ClientKey[]; readonly jwt: JwtConfig | undefined };

/** One `ratelimits[]` rule: a fixed window per bucket (header value, or client name without a selector). */
export interface RateLimitRule {
  /** Only requests for this model (as the client names it); undefined = every model. */
  readonly model: string | undefined;
  /** Plano's header selector: `value: "*"` gives each header value its own bucket, an exact value only that one. */
  readonly selector: { readonly header: string; readonly value: string } | undefined;
  readonly requests: number | undefined;
  readonly tokens: number | undefined;
  readonly windowSeconds: number;
}

/** `cors:` — browser origins allowed to call the gateway. */
export interface CorsConfig {
  readonly allowOrigins: readonly string[] | "*";
  readonly allowCredentials: boolean;
  readonly maxAgeSeconds: number;
}

export interface GatewayConfig {
  readonly providers: readonly ProviderConfig[];
  /** alias -> target models (`openai/gpt-4o` or a provider `name`), tried in order when one fails. */
  readonly aliases: Readonly<Record<string, readonly string[]>>;
  /** Undefined when the config has no `tracing:` key. */
  readonly tracing: TracingConfig | undefined;
  readonly rateLimits?: readonly RateLimitRule[];
  /** Undefined when the config has no `auth:` key (model routes then answer 401 until it is set). */
  readonly auth?: AuthConfig;
  /** Undefined when the config has no `cors:` key: no CORS headers, browsers cannot call cross-origin. */
  readonly cors?: CorsConfig;
  /** Request body limit in bytes (`limits.max_body_bytes`, default 1 MiB). */
  readonly maxBodyBytes: number;
}
