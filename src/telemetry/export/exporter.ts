import { retryAfterMs } from "../../exchange/retry-after";
import { redactUrl, type ExportProtocol, type ExportTarget } from "./config";
import { encodeJson } from "./otlp-json";
import { encodeProtobuf } from "./otlp-proto";
import { partialSuccessOf, type PartialSuccess } from "./partial-success";
import type { TelemetryLosses } from "../sdk/losses";
import type { SpanBuffer } from "../sdk/span-buffer";
import type { Resource, SpanData } from "../sdk/span-data";

// OTLP/HTTP export from `waitUntil`: drain the isolate buffer, encode once per protocol, POST to every target in
// parallel. Retries follow the OTLP spec (429/502/503/504 and network failures only, `Retry-After` honoured),
// within a total budget that stays below the 30 s `waitUntil` limit. A flush never throws. What was lost on the way
// (buffer overflow, span limits, a collector's partial success) is logged, at most once a minute (TelemetryLosses).

export interface ExportDeps {
  fetch: typeof fetch;
  log: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Clock in ms; tests pair it with `sleep`. */
  now?: () => number;
  /** In [0, 1); for backoff jitter. */
  random?: () => number;
  /** Largest uncompressed body per POST; more spans are split over several POSTs. */
  maxBodyBytes?: number;
}

export interface TargetResult {
  url: string;
  ok: boolean;
  /** HTTP status of the last response (the failing one when not ok); absent after a network error. */
  status?: number;
  attempts: number;
  spans: number;
  /** Spans the collector refused in partial-success answers; present only when it said so. */
  rejectedSpans?: number;
}

export interface FlushResult {
  spans: number;
  dropped: number;
  targets: TargetResult[];
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_RETRIES = 2;
export const RETRY_AFTER_CAP_MS = 5_000;
export const BACKOFF_BASE_MS = 500;
export const TOTAL_BUDGET_MS = 20_000;

const RETRYABLE = new Set([429, 502, 503, 504]);
const CONTENT_TYPE: Record<ExportProtocol, string> = {
  "http/protobuf": "application/x-protobuf",
  "http/json": "application/json",
};

interface Chunk {
  body: Uint8Array;
  spans: number;
}

const utf8 = new TextEncoder();
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function encode(protocol: ExportProtocol, resource: Resource, spans: readonly SpanData[]): Uint8Array {
  return protocol === "http/json" ? utf8.encode(encodeJson(resource, spans)) : encodeProtobuf(resource, spans);
}

/** Encodes all spans at once; a body over the cap is split into proportionally smaller slices, then halved. */
function chunks(protocol: ExportProtocol, resource: Resource, spans: SpanData[], max: number): Chunk[] {
  const body = encode(protocol, resource, spans);
  if (body.length <= max || spans.length <= 1) return [{ body, spans: spans.length }];
  const parts = Math.min(spans.length, Math.max(2, Math.ceil(body.length / max)));
  const size = Math.ceil(spans.length / parts);
  const out: Chunk[] = [];
  for (let i = 0; i < spans.length; i += size) out.push(...chunks(protocol, resource, spans.slice(i, i + size), max));
  return out;
}

/** A body gzipped (CompressionStream), for targets with `compression: gzip`. */
export async function gzip(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */

interface Attempt {
  ok: boolean;
  retryable: boolean;
  status?: number;
  error?: string;
  retryAfter?: number;
  partial?: PartialSuccess;
}

async function post(target: ExportTarget, body: Uint8Array, timeoutMs: number, deps: ExportDeps): Promise<Attempt> {
  const headers: Record<string, string> = { ...target.headers, "content-type": CONTENT_TYPE[target.protocol] };
  if (target.compression === "gzip") headers["content-encoding"] = "gzip";
  let response: Response;
  try {
    response = await deps.fetch(target.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, retryable: true, error: error instanceof Error ? error.name : "network error" };
  }
  const status = response.status;
  // Read the body so the connection is released; a 200 with `partialSuccess` is still a success (not retried),
  // and what it refused is reported.
  const answer = await response.arrayBuffer().catch(() => undefined);
  if (status >= 200 && status < 300) {
    // Most collectors answer an empty body: no view of it, no Content-Type read (a call into the runtime).
    const partial =
      answer && answer.byteLength > 0
        ? partialSuccessOf(new Uint8Array(answer), response.headers.get("content-type"), target.protocol === "http/json")
        : undefined;
    return partial ? { ok: true, retryable: false, status, partial } : { ok: true, retryable: false, status };
  }
  const retryAfter = retryAfterMs(response.headers.get("retry-after"), (deps.now ?? Date.now)());
  return { ok: false, retryable: RETRYABLE.has(status), status, retryAfter };
}

export interface ChunkResult {
  ok: boolean;
  status?: number;
  error?: string;
  attempts: number;
  partial?: PartialSuccess;
}

/** POSTs one body to a target, retrying as the OTLP spec says until `deadline` (also the metrics exporter's POST). */
export async function send(target: ExportTarget, body: Uint8Array, deadline: number, deps: ExportDeps): Promise<ChunkResult> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  let attempts = 0;
  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0) return { ok: false, error: "export budget exhausted", attempts };
    attempts++;
    const result = await post(target, body, Math.min(target.timeoutMs, remaining), deps);
    const outcome: ChunkResult = { ok: result.ok, status: result.status, error: result.error, attempts, partial: result.partial };
    if (result.ok || !result.retryable || attempts > MAX_RETRIES) return outcome;
    // The server said when to come back: wait that long, or give up when it is later than the cap (retrying
    // sooner than asked only earns another 429). Otherwise exponential backoff with jitter: 50-100% of 0.5 s, 1 s.
    if (result.retryAfter !== undefined && result.retryAfter > RETRY_AFTER_CAP_MS) return outcome;
    const delay = result.retryAfter ?? BACKOFF_BASE_MS * 2 ** (attempts - 1) * (0.5 + random() / 2);
    // A retry that cannot start before the budget ends is not worth waiting for.
    if (now() + delay >= deadline) return outcome;
    await sleep(delay);
  }
}

