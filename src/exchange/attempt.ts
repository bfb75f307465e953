import type { Attributes } from "@opentelemetry/api";
import type { Context } from "hono";
import type { GatewayConfig } from "../config/types";
import type { AppEnv, Bindings } from "../env";
import { asGatewayError, GatewayError, type ApiFormat } from "../errors";
import { parseProviderJson } from "../formats/check";
import { ADAPTERS } from "../providers/adapters";
import { WIRE_ADAPTERS } from "../providers/wires";
import type { CallApi } from "../providers/known";
import type { ModelRoute } from "../providers/resolve";
import { readTextAtMost } from "./bounded-read";
import { retryAfterMs } from "./retry-after";
import { awaitFirstChunk } from "../streaming/first-chunk";
import { pipeStream, type ChunkSource, type StreamCodec } from "../streaming/pipe";
import { inputContentAttributes } from "../telemetry/genai/content";
import { requestAttributes } from "../telemetry/genai/request";
import { responseTap, type ResponseTap } from "../telemetry/genai/response";
import type { RequestTrace } from "../telemetry/request-trace";
import { callUpstream, DEFAULT_UPSTREAM_TIMEOUT_MS, hostOf, type AbandonPolicy, type Fetcher, type UpstreamExchange } from "./upstream";
import { requireCompleteStream } from "./stream-complete";
import type { ClientCodec, ExchangePlan } from "./types";
import { credentialsIn, upstreamErrorResponse } from "./upstream-error";
import { passProviderHeaders } from "./passed-headers";
import { asFetchHeaders, upstreamHeaders } from "./upstream-headers";

// A provider's whole header record goes as the Headers object made once for it (upstream-headers.ts).
const networkFetch: Fetcher = (url, init) => fetch(url, { ...init, headers: asFetchHeaders(init.headers) });

/**
 * Where a provider attempt goes: `fetch` to the interface's URL, or the provider's wire adapter, which sends the
 * OpenAI request in the provider's own API (`providers/wire.ts`); `url` is then the real endpoint, for the span and
 * error messages.
 */
function destination(
  route: ModelRoute,
  plan: ExchangePlan,
  { env, streaming, maxResponseBytes }: { env: Bindings; streaming: boolean; maxResponseBytes: number },
): { url: string; send: Fetcher } {
  const { provider, upstreamModel: model } = route;
  // A call other than a chat (embeddings, count_tokens, Responses) swaps the interface's own path in the provider's
  // call path (Azure's deployment-scoped path keeps its deployment and api-version).
  const path = plan.path === undefined ? provider.callPath : provider.callPath.replace(ADAPTERS[provider.interface].path, plan.path);
  // Azure's deployment-scoped path names the deployment; every other path is the same for all models.
  const url = provider.baseUrl + (path.startsWith("/{model}") ? `/${encodeURIComponent(model)}${path.slice(8)}` : path);
  if (provider.wire === undefined) return { url, send: networkFetch };
  const adapter = WIRE_ADAPTERS[provider.wire];
  return {
    url: adapter.endpoint(provider, model, streaming),
    send: (_endpoint, init) => adapter.send({ url, init, body: plan.upstreamBody, provider, model, env, maxResponseBytes }),
  };
}

