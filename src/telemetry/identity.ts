import type { Attributes } from "@opentelemetry/api";
import type { ApiFormat } from "../errors";
import { isRecord } from "../formats/check";

/**
 * Who called and in which conversation, as span attributes (the semantic-conventions registry, development):
 * - `user.id`: the authenticated client's name (key name or JWT `sub`), on the SERVER and every CLIENT span;
 * - `gen_ai.conversation.id` / `session.id`: from a request header (`x-conversation-id` / `x-session-id` unless
 *   `tracing.conversation_id` / `tracing.session_id` say otherwise) or a field of the client's body;
 * - the request's own end user (`tracing.end_user.from_body`): OpenAI `safety_identifier` (else the older `user`),
 *   Anthropic `metadata.user_id`, as `enduser.id`, or with `hash: true` as `enduser.pseudo.id`, its SHA-256 (hex).
 */
export interface IdentitySettings {
  /** Lower-case header names; undefined: not read from a header. */
  readonly conversationHeader: string | undefined;
  readonly sessionHeader: string | undefined;
  /** A body field as its path of keys (`metadata.conversation_id` -> [metadata, conversation_id]). */
  readonly conversationField: readonly string[] | undefined;
  readonly sessionField: readonly string[] | undefined;
  readonly endUserFromBody: boolean;
  readonly endUserHash: boolean;
}

/** Identity attributes of the request's headers (mapped once per sampled request); undefined when none. */
export function headerIdentity(settings: IdentitySettings, headers: Headers): Record<string, string> | undefined {
  const conversation = settings.conversationHeader ? headers.get(settings.conversationHeader) : null;
  const session = settings.sessionHeader ? headers.get(settings.sessionHeader) : null;
  if (!conversation && !session) return undefined;
  const attrs: Record<string, string> = {};
  if (conversation) attrs["gen_ai.conversation.id"] = conversation;
  if (session) attrs["session.id"] = session;
  return attrs;
}

/** Whether anything is read from the client's body (else `bodyIdentity` is not called at all). */
export function readsBody(settings: IdentitySettings): boolean {
  return settings.endUserFromBody || settings.conversationField !== undefined || settings.sessionField !== undefined;
}

/** A string or number at `path` in the body, as text; anything else is not an identifier. */
function fieldAt(body: unknown, path: readonly string[]): string | undefined {
  let value = body;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  if (typeof value === "string" && value !== "") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

/** The end user the client names in its own API's field, if any. */
function endUserOf(format: ApiFormat, body: Readonly<Record<string, unknown>>): string | undefined {
  if (format === "anthropic") return fieldAt(body, ["metadata", "user_id"]);
  return fieldAt(body, ["safety_identifier"]) ?? fieldAt(body, ["user"]);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Identity attributes of the client's body (see IdentitySettings); a body field wins over the header. */
export async function bodyIdentity(
  settings: IdentitySettings,
  format: ApiFormat,
  body: Readonly<Record<string, unknown>>,
): Promise<Attributes> {
  const attrs: Attributes = {};
  const conversation = settings.conversationField && fieldAt(body, settings.conversationField);
  if (conversation) attrs["gen_ai.conversation.id"] = conversation;
  const session = settings.sessionField && fieldAt(body, settings.sessionField);
  if (session) attrs["session.id"] = session;
  const endUser = settings.endUserFromBody ? endUserOf(format, body) : undefined;
  if (endUser !== undefined) {
    if (settings.endUserHash) attrs["enduser.pseudo.id"] = await sha256Hex(endUser);
    else attrs["enduser.id"] = endUser;
  }
  return attrs;
}
