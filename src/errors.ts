import { FormatError } from "./formats/check";
import { TranslationError, UpstreamStreamError } from "./translate/errors";

/** The two client-facing API formats; each route answers errors in its own envelope. */
export type ApiFormat = "openai" | "anthropic";

export type GatewayErrorType =
  | "invalid_request"
  | "unauthorized"
  | "rate_limited"
  | "not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "config_error"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "upstream_error"
  | "client_closed_request"
  | "internal_error";

/** Which provider limit ran out: the whole exchange (`timeout_ms`) or the wait for a stream's first chunk. */
export type TimeoutSetting = "timeout_ms" | "first_chunk_timeout_ms";

/**
 * An error with an HTTP status and a message the caller can act on. Never carries a secret. Made only through the
 * named constructors below, so each failure has one status, one type and one wording.
 */
export class GatewayError extends Error {
  private constructor(
    readonly status: number,
    readonly type: GatewayErrorType,
    message: string,
    readonly param?: string,
    /** Sent as `Retry-After` (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "GatewayError";
  }

  /** 400: the client's body is wrong; `param` names the field when there is one. */
  static invalidRequest(message: string, param?: string): GatewayError {
    return new GatewayError(400, "invalid_request", message, param);
  }

  static unauthorized(message: string): GatewayError {
    return new GatewayError(401, "unauthorized", message);
  }

  static notFound(message: string, param?: string): GatewayError {
    return new GatewayError(404, "not_found", message, param);
  }

  /** 413 naming the limit and the config key that sets it. */
  static payloadTooLarge(what: string, limit: number, setting: string): GatewayError {
    return new GatewayError(413, "payload_too_large", `${what} exceeds the limit of ${limit} bytes (${setting})`);
  }

  static unsupportedMediaType(message: string): GatewayError {
    return new GatewayError(415, "unsupported_media_type", message);
  }

  static rateLimited(retryAfterSeconds: number): GatewayError {
    return new GatewayError(429, "rate_limited", `rate limit reached; retry in ${retryAfterSeconds} s`, undefined, retryAfterSeconds);
  }

  /** 499: the client went away before the gateway answered (nginx's status; nobody reads the body). */
  static clientClosed(): GatewayError {
    return new GatewayError(499, "client_closed_request", "client closed the request");
  }

  /** 503: tokens cannot be verified right now (the JWKS could not be fetched); not the client's fault. */
  static tokenVerificationUnavailable(retryAfterSeconds: number): GatewayError {
    return new GatewayError(503, "upstream_unreachable", "token verification is unavailable right now; retry shortly", undefined, retryAfterSeconds);
  }

  /** 500: the operator's configuration is unusable; the message says what to fix. */
  static configError(message: string): GatewayError {
    return new GatewayError(500, "config_error", message);
  }

  /** 500 without internals (no stack, no message of the thrown value). */
  static internal(message = "internal error in the gateway"): GatewayError {
    return new GatewayError(500, "internal_error", message);
  }

  /**
   * A provider's own error status, as an error the client's stream can end with once its headers are sent: 429 stays
   * rate_limited, 504 a timeout, anything else the provider's error.
   */
  static providerStatus(status: number, message: string): GatewayError {
    const type = status === 429 ? "rate_limited" : status === 504 ? "upstream_timeout" : "upstream_error";
    return new GatewayError(status, type, message);
  }

  /** 502: the provider answered, but not with something the gateway can hand on. */
  static upstreamError(message: string): GatewayError {
    return new GatewayError(502, "upstream_error", message);
  }

  /** 502: a provider's whole answer passed `limits.max_response_bytes` (the rest was not read). */
  static answerTooLarge(limit: number): GatewayError {
    return GatewayError.upstreamError(`provider answer exceeds the limit of ${limit} bytes (limits.max_response_bytes)`);
  }

  /** 502: no answer at all (DNS, refused, reset before the response). */
  static upstreamUnreachable(host: string, reason: string): GatewayError {
    return new GatewayError(502, "upstream_unreachable", `provider ${host} could not be reached: ${reason}`);
  }

  /** 504, worded the same for every provider limit: the host, the milliseconds and the setting to raise. */
  static upstreamTimeout(host: string, ms: number, setting: TimeoutSetting = "timeout_ms"): GatewayError {
    return new GatewayError(504, "upstream_timeout", `provider ${host} timed out after ${ms} ms (${setting})`);
  }
}

// Type names as each API's own SDKs know them, so clients map our errors to their error classes.
const OPENAI_TYPES: Record<GatewayErrorType, string> = {
  invalid_request: "invalid_request_error",
  unauthorized: "authentication_error",
  rate_limited: "rate_limit_error",
  not_found: "invalid_request_error",
  payload_too_large: "invalid_request_error",
  unsupported_media_type: "invalid_request_error",
  config_error: "config_error",
  upstream_unreachable: "upstream_error",
  upstream_timeout: "upstream_error",
  upstream_error: "upstream_error",
  client_closed_request: "client_closed_request",
  internal_error: "server_error",
};

const ANTHROPIC_TYPES: Record<GatewayErrorType, string> = {
  invalid_request: "invalid_request_error",
  unauthorized: "authentication_error",
  rate_limited: "rate_limit_error",
  not_found: "not_found_error",
  payload_too_large: "request_too_large",
  unsupported_media_type: "invalid_request_error",
  config_error: "config_error",
  upstream_unreachable: "api_error",
  upstream_timeout: "timeout_error",
  upstream_error: "api_error",
  client_closed_request: "client_closed_request",
  internal_error: "api_error",
};

/** The error body in the client's API format. */
export function errorBody(format: ApiFormat, err: GatewayError): unknown {
  if (format === "anthropic") {
    return { type: "error", error: { type: ANTHROPIC_TYPES[err.type], message: err.message } };
  }
  return {
    error: { message: err.message, type: OPENAI_TYPES[err.type], param: err.param ?? null, code: err.type },
  };
}

export function errorResponse(format: ApiFormat, err: GatewayError): Response {
  const res = Response.json(errorBody(format, err), { status: err.status });
  if (err.retryAfterSeconds !== undefined) res.headers.set("retry-after", String(err.retryAfterSeconds));
  return res;
}

/**
 * The one mapping of a thrown value to the error the client gets, for answers and streams alike: a malformed
 * provider answer or event, and an error the provider reported mid-stream, are 502s; a request that cannot be
 * translated is a 400; anything else is a 500 without internals.
 */
export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof FormatError) return GatewayError.upstreamError(err.message);
  if (err instanceof UpstreamStreamError) return GatewayError.upstreamError(`provider stream error: ${err.message}`);
  if (err instanceof TranslationError) return GatewayError.invalidRequest(err.message, err.param);
  return GatewayError.internal();
}
