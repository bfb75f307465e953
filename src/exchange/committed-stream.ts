import { asGatewayError, GatewayError } from "../errors";
import type { RequestTrace } from "../telemetry/request-trace";
import { SSE_HEADERS } from "./attempt";
import { clientGone, sleep, type AttemptGate } from "./attempt-gate";
import { errorMessageOf } from "./upstream-error";

/** The error a provider's non-stream answer stands for, once headers are sent and only an error event can say it. */
async function failureOf(res: Response): Promise<GatewayError> {
  if (res.ok) return GatewayError.upstreamError("provider answered a streaming request without a stream");
  return GatewayError.providerStatus(res.status, `provider answered ${res.status}: ${errorMessageOf(await res.text(), res.status)}`);
}

const isEventStream = (res: Response): boolean =>
  res.ok && res.body !== null && (res.headers.get("content-type")?.includes("text/event-stream") ?? false);

/** How often a committed stream that waits writes a comment line (see committedBody). */
const HEARTBEAT_MS = 500;

/** An SSE comment: ignored by SSE clients (the spec's `:` lines), so it is not content. */
const HEARTBEAT = new TextEncoder().encode(": waiting for the provider\n\n");

/** Resolves true once `settled` has, or false after `ms`. */
function settledWithin(settled: Promise<true>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  return Promise.race([settled, tick]).finally(() => clearTimeout(timer));
}

/**
 * The body of a committed stream: while the attempts go on, an SSE comment line every HEARTBEAT_MS; then the
 * answering attempt's stream as it comes, or the codec's error event carrying the last failure. The comments are
 * there because workerd notices a client that has gone only when a write to it fails: without them nothing would
 * stop the retries. Cancelling the body (the client left) aborts `stop`: the pending wait ends, no new attempt starts,
 * an attempt in flight is aborted, and an answer that still came is dropped. `release` lets the request's trace end
 * (the attempts' CLIENT spans are in it) once the body has ended or was cancelled.
 */
function committedBody(
  answer: Promise<Response>,
  streamError: (err: GatewayError) => string,
  stop: AbortController,
  release: () => void,
): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const settled = answer.then(
    () => true as const,
    () => true as const,
  );
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, err: GatewayError) => {
    controller.enqueue(new TextEncoder().encode(streamError(err)));
    controller.close();
    release();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!reader) {
        if (!(await settledWithin(settled, HEARTBEAT_MS))) {
          controller.enqueue(HEARTBEAT);
          return;
        }
        let res: Response;
        try {
          res = await answer;
        } catch (err) {
          fail(controller, asGatewayError(err));
          return;
        }
        if (!isEventStream(res) || !res.body) {
          fail(controller, await failureOf(res));
          return;
        }
        reader = res.body.getReader();
      }
      // The attempt's body ends with its own error event on failure; a read that still throws ends the stream.
      const chunk = await reader.read().catch(() => undefined);
      if (chunk === undefined) fail(controller, GatewayError.upstreamError("provider broke off its answer"));
      else if (chunk.done) {
        controller.close();
        release();
      }
      else controller.enqueue(chunk.value);
    },
    cancel() {
      stop.abort();
      if (reader) void reader.cancel().catch(() => undefined);
      else void answer.then((res) => res.body?.cancel(), () => undefined);
      // The attempts' CLIENT spans end as their exchanges settle; once settled, the request's trace may end.
      void settled.then(release);
    },
  });
}

/**
 * Answers a streamed request. Attempts that need no wait run before anything is returned, so the answering attempt's
 * own Response (its status and `x-tracegate-model`) goes out as usual. The first time a retry must wait, the request
 * commits to the stream: a 200 `text/event-stream` Response goes out at once and its body waits and makes the
 * remaining attempts; until one answers it carries SSE comments only, so the first byte of content still comes from
 * the attempt that answered and retries never duplicate output. workerd does not signal a client that leaves before
 * the Response was returned, but it does cancel a returned body whose write fails: only this way can a client that
 * leaves stop the retries. `x-tracegate-model` cannot be set on a committed stream (no attempt has answered yet).
 */
export function answerStream(
  run: (gate: AttemptGate) => Promise<Response>,
  streamError: (err: GatewayError) => string,
  { request, trace }: { request: Request; trace: RequestTrace },
): Promise<Response> {
  let commit: ((res: Response) => void) | undefined;
  const committed = new Promise<Response>((resolve) => (commit = resolve));
  const gate: { -readonly [K in keyof AttemptGate]: AttemptGate[K] } = {
    clientSignal: undefined,
    async wait(delayMs) {
      if (delayMs > 0 && commit) {
        const send = commit;
        commit = undefined;
        const stop = new AbortController();
        gate.clientSignal = AbortSignal.any([request.signal, stop.signal]);
        // Held from before the Response is returned: the tracing middleware ends the request's trace after that.
        const release = trace.hold();
        send(new Response(committedBody(answer, streamError, stop, release), { headers: SSE_HEADERS }));
      }
      const signal = gate.clientSignal ?? request.signal;
      if (delayMs > 0) await sleep(delayMs, signal);
      if (signal.aborted) throw clientGone();
    },
  };
  const answer = run(gate);
  return Promise.race([answer, committed]);
}
