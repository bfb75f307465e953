import type { ApiFormat } from "../errors";
import type { ProviderInterface } from "../providers/known";

const ANTHROPIC_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};

const OPENAI_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
};

/** The message of a provider's error body: its `error.message` (either API), else the text itself, shortened. */
export function messageOf(text: string): string {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === "object" && json !== null && "error" in json) {
      const error = json.error;
      if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
        return error.message;
      }
      if (typeof error === "string") return error;
    }
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || "provider returned an empty error body";
}

/**
 * A provider's own 4xx/5xx, passed through with its status. The body passes unchanged when the client speaks the
 * provider's API; across APIs the message is kept and re-enveloped in the client's format.
 */
export function upstreamErrorResponse(
  format: ApiFormat,
  iface: ProviderInterface,
  status: number,
  text: string,
  contentType: string | null,
): Response {
  if (format === iface) {
    return new Response(text, { status, headers: { "content-type": contentType ?? "application/json" } });
  }
  const message = messageOf(text);
  const body =
    format === "anthropic"
      ? { type: "error", error: { type: ANTHROPIC_BY_STATUS[status] ?? "api_error", message } }
      : {
          error: {
            message,
            type: OPENAI_BY_STATUS[status] ?? (status >= 500 ? "server_error" : "invalid_request_error"),
            param: null,
            code: null,
          },
        };
  return Response.json(body, { status });
}
