import { GatewayError } from "./errors";

/** Reads a request body as UTF-8 text, refusing (413) once it exceeds `limit` bytes without buffering more. */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
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
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new GatewayError(400, "invalid_request", "request body is not valid UTF-8");
  }
}

/** Parses a JSON body; invalid JSON is a 400. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(400, "invalid_request", "request body is not valid JSON");
  }
}

/** Parses a JSON object body; arrays, scalars and invalid JSON are 400s. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new GatewayError(400, "invalid_request", "request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, "payload_too_large", `request body exceeds the limit of ${limit} bytes (limits.max_body_bytes)`);
}
