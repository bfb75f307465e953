import { GatewayError } from "../errors";

/** Deeper JSON than this is refused: no API body needs it, and recursive code downstream must not overflow. */
const MAX_JSON_DEPTH = 64;

const JSON_MEDIA_TYPE = /^(application\/(?:[\w.+-]+\+)?json|text\/plain)\s*(?:;|$)/i;

/** Bodies must be JSON; a missing content type is accepted (curl without -H), any other is 415. */
function checkContentType(req: Request): void {
  const type = req.headers.get("content-type");
  if (type !== null && type.trim() !== "" && !JSON_MEDIA_TYPE.test(type.trim())) {
    throw GatewayError.unsupportedMediaType(`content-type must be application/json, got "${type.slice(0, 100)}"`);
  }
}

// Stateless between calls (`decode` without `stream: true`), so one instance serves every request of the isolate.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Reads a request body as UTF-8 text, refusing (413) once it exceeds `limit` bytes without buffering more. */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  checkContentType(req);
  const length = req.headers.get("content-length");
  const declared = length === null ? NaN : Number(length);
  if (declared > limit) throw tooLarge(limit);
  if (declared >= 0) {
    // A declared length bounds the body off the wire (HTTP framing ends it there), so one native read is safe
    // (and `req.body`, a stream object, is never made); the size is checked again for Requests built in code,
    // whose header may not match their body.
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return decodeUtf8(bytes);
  }
  const body = req.body;
  return body ? decodeUtf8(await readLimited(body, limit)) : "";
}

async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw GatewayError.invalidRequest("request body is not valid UTF-8");
  }
}

/** Parses a JSON body; invalid or too deeply nested JSON is a 400. */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw GatewayError.invalidRequest("request body is not valid JSON");
  }
  // Nesting deeper than the limit takes at least two characters a level, so short bodies skip the walk.
  if (text.length > 2 * MAX_JSON_DEPTH && depthOf(value) > MAX_JSON_DEPTH) {
    throw GatewayError.invalidRequest(`request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return value;
}

/** Nesting depth, measured without recursion (the value may be deeper than the stack). */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, depth] = item;
    if (typeof value !== "object" || value === null) continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return max;
}

/** Parses a JSON object body; arrays, scalars and invalid JSON are 400s. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw GatewayError.invalidRequest("request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function tooLarge(limit: number): GatewayError {
  return GatewayError.payloadTooLarge("request body", limit, "limits.max_body_bytes");
}
