// Captured content is opt-in and can be huge (a conversation, a tool schema, an inline image), so it gets its own
// size limit, apart from OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, and inline media is left out unless asked for.

/** A message part as content.ts builds it. */
type Part = Record<string, unknown>;

/** Longest truncation marker capContent appends (the SDK's backstop for content keys sits above cap + marker). */
export const TRUNCATION_MARKER_MAX = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A captured-content value within `maxBytes` of UTF-8, cut with a visible marker that says how long it was
 * (`…[truncated by tracegate: 957312 bytes]`). The result is no longer valid JSON: a reader sees the cut instead of
 * a silently shorter conversation. Values of at most maxBytes / 3 characters are never encoded (the usual case).
 */
export function capContent(value: string, maxBytes: number): string {
  if (value.length * 3 <= maxBytes) return value;
  const bytes = encoder.encode(value);
  if (bytes.length <= maxBytes) return value;
  const marker = `…[truncated by tracegate: ${bytes.length} bytes]`;
  const keep = Math.max(0, maxBytes - encoder.encode(marker).length);
  // A cut inside a multi-byte character decodes to U+FFFD: dropped, so the kept text is whole characters.
  const head = decoder.decode(bytes.subarray(0, keep)).replace(/\uFFFD$/, "");
  return head + marker;
}

/** Decoded size of base64 text (padding and line breaks not counted). */
function base64Bytes(data: string): number {
  let length = data.length;
  while (length > 0 && (data[length - 1] === "=" || data[length - 1] === "\n" || data[length - 1] === "\r")) length--;
  return Math.floor((length * 3) / 4);
}

/**
 * A blob part without its data: `{type: "blob", modality, mime_type, content: "", bytes}`. `content` stays (empty)
 * so the part still follows the conventions' BlobPart schema; `bytes` is the size of the data left out.
 */
function placeholder(part: Part): Part {
  const out: Part = { type: "blob", modality: part.modality };
  if (part.mime_type !== undefined) out.mime_type = part.mime_type;
  out.content = "";
  out.bytes = typeof part.content === "string" ? base64Bytes(part.content) : 0;
  return out;
}

/**
 * Inline media (base64 images, documents, audio; data URLs too) replaced by a placeholder that keeps its type, MIME
 * type and size, in place, including parts nested in tool results. A 700 KB image is then a few dozen bytes of span.
 */
export function omitMedia(parts: Part[]): void {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === undefined) continue;
    if (part.type === "blob") parts[i] = placeholder(part);
    else if (part.type === "tool_call_response" && Array.isArray(part.response)) omitMedia(part.response as Part[]);
  }
}
