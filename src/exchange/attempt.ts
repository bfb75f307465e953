import type { Attributes } from "@opentelemetry/api";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { ADAPTERS } from "../providers/adapters";
import { KNOWN_PROVIDERS } from "../providers/known";
import type { ModelRoute } from "../providers/resolve";
import { retryAfterMs } from "./retry-after";
import { awaitFirstChunk } from "../streaming/first-chunk";
import { pipeStream, type ChunkSource } from "../streaming/pipe";
import { inputContentAttributes } from "../telemetry/genai/content";
import { requestAttributes } from "../telemetry/genai/request";
import { responseTap } from "../telemetry/genai/response";
import type { RequestTrace } from "../telemetry/request-trace";
import { callUpstream, DEFAULT_UPSTREAM_TIMEOUT_MS, type Fetcher } from "./upstream";
import type { ClientCodec, ExchangePlan } from "./types";
import { upstreamErrorResponse } from "./upstream-error";
import { upstreamHeaders } from "./upstream-headers";

const networkFetch: Fetcher = (url, init) => fetch(url, init);

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** An attempt that failed in a way worth retrying or falling back from (the provider's retry `on_status`). */
export interface RetryableFailure {
  readonly kind: "retryable";
  /** The client's answer if no other attempt succeeds. */
  readonly answer: () => Response;
  readonly retryAfterMs: number | undefined;
}

/** A failure with no provider body to pass on: if every attempt fails, the client gets this error. */
function retryableError(err: GatewayError): RetryableFailure {
  return {
    kind: "retryable",
    answer: () => {
      throw err;
    },
    retryAfterMs: undefined,
  };
}

export type AttemptResult = { readonly kind: "answer"; readonly response: Response } | RetryableFailure;

export interface AttemptInput {
  readonly route: ModelRoute;
  readonly plan: ExchangePlan;
  readonly streaming: boolean;
  /** 1-based attempt number across retries and fallbacks, recorded on the span. */
  readonly attempt: number;
  /** Receives the tokens the call used once it has ended (token rate limits); undefined when nothing needs them. */
  readonly onTokens: ((tokens: number) => void) | undefined;
}

function callAttributes(
  trace: RequestTrace,
  { provider }: ModelRoute,
  plan: ExchangePlan,
  { url, streaming, attempt }: { url: string; streaming: boolean; attempt: number },
): Attributes {
  const attributes = requestAttributes(provider.interface, plan.upstreamBody, {
    providerName: provider.otelName,
    url,
    streaming,
  });
  attributes["tracegate.attempt"] = attempt;
  if (trace.captureContent) {
    Object.assign(attributes, inputContentAttributes(provider.interface, plan.upstreamBody, trace.captureMedia));
  }
  return attributes;
}

/**
 * One provider attempt: its own CLIENT span, then either the client's answer (success, or an error not worth
 * retrying) or a retryable failure. Nothing has been sent to the client when this returns, so a retry is safe.
 */
export async function attemptCall<Req>(
  c: Context<AppEnv>,
  codec: ClientCodec<Req>,
  { route, plan, streaming, attempt, onTokens }: AttemptInput,
): Promise<AttemptResult> {
  const { provider } = route;
  const url = provider.baseUrl + ADAPTERS[provider.interface].path;
  const trace = c.get("trace");
  // Span attributes and the response tap cost allocations on every request: only when a span records or a token
  // rate limit needs the usage.
  const attributes = trace.recording ? callAttributes(trace, route, plan, { url, streaming, attempt }) : {};
  const tap = trace.recording || onTokens ? responseTap(provider.interface, { captureContent: trace.captureContent }) : undefined;
  const retryOn = provider.retry.onStatus;
  let exchange;
  try {
    exchange = await callUpstream({
      url,
      headers: upstreamHeaders(provider, codec.format, c.req.raw.headers, c.env, streaming, c.get("authHeader")),
      body: JSON.stringify(plan.upstreamBody),
      clientSignal: streaming ? c.req.raw.signal : undefined,
      timeoutMs: provider.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
      send: KNOWN_PROVIDERS[provider.provider]?.serve ?? networkFetch,
      trace,
      call: {
        name: `chat ${route.upstreamModel}`,
        attributes,
        propagate: provider.propagateTraceContext,
        observer: tap,
      },
      onEnd:
        tap && onTokens
          ? () => {
              const usage = tap.usage();
              onTokens((usage.input ?? 0) + (usage.output ?? 0));
            }
          : undefined,
    });
  } catch (err) {
    // Unreachable (502) and timed out (504) are retryable when the policy lists those statuses.
    if (err instanceof GatewayError && (err.status === 502 || err.status === 504) && retryOn.includes(err.status)) {
      return retryableError(err);
    }
    throw err;
  }
  const upstream = exchange.response;
  const headers = { "x-tracegate-model": route.resolvedModel };
  const contentType = upstream.headers.get("content-type");
  if (upstream.ok && streaming && contentType?.includes("text/event-stream") && upstream.body) {
    let source: ChunkSource | undefined;
    const wait = provider.firstChunkTimeoutMs;
    if (wait !== undefined) {
      // Nothing has reached the client yet: a provider silent past first_chunk_timeout_ms can still be retried.
      source = await awaitFirstChunk(upstream.body, wait);
      if (!source) {
        const err = new GatewayError(504, "upstream_timeout", `provider sent no stream data within ${wait} ms`);
        exchange.abort();
        exchange.settle({ kind: "error", error: err });
        if (retryOn.includes(504)) return retryableError(err);
        throw err;
      }
    }
    const body = pipeStream(exchange, plan.stream(), source);
    return { kind: "answer", response: new Response(body, { headers: { ...SSE_HEADERS, ...headers } }) };
  }
  let text: string;
  try {
    text = await upstream.text();
  } catch {
    const err = exchange.bodyError();
    exchange.settle({ kind: "error", error: err });
    throw err;
  }
  if (!upstream.ok) {
    exchange.settle({ kind: "complete" });
    const answer = () => {
      const res = upstreamErrorResponse(codec.format, provider.interface, upstream.status, text, contentType);
      res.headers.set("x-tracegate-model", route.resolvedModel);
      return res;
    };
    if (!retryOn.includes(upstream.status)) return { kind: "answer", response: answer() };
    return { kind: "retryable", answer, retryAfterMs: retryAfterMs(upstream.headers.get("retry-after"), Date.now()) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const err = new GatewayError(502, "upstream_error", "provider returned a response that is not JSON");
    exchange.settle({ kind: "error", error: err });
    throw err;
  }
  exchange.settle({ kind: "complete", json });
  const answer = plan.response(json);
  // A pass-through answer (same API both sides) is the provider's own text, parsed above only to check it is JSON
  // and to feed the span: not serialized again.
  if (answer === json) return { kind: "answer", response: new Response(text, { headers: { ...JSON_HEADERS, ...headers } }) };
  return { kind: "answer", response: Response.json(answer, { headers }) };
}
