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
  | "internal_error";

/** An error with an HTTP status and a message the caller can act on. Never carries a secret. */
export class GatewayError extends Error {
  constructor(
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

/** Anything thrown that is not a GatewayError becomes a 500 without internals (no stack, no message). */
export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError(500, "internal_error", "internal error in the gateway");
}
