import { SpanStatusCode, type Attributes, type Span } from "@opentelemetry/api";
import { formatUsd } from "./call-cost";
import type { CallReport } from "./call-span";
import { addUrlAttributes } from "./url-attributes";

/**
 * The path of an absolute request URL as it arrived (not percent-decoded, like URL.pathname), without a URL object
 * per request. Hono's c.req.path decodes it, which would change what url.path records.
 */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 63 || code === 35) {
      end = i; // "?" or "#"
      break;
    }
  }
  return url.slice(start, end);
}

/**
 * The SERVER span's HTTP attributes: method, path as it arrived, the matched route, user agent, and what Cloudflare
 * says of the client and the data centre, the host and port addressed, the query (secrets redacted), and the
 * authenticated client's name (never its key). `headerAttributes`
 * (Plano's span_attributes) come first. `ray` is the request's `cf-ray` header, read once for this span and the
 * CLIENT spans (clientSpanAttributes).
 */
export function serverAttributes(
  req: Request,
  route: string | undefined,
  headerAttributes: Attributes,
  clientName: string | undefined,
  ray: string | null,
): Attributes {
  const url = req.url; // a getter that makes a new string on each read
  const cf = (req as { cf?: { colo?: unknown } }).cf;
  const scheme = url.slice(0, url.indexOf(":"));
  const attributes: Attributes = {
    ...headerAttributes,
    "http.request.method": req.method,
    "url.path": rawPath(url),
    "url.scheme": scheme,
  };
  addUrlAttributes(url, scheme, attributes);
  if (route !== undefined) attributes["http.route"] = route;
  const ua = req.headers.get("user-agent");
  if (ua) attributes["user_agent.original"] = ua;
  const client = req.headers.get("cf-connecting-ip");
  if (client) attributes["client.address"] = client;
  if (ray) attributes["cloudflare.ray_id"] = ray;
  if (typeof cf?.colo === "string") attributes["cloudflare.colo"] = cf.colo;
  if (clientName !== undefined) {
    attributes["tracegate.client.name"] = clientName;
    attributes["user.id"] = clientName;
  }
  return attributes;
}

/**
 * The `Server-Timing` value: the trace, time to the provider's headers, the whole upstream call, and the cost in USD
 * of the calls that ended before the response left (`unknown` when a model had no price; none when no call reported
 * usage, e.g. a stream, whose usage comes after the headers).
 */
export function serverTiming(traceparent: string, timings: CallReport): string {
  let value = `trace;desc="${traceparent}"`;
  if (timings.ttfb !== undefined) value += `, ttfb;dur=${timings.ttfb}`;
  if (timings.upstream !== undefined) value += `, upstream;dur=${timings.upstream}`;
  if (timings.costUnknown) value += ', cost;desc="unknown"';
  else if (timings.cost !== undefined) value += `, cost;desc="${formatUsd(timings.cost)}"`;
  return value;
}

/**
 * The attributes every CLIENT span of a request carries: Plano's span_attributes, the request's `cf-ray` (as
 * `cloudflare.ray_id`, like the SERVER span), which ties the call to Cloudflare's own logs and Workers traces, and
 * the authenticated client as `user.id` (LLM backends read it from the generation's span).
 */
export function clientSpanAttributes(headerAttributes: Attributes, ray: string | null, clientName: string | undefined): Attributes {
  if (!ray && clientName === undefined) return headerAttributes;
  const attributes: Attributes = { ...headerAttributes };
  if (ray) attributes["cloudflare.ray_id"] = ray;
  if (clientName !== undefined) attributes["user.id"] = clientName;
  return attributes;
}

/**
 * Ends the SERVER span: the status code as sent; ERROR for a 5xx, and for a response that started well but whose
 * upstream call then failed or was cancelled (a stream cut off mid-way), with that failure's `error.type`.
 */
export function endServerSpan(server: Span, status: number, calls: CallReport): void {
  const failure = calls.failure;
  if (calls.requestedModel !== undefined) server.setAttribute("tracegate.request.model", calls.requestedModel);
  if (calls.refused) server.setAttribute("tracegate.ratelimit.refused", calls.refused);
  server.setAttribute("http.response.status_code", status);
  if (status >= 500) {
    server.setAttribute("error.type", String(status));
    server.setStatus({ code: SpanStatusCode.ERROR });
  } else if (failure) {
    server.setAttribute("error.type", failure.type);
    server.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  }
  server.end();
}
