import { asGatewayError, GatewayError } from "../errors";
import { FormatError } from "../formats/check";
import { TranslationError } from "../translate/errors";
import type { AbandonedRead, CallOutcome, ClientCall, ClientCallInit, RequestTrace } from "../telemetry/request-trace";

/** Default limit for a whole upstream exchange (headers and body), like the official SDKs' 10 minutes. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 600_000;

/** What an upstream request is sent with: its headers are a record (wire adapters read and sign them). */
export interface UpstreamInit extends RequestInit {
  readonly headers: Readonly<Record<string, string>>;
}

/** `fetch` itself, or an in-Worker provider (the built-in mock). */
export type Fetcher = (url: string, init: UpstreamInit) => Promise<Response>;

/** Reading on a stream the client left, so its usage is what the provider billed (`limits.abandoned_stream_*`). */
export interface AbandonPolicy {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Keeps the Worker alive for the read (`ctx.waitUntil`). */
  keepAlive(work: Promise<void>): void;
}

export interface UpstreamRequest {
  readonly url: string;
  /** Lower-case names; read only (a provider's whole record is shared), the call's trace headers go on a copy. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * Aborted when the client goes away: aborts the upstream fetch and ends the call as cancelled. Given for streams
   * only: workerd does not signal a client that leaves before the response has started (checked with a listener on
   * workerd serve), so for a non-streamed call the listener, the costliest object of a fast call, never fires.
   */
  readonly clientSignal: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly send: Fetcher;
  readonly trace: RequestTrace;
  readonly call: ClientCallInit;
  /** Called once when the call has ended (after the observer saw the whole response), e.g. to count tokens. */
  readonly onEnd?: (outcome: CallOutcome) => void;
  /** A stream whose usage is recorded: read on when the client leaves. Undefined: abort at once. */
  readonly abandon?: AbandonPolicy | undefined;
}

export type UpstreamOutcome =
  | { readonly kind: "complete"; readonly json?: unknown }
  | { readonly kind: "error"; readonly error: GatewayError }
  | { readonly kind: "cancelled"; readonly abandoned?: AbandonedRead };

/** A provider response plus the end of its exchange, reported once its body has been consumed. */
export interface UpstreamExchange {
  readonly response: Response;
  /** The body's fate; ends the CLIENT span and clears the timeout. Only the first call counts. */
  settle(outcome: UpstreamOutcome): void;
  /** The first body chunk arrived (time to first chunk). */
  onFirstChunk(): void;
  /** Each parsed stream event, in the provider's format (the stream tap: usage, finish reasons, ids). */
  observe(event: unknown): void;
  /** Aborts the upstream request (client gone, or the gateway stopped reading). */
  abort(): void;
  /** The request's policy for a stream the client leaves; undefined: the call is cancelled at once. */
  readonly abandon: AbandonPolicy | undefined;
  /** With a policy: called instead of aborting when the client goes (the pipe reads on; see streaming/abandoned.ts). */
  onClientGone(handler: () => void): void;
  /** The error for a failed body read: 504 once the timeout fired, else 502 (the provider reset). */
  bodyError(): GatewayError;
}

/** The provider's host for error messages (never the path or query, which may carry more than a name). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the provider";
  }
}

function callOutcome(outcome: UpstreamOutcome, status: number): CallOutcome {
  if (outcome.kind === "complete") return { kind: "complete", status };
  if (outcome.kind === "error") return { kind: "error", error: outcome.error, status };
  return outcome;
}

/** The exchange's abort signal: its timeout, and for a stream an abort of its own (client gone, reading stopped). */
interface ExchangeSignal {
  readonly signal: AbortSignal;
  /** Whether the timeout fired. */
  timedOut(): boolean;
  /** Aborts the request; undefined for a non-streamed call, whose body is cancelled instead. */
  readonly abort: (() => void) | undefined;
  /** Stops the timer: the exchange has ended. */
  clear(): void;
}

const NOTHING = () => {};

function hasAny(record: Readonly<Record<string, string>>): boolean {
  for (const name in record) if (Object.hasOwn(record, name)) return true;
  return false;
}

/**
 * A non-streamed call is only ever timed out: `AbortSignal.timeout`, one runtime call where an AbortController, its
 * signal, setTimeout and clearTimeout are four (about 13k instructions a request, measured in workerd). A stream can
 * also be aborted, by its client or the pipe.
 */
