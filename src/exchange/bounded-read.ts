import { GatewayError } from "../errors";

/**
 * The body of a request or response, or undefined once it passes `limit` bytes: the rest is never buffered (the
 * stream is cancelled). A declared content-length is trusted for one native read (HTTP framing ends the body there)
 * and the size checked again after it, for bodies built in code whose header may not match.
 */
export async function readAtMost(message: Request | Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = declaredLength(message);
  if (declared > limit) return cancelled(message);
  if (declared >= 0) {
    const bytes = new Uint8Array(await message.arrayBuffer());
    return bytes.byteLength > limit ? undefined : bytes;
  }
  const body = message.body;
  return body ? readStream(body, limit) : new Uint8Array(0);
}

/** The content-length a message declares; NaN when it declares none (or nonsense). */
function declaredLength(message: Request | Response): number {
  const length = message.headers.get("content-length");
  return length === null ? NaN : Number(length);
}

/** A body over the limit, cancelled unread. */
async function cancelled(message: Request | Response): Promise<undefined> {
  await message.body?.cancel().catch(() => undefined);
  return undefined;
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

// Stateless between calls (no `stream: true`): one decoder for the isolate.
const utf8 = new TextDecoder();

/**
 * UTF-8 bytes of `text` when that could pass `limit`, else a bound under it: a UTF-16 code unit takes at most three
 * bytes, so short texts are not walked.
 */
function utf8BytesNear(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair (4 bytes) counts 2 + 2; a lone surrogate is replaced by U+FFFD (3) when encoded.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

/**
 * The body of a request or response as text (UTF-8, malformed bytes replaced), or undefined once it passes `limit`
 * bytes. With a declared content-length the runtime reads and decodes it natively in one call (no buffer handed to
 * JavaScript and decoded again, which costs an ArrayBuffer per answer); the size is checked after it too.
 */
export async function readTextAtMost(message: Request | Response, limit: number): Promise<string | undefined> {
  const declared = declaredLength(message);
  if (declared > limit) return cancelled(message);
  if (declared >= 0) {
    const text = await message.text();
    return utf8BytesNear(text, limit) > limit ? undefined : text;
  }
  const body = message.body;
  if (!body) return "";
  const bytes = await readStream(body, limit);
  return bytes && utf8.decode(bytes);
}

/** A provider's whole answer as text; past `limit` bytes a 502 naming `limits.max_response_bytes` (wire adapters). */
export async function readAnswerText(res: Response, limit: number): Promise<string> {
  const text = await readTextAtMost(res, limit);
  if (text === undefined) throw GatewayError.answerTooLarge(limit);
  return text;
}
