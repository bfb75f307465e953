import { GatewayError } from "./errors";
import { KNOWN_PROVIDERS } from "./providers/known";
import type { ModelRoute } from "./providers/resolve";

/** Default limit for a whole upstream exchange (headers and body), like the official SDKs' 10 minutes. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 600_000;

export interface UpstreamRequest {
  readonly route: ModelRoute;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
  /** Aborted when the client goes away; aborts the upstream fetch. */
  readonly clientSignal: AbortSignal;
  readonly timeoutMs: number;
}

export type UpstreamOutcome =
  | { readonly kind: "complete" }
  | { readonly kind: "error"; readonly error: GatewayError }
  | { readonly kind: "cancelled" };

/** A provider response plus the end of its exchange, reported once its body has been consumed. */
export interface UpstreamExchange {
  readonly response: Response;
  /** The body's fate; clears the timeout. Called exactly once by whoever consumes the body. */
  settle(outcome: UpstreamOutcome): void;
  /** The first body chunk arrived (time to first chunk). */
  onFirstChunk(): void;
  /** Each parsed stream event, in the provider's format (the stream tap: usage, finish reasons, ids). */
  observe(event: unknown): void;
  /** Aborts the upstream request (client gone, or the gateway stopped reading). */
  abort(): void;
  /** True once the timeout fired: a body read error is then a timeout, not a reset. */
  readonly timedOut: () => boolean;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the provider";
  }
}

/**
 * The one place every provider request goes through: timeout, client-disconnect abort, and the error mapping
 * (502 unreachable, 504 timeout). Provider keys travel only in `headers` and never reach an error message.
 */
export async function callUpstream(req: UpstreamRequest): Promise<UpstreamExchange> {
  const controller = new AbortController();
  let timedOut = false;
  const onClientAbort = () => controller.abort();
  if (req.clientSignal.aborted) controller.abort();
  req.clientSignal.addEventListener("abort", onClientAbort);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const release = () => {
    clearTimeout(timer);
    req.clientSignal.removeEventListener("abort", onClientAbort);
  };
  const send = KNOWN_PROVIDERS[req.route.provider.provider]?.serve ?? fetch;
  let response: Response;
  try {
    response = await send(
      new Request(req.url, { method: "POST", headers: req.headers, body: req.body, signal: controller.signal }),
    );
  } catch (err) {
    release();
    const host = hostOf(req.url);
    if (timedOut) {
      throw new GatewayError(504, "upstream_timeout", `provider ${host} did not answer within ${req.timeoutMs} ms`);
    }
    if (req.clientSignal.aborted) throw new GatewayError(499, "upstream_error", "client closed the request");
    const reason = err instanceof Error ? err.message : String(err);
    throw new GatewayError(502, "upstream_unreachable", `provider ${host} could not be reached: ${reason}`);
  }
  let settled = false;
  return {
    response,
    settle() {
      if (settled) return;
      settled = true;
      release();
    },
    onFirstChunk() {},
    observe() {},
    abort: () => controller.abort(),
    timedOut: () => timedOut,
  };
}
