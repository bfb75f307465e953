import type { ApiFormat } from "../errors";
import { isRecord } from "../formats/check";
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

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON: an error page, or plain text
  }
}

/** The message of an error body (a provider's, or one this module re-enveloped): its `error.message`, else the text. */
export function errorMessageOf(text: string, status: number): string {
  return messageOf(parsed(text), text, status, null);
}

/** The provider's error as the client's API would have it: `{error: {message}}` or `{type: "error", error: {...}}`. */
function isEnvelope(json: unknown, format: ApiFormat): boolean {
  if (!isRecord(json) || !isRecord(json.error) || typeof json.error.message !== "string") return false;
  return format === "openai" || json.type === "error";
}

/** The provider's message, never its markup: an HTML page is named, not quoted. */
function messageOf(json: unknown, text: string, status: number, contentType: string | null): string {
  if (isRecord(json)) {
    const error = json.error;
    if (isRecord(error) && typeof error.message === "string") return error.message;
    if (typeof error === "string") return error;
    if (typeof json.message === "string") return json.message;
  }
  if (/html|xml/i.test(contentType ?? "") || /^\s*</.test(text)) return `provider answered HTTP ${status} with an HTML page`;
  if (text.trim() === "") return `provider answered HTTP ${status} with an empty body`;
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function providerType(json: unknown): string | undefined {
  return isRecord(json) && isRecord(json.error) && typeof json.error.type === "string" ? json.error.type : undefined;
}

/** Every occurrence of each credential replaced: a provider that echoes the request's headers must not leak them. */
function scrub(text: string, credentials: readonly string[]): string {
  let out = text;
  for (const secret of credentials) if (out.includes(secret)) out = out.replaceAll(secret, "[REDACTED]");
  return out;
}

/**
 * A provider's own 4xx/5xx, passed on with its status, always as JSON in the client's API envelope: the provider's
 * envelope as it is when it already is the client's API, else its message (and, same API, its type) re-enveloped;
 * never a foreign content type (an HTML error page would be served on the gateway's origin). `credentials` (what
 * the gateway sent the provider) are scrubbed from whatever is passed on. `headers` are added to the answer's.
 */
export function upstreamErrorResponse(
  format: ApiFormat,
  iface: ProviderInterface,
  error: { readonly status: number; readonly text: string; readonly contentType: string | null },
  credentials: readonly string[],
  headers: Readonly<Record<string, string>> = {},
): Response {
  const { status, contentType } = error;
  const text = scrub(error.text, credentials);
  const json = parsed(text);
  if (format === iface && isEnvelope(json, format)) {
    return new Response(text, { status, headers: { ...headers, "content-type": "application/json" } });
  }
  const message = messageOf(json, text, status, contentType);
  const type = format === iface ? providerType(json) : undefined;
  const body =
    format === "anthropic"
      ? { type: "error", error: { type: type ?? ANTHROPIC_BY_STATUS[status] ?? "api_error", message } }
      : {
          error: {
            message,
            type: type ?? OPENAI_BY_STATUS[status] ?? (status >= 500 ? "server_error" : "invalid_request_error"),
            param: null,
            code: null,
          },
        };
  return Response.json(body, { status, headers });
}

/** Header values sent to the provider that are not credentials; everything else sent is scrubbed from answers. */
const NOT_SECRET = new Set(["content-type", "accept", "anthropic-version", "anthropic-beta", "traceparent", "tracestate", "user-agent"]);

/** The credentials in a provider request's headers: its key (with and without its `Bearer` scheme) and configured headers. */
export function credentialsIn(headers: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (NOT_SECRET.has(name) || value.length < 8) continue;
    out.push(value);
    const token = /^bearer\s+(\S+)$/i.exec(value)?.[1];
    if (token && token.length >= 8) out.push(token);
  }
  return out;
}
