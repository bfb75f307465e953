import { readAtMost } from "../exchange/bounded-read";
import { FormatError, isRecord } from "../formats/check";
import { encodeSse, SseParser } from "../streaming/sse";

// What wire adapters (providers/wire.ts) answer with: OpenAI's JSON, stream and error shapes made from a native
// answer, so the pipeline reads them as any OpenAI provider's.

/** A native error body is read up to this size for its message; a larger one is named, not read. */
const MAX_ERROR_BYTES = 64 * 1024;

const SSE = { "content-type": "text/event-stream; charset=utf-8" };
const DONE = "data: [DONE]\n\n";

/** OpenAI's error `type` for an HTTP status, as OpenAI itself answers. */
function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/** An OpenAI error body with `status`; `retry-after` is kept so retries wait as the provider asked. */
export function openaiError(status: number, message: string, code: string | null, retryAfter: string | null = null): Response {
  const headers: Record<string, string> = retryAfter === null ? {} : { "retry-after": retryAfter };
  return Response.json({ error: { message, type: errorType(status), param: null, code } }, { status, headers });
}

/** What a provider's error JSON says: `error.message` and `error.status` (Google), `message` (AWS), or nothing. */
export interface NativeErrorReader {
  (json: unknown): { message: string; code: string | null } | undefined;
}

/** Google's (and most JSON APIs') `{"error": {"code", "message", "status"}}`. */
export const readGoogleError: NativeErrorReader = (json) => {
  if (!isRecord(json) || !isRecord(json.error) || typeof json.error.message !== "string") return undefined;
  return { message: json.error.message, code: typeof json.error.status === "string" ? json.error.status : null };
};

/**
 * A native error answer as OpenAI's, with its status and `retry-after`. A body that is not the provider's error JSON
 * passes as it came (upstream-error.ts names an HTML page rather than quoting it).
 */
export async function openaiErrorFrom(native: Response, read: NativeErrorReader): Promise<Response> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readAtMost(native, MAX_ERROR_BYTES);
  } catch {
    bytes = undefined;
  }
  const retryAfter = native.headers.get("retry-after");
  if (!bytes) return openaiError(native.status, `provider answered HTTP ${native.status} with an unreadable or oversized body`, null, retryAfter);
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const error = read(json);
  if (error) return openaiError(native.status, error.message, error.code, retryAfter);
  const headers = new Headers({ "content-type": native.headers.get("content-type") ?? "text/plain" });
  if (retryAfter !== null) headers.set("retry-after", retryAfter);
  return new Response(text, { status: native.status, headers });
}

/** A native stream's translation, one event at a time. */
export interface NativeStreamTranslation {
  /** The OpenAI chunks for one native event's data (`[DONE]` too); a malformed event throws a FormatError. */
  event(data: string): readonly unknown[];
  /** After the native stream closed: the last chunks (usage), or undefined when it never finished (cut short). */
  end(): readonly unknown[] | undefined;
}

function encodeChunks(chunks: readonly unknown[]): string {
  let out = "";
  for (const chunk of chunks) out += encodeSse(JSON.stringify(chunk));
  return out;
}

/**
 * A native SSE body as OpenAI's SSE stream, translated per event as it arrives (pull-based: backpressure and the
 * client's cancel reach the provider). `[DONE]` follows only a finished stream, so one cut short stays cut short
 * for the pipeline to report; a malformed native event ends the stream with an OpenAI error chunk.
 */
export function translatedSse(body: ReadableStream<Uint8Array>, translation: NativeStreamTranslation): Response {
  const reader = body.getReader();
  const parser = new SseParser();
  const encoder = new TextEncoder();
  const translate = (events: readonly { data: string }[]) => {
    let out = "";
    for (const ev of events) if (ev.data !== "") out += encodeChunks(translation.event(ev.data));
    return out;
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            const last = translate(parser.end());
            const end = translation.end();
            controller.enqueue(encoder.encode(last + (end ? encodeChunks(end) + DONE : "")));
            controller.close();
            return;
          }
          const out = translate(parser.push(value));
          if (out !== "") return controller.enqueue(encoder.encode(out));
        }
      } catch (err) {
        if (!(err instanceof FormatError)) return controller.error(err);
        await reader.cancel().catch(() => undefined);
        controller.enqueue(encoder.encode(encodeSse(JSON.stringify({ error: { message: err.message, type: "upstream_error", code: null } }))));
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(stream, { headers: SSE });
}
