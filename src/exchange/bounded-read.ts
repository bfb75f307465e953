import { GatewayError } from "../errors";

/**
 * The body of a request or response, or undefined once it passes `limit` bytes: the rest is never buffered (the
 * stream is cancelled). A declared content-length is trusted for one native read (HTTP framing ends the body there)
 * and the size checked again after it, for bodies built in code whose header may not match.
 */
export async function readAtMost(message: Request | Response, limit: number): Promise<Uint8Array | undefined> {
  const length = message.headers.get("content-length");
  const declared = length === null ? NaN : Number(length);
  if (declared > limit) {
    await message.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (declared >= 0) {
    const bytes = new Uint8Array(await message.arrayBuffer());
    return bytes.byteLength > limit ? undefined : bytes;
  }
  const body = message.body;
  return body ? readStream(body, limit) : new Uint8Array(0);
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

/** A provider's whole answer as text; past `limit` bytes a 502 naming `limits.max_response_bytes` (wire adapters). */
export async function readAnswerText(res: Response, limit: number): Promise<string> {
  const bytes = await readAtMost(res, limit);
  if (!bytes) throw GatewayError.answerTooLarge(limit);
  return utf8.decode(bytes);
}