const JSON_HEADERS = { "content-type": "application/json" };
export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** An attempt that failed in a way worth retrying or falling back from (the provider's retry `on_status`). */
export interface RetryableFailure {
  readonly kind: "retryable";
  /** The client's answer if no other attempt succeeds. */
  readonly answer: () => Response;
  readonly retryAfterMs: number | undefined;
  /** Why: the provider's status, or the error's type (`upstream_timeout`, `upstream_unreachable`…). */
  readonly reason: string;
}

/** A failure with no provider body to pass on: if every attempt fails, the client gets this error. */
function retryableError(err: GatewayError): RetryableFailure {
  return {
    kind: "retryable",
    answer: () => {
      throw err;
    },
    retryAfterMs: undefined,
    reason: err.type,
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
  /** Aborts a streamed attempt when the client goes; undefined: the request's own signal. */
  readonly clientSignal?: AbortSignal | undefined;
  /** For an attempt after a failed one (retry or fallback): why that one failed, and the delay waited since. */
  readonly after?: { readonly reason: string; readonly delayMs: number };
}

function callAttributes(
  trace: RequestTrace,
  { provider }: ModelRoute,
  plan: ExchangePlan,
  { api, url, streaming, attempt, after }: { api: CallApi; url: string; streaming: boolean; attempt: number; after: AttemptInput["after"] },
): Attributes {
  const attributes = plan.operation
    ? plan.operation.attributes(plan.upstreamBody, { providerName: provider.otelName, url })
    : requestAttributes(api, plan.upstreamBody, { providerName: provider.otelName, url, streaming });
  if (plan.conversationId !== undefined) attributes["gen_ai.conversation.id"] = plan.conversationId;
  attributes["tracegate.attempt"] = attempt;
  if (after) {
    attributes["tracegate.fallback.reason"] = after.reason;
    if (after.delayMs > 0) attributes["tracegate.retry.delay_ms"] = after.delayMs;
  }
  // A Responses pass-through's content is not captured (its items have their own shapes; docs/tracing.md).
  if (trace.captureContent && !plan.operation && api !== "responses") {
    Object.assign(attributes, inputContentAttributes(api, plan.upstreamBody, trace.captureMedia));
  }
  return attributes;
}

function tapFor(plan: ExchangePlan, iface: CallApi, captureContent: boolean): ResponseTap | undefined {
  return plan.operation ? plan.operation.tap() : responseTap(iface, { captureContent });
}

/**
 * One provider attempt: its own CLIENT span, then either the client's answer (success, or an error not worth
 * retrying) or a retryable failure. Nothing has been sent to the client when this returns, so a retry is safe.
 */
export async function attemptCall<Req>(
  c: Context<AppEnv>,
  codec: ClientCodec<Req>,
  { route, plan, streaming, attempt, onTokens, clientSignal, after }: AttemptInput,
): Promise<AttemptResult> {
  const { provider } = route;
  const config = c.get("config");
  const { maxResponseBytes, maxStreamEventBytes } = config;
  const { url, send } = destination(route, plan, { env: c.env, streaming, maxResponseBytes });
  const trace = c.get("trace");
  // The API on the wire: the provider's interface, or the Responses API a pass-through keeps.
  const api = plan.api ?? provider.interface;
  // Span attributes and the response tap cost allocations on every request: only when a span records, metrics
  // measure the call, or a token rate limit needs the usage.
  const attributes = trace.recording ? callAttributes(trace, route, plan, { api, url, streaming, attempt, after }) : {};
  // Server-Timing reports a non-streamed answer's cost whenever tracing is on (a stream's headers leave first).
  const tap =
    trace.recording || trace.metering || onTokens || (trace.reportsCost && !streaming)
      ? tapFor(plan, api, trace.captureContent)
      : undefined;
  const retryOn = provider.retry.onStatus;
  const headers = upstreamHeaders(provider, codec.format, c.req.raw.headers, c.env, streaming, c.get("authHeader"));
  let exchange;
  try {
    exchange = await callUpstream({
      url,
      headers,
      body: JSON.stringify(plan.upstreamBody),
      clientSignal: streaming ? (clientSignal ?? c.req.raw.signal) : undefined,
      timeoutMs: provider.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
      send,
      trace,
      call: {
        name: `${plan.operation?.spanName ?? "chat"} ${route.upstreamModel}`,
        attributes,
        propagate: provider.propagateTraceContext,
        observer: tap,
        pricing: tap && { configured: route.pricing, provider: provider.otelName, model: route.upstreamModel },
        identity: { provider: provider.otelName, model: route.upstreamModel, url },
      },
      onEnd:
        tap && onTokens
          ? () => {
              const usage = tap.usage();
              onTokens((usage.input ?? 0) + (usage.output ?? 0));
            }
          : undefined,
      abandon: tap && streaming ? abandonPolicy(c, config) : undefined,
    });
  } catch (err) {
    // Unreachable (502) and timed out (504) are retryable when the policy lists those statuses.
    if (err instanceof GatewayError && (err.status === 502 || err.status === 504) && retryOn.includes(err.status)) {
      return retryableError(err);
    }
    throw err;
  }
  const upstream = exchange.response;
  const codecOf = plan.stream;
  if (upstream.ok && streaming && codecOf && upstream.body && upstream.headers.get("content-type")?.includes("text/event-stream")) {
    const opts = { url, maxEventChars: maxStreamEventBytes, format: codec.format, api };
    return streamedAnswer(exchange, upstream.body, route, codecOf(), opts);
  }
  // The whole answer is read here, not in an async function of its own: a frame and a promise less a request.
  const answerHeaders = upstream.headers; // read once: each read of it is a call into the runtime
  let text: string | undefined;
  try {
    text = await readTextAtMost(upstream, maxResponseBytes, answerHeaders);
  } catch {
    throw failed(exchange, exchange.bodyError());
  }
  if (text === undefined) throw failed(exchange, GatewayError.answerTooLarge(maxResponseBytes), { abort: true });
  const read = { text, headers: answerHeaders, credentials: () => credentialsIn(headers) };
  return wholeAnswer(exchange, read, codec.format, route, plan);
}

/** Ends the call as `error` (aborting the request first when asked); returns the error to throw. */
function failed(exchange: UpstreamExchange, error: GatewayError, { abort = false } = {}): GatewayError {
  if (abort) exchange.abort();
  exchange.settle({ kind: "error", error });
  return error;
}

/** A stream whose usage is recorded is read on when its client leaves, unless `limits.abandoned_stream_ms` is 0. */
function abandonPolicy(c: Context<AppEnv>, config: GatewayConfig): AbandonPolicy | undefined {
  if (config.abandonedStreamMs === 0) return undefined;
  return {
    timeoutMs: config.abandonedStreamMs,
    maxBytes: config.abandonedStreamBytes,
    keepAlive: (work) => c.executionCtx.waitUntil(work),
  };
}

/** A provider stream piped to the client; a provider silent past first_chunk_timeout_ms fails first (504). */
async function streamedAnswer(
  exchange: UpstreamExchange,
  body: ReadableStream<Uint8Array>,
  { provider, resolvedModel }: ModelRoute,
  codec: StreamCodec,
  { url, maxEventChars, format, api }: { url: string; maxEventChars: number; format: ApiFormat; api: CallApi },
): Promise<AttemptResult> {
  let source: ChunkSource | undefined;
  const wait = provider.firstChunkTimeoutMs;
  if (wait !== undefined) {
    // Nothing has reached the client yet: a provider silent past first_chunk_timeout_ms can still be retried.
    source = await awaitFirstChunk(body, wait);
    if (!source) {
      const err = failed(exchange, GatewayError.upstreamTimeout(hostOf(url), wait, "first_chunk_timeout_ms"), { abort: true });
      if (provider.retry.onStatus.includes(504)) return retryableError(err);
      throw err;
    }
  }
  const stream = pipeStream(exchange, requireCompleteStream(api, codec), source, maxEventChars);
  const headers = passProviderHeaders(exchange.response.headers, provider.interface, format, {
    ...SSE_HEADERS,
    "x-tracegate-model": resolvedModel,
  });
  return { kind: "answer", response: new Response(stream, { headers }) };
}

/**
 * A whole provider answer, read: its own error passed on (retryable per the policy), or its JSON read (checked) and
 * translated before the call is settled, so a malformed answer ends the call as an error and the client gets a 502.
 */
function wholeAnswer(
  exchange: UpstreamExchange,
  { text, headers: answerHeaders, credentials }: { text: string; headers: Headers; credentials: () => string[] },
  format: ApiFormat,
  { provider, resolvedModel }: ModelRoute,
  plan: ExchangePlan,
): AttemptResult {
  const upstream = exchange.response;
  // The provider's wait, request id and rate-limit state reach the client, on errors and answers alike.
  const headers = passProviderHeaders(answerHeaders, provider.interface, format, { "x-tracegate-model": resolvedModel });
  if (!upstream.ok) {
    exchange.settle({ kind: "complete" });
    const contentType = answerHeaders.get("content-type");
    const answer = () => {
      const error = { status: upstream.status, text, contentType };
      return upstreamErrorResponse(format, provider.interface, error, credentials(), headers);
    };
    if (!provider.retry.onStatus.includes(upstream.status)) return { kind: "answer", response: answer() };
    const wait = retryAfterMs(answerHeaders.get("retry-after"), Date.now());
    return { kind: "retryable", answer, retryAfterMs: wait, reason: String(upstream.status) };
  }
  let json: unknown;
  let answer: unknown;
  try {
    json = parseProviderJson(text, "answer");
    answer = plan.response(json);
  } catch (err) {
    throw failed(exchange, asGatewayError(err));
  }
  exchange.settle({ kind: "complete", json });
  // A pass-through answer (same API both sides) is the provider's own text, parsed above only to read (check) it
  // and to feed the span: not serialized again.
  if (answer === json) return { kind: "answer", response: new Response(text, { headers: { ...JSON_HEADERS, ...headers } }) };
  return { kind: "answer", response: Response.json(answer, { headers }) };
}
