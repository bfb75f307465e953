import { GatewayError } from "../errors";
import { readAtMost } from "./bounded-read";

/** Deeper JSON than this is refused: no API body needs it, and recursive code downstream must not overflow. */
const MAX_JSON_DEPTH = 64;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Bodies must be declared JSON (415 otherwise, a missing content type included): a browser sends a cross-site
 * request without a preflight only with text/plain, a form type or no content type, so none of those reaches a
 * provider, even with `auth: none`.
 */
function checkContentType(headers: Headers): void {
  const type = headers.get("content-type");
  if (type === null || !JSON_MEDIA_TYPE.test(type.trim())) {
    const got = type === null ? "none" : `"${type.slice(0, 100)}"`;
    throw GatewayError.unsupportedMediaType(`content-type must be application/json, got ${got}`);
  }
}

// Stateless between calls (`decode` without `stream: true`), so one instance serves every request of the isolate.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Reads a request body as UTF-8 text, refusing (413) once it exceeds `limit` bytes without buffering more. */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  const headers = req.headers; // read once: each read of it is a call into the runtime
  checkContentType(headers);
  const bytes = await readAtMost(req, limit, headers);
  if (!bytes) throw tooLarge(limit);
  return decodeUtf8(bytes);
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
