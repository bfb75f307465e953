import { GatewayError } from "../errors";

/** What runs before every provider attempt after the first: the wait, and the check that the client is still there. */
export interface AttemptGate {
  /** Waits `delayMs` (0 for a fallback to the next target); throws a 499 once the client has gone. */
  wait(delayMs: number): Promise<void>;
  /** Aborts a streamed attempt in flight when the client goes; undefined: the request's own signal. */
  readonly clientSignal: AbortSignal | undefined;
}

export const clientGone = (): GatewayError => GatewayError.clientClosed();

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * The gate of a non-streamed request: waits in place. workerd signals `request.signal` only for a client that leaves
 * after the Response was returned, so a client that leaves before a non-streamed answer is not seen here and the
 * retries run to the policy's bounds (`attempts`, `max_delay_ms`); the check still catches a runtime that does.
 */
export function waitInPlace(request: Request): AttemptGate {
  return {
    clientSignal: undefined,
    async wait(delayMs) {
      // Read only once a retry or fallback is due: touching the client's signal costs on every request.
      const signal = request.signal;
      if (delayMs > 0) await sleep(delayMs, signal);
      if (signal.aborted) throw clientGone();
    },
  };
}