function exchangeSignal(timeoutMs: number, streamed: boolean): ExchangeSignal {
  if (!streamed) {
    const signal = AbortSignal.timeout(timeoutMs);
    return { signal, timedOut: () => signal.aborted, abort: undefined, clear: NOTHING };
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  return { signal: controller.signal, timedOut: () => timedOut, abort: () => controller.abort(), clear: () => clearTimeout(timer) };
}

/**
 * The one place every upstream request goes through: the CLIENT span and trace propagation, the timeout,
 * client-disconnect abort, and the error mapping (502 unreachable, 504 timeout). Keys travel only in `headers`
 * and never reach an error message or a span.
 */
export async function callUpstream(req: UpstreamRequest): Promise<UpstreamExchange> {
  const call: ClientCall = req.trace.startCall(req.call);
  const headers = hasAny(call.headers) ? { ...req.headers, ...call.headers } : req.headers;
  // Only a stream has a client signal (see UpstreamRequest.clientSignal), and only a stream is aborted mid-way.
  const exchangeAbort = exchangeSignal(req.timeoutMs, req.clientSignal !== undefined);
  const abort = exchangeAbort.abort ?? NOTHING;
  let status = 0;
  let ended = false;
  // The call ends exactly once: body consumed, failed, timed out, or the client went away.
  const observer = req.call.observer;
  const finish = (outcome: CallOutcome, json?: unknown) => {
    if (ended) return;
    ended = true;
    exchangeAbort.clear();
    req.clientSignal?.removeEventListener("abort", onClientAbort);
    if (json !== undefined) observer?.observeResponse(json);
    call.end(outcome);
    req.onEnd?.(outcome);
  };
  // A client that disconnects may never cancel the response stream: its abort ends the call (or starts a read-on).
  let clientGone: (() => void) | undefined;
  const onClientAbort = () => {
    if (clientGone) return clientGone();
    abort();
    finish({ kind: "cancelled" });
  };
  if (req.clientSignal?.aborted) onClientAbort();
  else req.clientSignal?.addEventListener("abort", onClientAbort);
  let response: Response;
  try {
    // Redirects are not followed: the next hop would receive the provider key and the prompt (only Authorization is
    // dropped across origins), and a redirect loop would name internal URLs. A 3xx is the provider's error below.
    response = await req.send(req.url, {
      method: "POST",
      headers,
      body: req.body,
      signal: exchangeAbort.signal,
      redirect: "manual",
    });
  } catch (err) {
    let error: GatewayError;
    if (exchangeAbort.timedOut()) error = GatewayError.upstreamTimeout(hostOf(req.url), req.timeoutMs);
    else if (req.clientSignal?.aborted) error = GatewayError.clientClosed();
    else if (err instanceof GatewayError || err instanceof FormatError || err instanceof TranslationError) {
      // A wire adapter's own finding (providers/wire.ts): bad config, an untranslatable request, a malformed answer.
      error = asGatewayError(err);
    } else error = GatewayError.upstreamUnreachable(hostOf(req.url), err instanceof Error ? err.message : String(err));
    finish({ kind: "error", error });
    throw error;
  }
  status = response.status;
  call.responded(status);
  if (status >= 300 && status < 400) {
    await response.body?.cancel().catch(() => undefined);
    const error = GatewayError.upstreamError(
      `provider ${hostOf(req.url)} answered with a redirect (HTTP ${status}), which tracegate does not follow: set base_url to the final URL`,
    );
    finish({ kind: "error", error });
    throw error;
  }
  return {
    response,
    settle: (outcome) => finish(callOutcome(outcome, status), outcome.kind === "complete" ? outcome.json : undefined),
    onFirstChunk: () => call.firstChunk(),
    observe: (event) => {
      observer?.observeEvent(event);
      call.chunk();
    },
    // A non-streamed body is cancelled instead (by the bounded read, before this is called).
    abort: exchangeAbort.abort ?? (() => void response.body?.cancel().catch(NOTHING)),
    abandon: req.abandon,
    onClientGone: (handler) => void (clientGone = handler),
    bodyError: () =>
      exchangeAbort.timedOut()
        ? GatewayError.upstreamTimeout(hostOf(req.url), req.timeoutMs)
        : GatewayError.upstreamError(`provider ${hostOf(req.url)} broke off its answer`),
  };
}
