import { GatewayError } from "../errors";

/**
 * The body of a request or response, or undefined once it passes `limit` bytes: the rest is never buffered (the
 * stream is cancelled). A declared content-length is trusted for one native read (HTTP framing ends the body there)
 * and the size checked again after it, for bodies built in code whose header may not match.
 * Not an async function (the usual case is one native read and a check): it may throw at once as well as reject.
 */
export function readAtMost(message: Request | Response, limit: number, headers = message.headers): Promise<Uint8Array | undefined> {
  const declared = declaredLength(headers);
  if (declared > limit) return discard(message);
  if (declared >= 0) return message.arrayBuffer().then((buffer) => (buffer.byteLength > limit ? undefined : new Uint8Array(buffer)));
  const body = message.body;
  return body ? readStream(body, limit) : Promise.resolve(new Uint8Array(0));
}

/** Nothing of a body over the limit is read: the stream is cancelled. */
async function discard(message: Request | Response): Promise<undefined> {
  await message.body?.cancel().catch(() => undefined);
  return undefined;
}

/** The content-length a message declares; NaN when it declares none (or nonsense). */
function declaredLength(headers: Headers): number {
  const length = headers.get("content-length");
  return length === null ? NaN : Number(length);
}

async function readStream(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

// Stateless between calls (no `stream: true`): one decoder and one encoder for the isolate.
const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Whether `text` is over `limit` bytes of UTF-8. A UTF-16 code unit takes at most three bytes, so texts of at most
 * limit / 3 characters (the usual case) are not encoded, as capContent (telemetry/genai/content-limits.ts) does.
 */
function overLimit(text: string, limit: number): boolean {
  return text.length * 3 > limit && encoder.encode(text).length > limit;
}

/**
 * The body of a request or response as text (UTF-8, malformed bytes replaced), or undefined once it passes `limit`
 * bytes. With a declared content-length within the limit the runtime reads and decodes it natively in one call (no
 * buffer handed to JavaScript and decoded again, which costs an ArrayBuffer per answer), and the size is checked
 * after it too; anything else is read as readAtMost reads it.
 */
export function readTextAtMost(message: Request | Response, limit: number, headers = message.headers): Promise<string | undefined> {
  const declared = declaredLength(headers);
  if (declared >= 0 && declared <= limit) return message.text().then((text) => (overLimit(text, limit) ? undefined : text));
  return readAtMost(message, limit, headers).then((bytes) => bytes && utf8.decode(bytes));
}

/** A provider's whole answer as text; past `limit` bytes a 502 naming `limits.max_response_bytes` (wire adapters). */
export async function readAnswerText(res: Response, limit: number): Promise<string> {
  const text = await readTextAtMost(res, limit);
  if (text === undefined) throw GatewayError.answerTooLarge(limit);
  return text;
}