async function exportTo(
  target: ExportTarget,
  bodies: Promise<Chunk[]>,
  deadline: number,
  deps: ExportDeps,
  losses: TelemetryLosses,
): Promise<TargetResult> {
  const url = redactUrl(target.url);
  const result: TargetResult = { url, ok: true, attempts: 0, spans: 0 };
  let failed = 0;
  let detail = "";
  try {
    for (const chunk of await bodies) {
      result.spans += chunk.spans;
      const sent = await send(target, chunk.body, deadline, deps);
      result.attempts += sent.attempts;
      if (sent.partial) {
        result.rejectedSpans = (result.rejectedSpans ?? 0) + sent.partial.rejectedSpans;
        losses.rejected(sent.partial.rejectedSpans, sent.partial.errorMessage, url);
      }
      if (sent.status !== undefined && (result.ok || !sent.ok)) result.status = sent.status;
      if (!sent.ok) {
        if (result.ok) detail = sent.status !== undefined ? `status ${sent.status}` : (sent.error ?? "network error");
        result.ok = false;
        failed += chunk.spans;
      }
    }
  } catch (error) {
    result.ok = false;
    detail = `encoding failed (${error instanceof Error ? error.name : "error"})`;
    failed = result.spans;
  }
  if (!result.ok) {
    deps.log(
      `tracegate: OTLP export to ${url} failed: ${detail} after ${result.attempts} attempt(s); ` +
        `${failed} of ${result.spans} span(s) lost`,
    );
  }
  return result;
}

/**
 * Drains `buffer` and exports its spans to every target. Returns at once when the buffer is empty. Logs one line
 * per failed target (URL without credentials or query, status, span count; never header values), and the losses
 * counted in `buffer.losses` (spans the buffer or a request had to drop, span limits, partial successes) at most
 * once per interval.
 */
export async function flush(
  buffer: SpanBuffer,
  targets: readonly ExportTarget[],
  resource: Resource,
  deps: ExportDeps,
): Promise<FlushResult> {
  const { spans, dropped } = buffer.drain();
  const now = deps.now ?? Date.now;
  if (spans.length === 0 || targets.length === 0) {
    buffer.losses.report(now(), deps.log);
    return { spans: spans.length, dropped, targets: [] };
  }

  const deadline = now() + TOTAL_BUDGET_MS;
  const max = deps.maxBodyBytes ?? MAX_BODY_BYTES;

  // Encoded (and compressed) once per protocol and compression, shared by the targets that use them.
  const encoded = new Map<string, Promise<Chunk[]>>();
  const bodiesFor = (target: ExportTarget): Promise<Chunk[]> => {
    const key = `${target.protocol} ${target.compression}`;
    let bodies = encoded.get(key);
    if (!bodies) {
      const plain = encoded.get(`${target.protocol} none`);
      const base = plain ?? Promise.resolve().then(() => chunks(target.protocol, resource, spans, max));
      if (!plain) encoded.set(`${target.protocol} none`, base);
      bodies =
        target.compression === "gzip"
          ? base.then((list) => Promise.all(list.map(async (c) => ({ body: await gzip(c.body), spans: c.spans }))))
          : base;
      encoded.set(key, bodies);
    }
    return bodies;
  };

  const results = await Promise.all(
    targets.map((target) => exportTo(target, bodiesFor(target), deadline, deps, buffer.losses)),
  );
  buffer.losses.report(now(), deps.log);
  return { spans: spans.length, dropped, targets: results };
}
