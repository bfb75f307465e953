import type { Attributes } from "@opentelemetry/api";
import type { ProviderInterface } from "../../providers/known";
import { isRecord } from "../../formats/check";
import { omitMedia } from "./content-limits";
import { arr, field, nonEmpty, parseArguments, str, type JsonRecord } from "./read";

/**
 * Opt-in content capture (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT): provider bodies mapped to the GenAI
 * conventions' JSON shapes (gen-ai-input-messages.json, gen-ai-output-messages.json,
 * gen-ai-system-instructions.json, gen-ai-tool-definitions.json), recorded on the span as JSON strings.
 *
 * Spec decisions:
 * - gen_ai.system_instructions is for instructions given *separately from the chat history*: Anthropic's `system`.
 *   OpenAI Chat Completions `system`/`developer` messages are part of the `messages` history, so, as the spec says
 *   ("Instructions that are part of the chat history SHOULD be recorded in gen_ai.input.messages") and as its own
 *   OpenAI examples show, they stay in gen_ai.input.messages, in order, with their role (`system` / `developer`).
 * - Tool-call arguments are the parsed JSON value (the string when it is not valid JSON); tool results are
 *   `tool_call_response` parts (OpenAI `tool` messages, Anthropic `tool_result` blocks inside the user message).
 * - Images, audio and documents: inline base64 (data URLs too) -> `blob`, URLs -> `uri`, uploaded files -> `file`,
 *   each with its `modality`; thinking -> `reasoning`; Anthropic server tools -> `server_tool_call` /
 *   `server_tool_call_response`; anything else -> a generic part carrying only its `type`.
 * - Not copied: message `name`, `cache_control`, signatures and redacted thinking (opaque, not content).
 * - Inline media is replaced by a placeholder `{type: "blob", modality, mime_type, bytes}` unless `keepMedia`
 *   (`tracing.capture_content_media: true`); output messages always get the placeholder.
 */
export function inputContentAttributes(iface: ProviderInterface, body: JsonRecord, keepMedia = false): Attributes {
  const attrs: Attributes = {};
  const b: JsonRecord = isRecord(body) ? body : {};
  const messages = arr(b.messages);
  if (messages !== undefined) {
    const convert = iface === "openai" ? openaiInputMessage : anthropicInputMessage;
    const out = messages.map(convert).filter((m): m is Message => m !== undefined);
    if (!keepMedia) for (const message of out) omitMedia(message.parts);
    attrs["gen_ai.input.messages"] = JSON.stringify(out);
  }
  if (iface === "anthropic") {
    const system = typeof b.system === "string" ? textParts(b.system) : anthropicParts(b.system);
    if (!keepMedia) omitMedia(system);
    if (system.length > 0) attrs["gen_ai.system_instructions"] = JSON.stringify(system);
  }
  const tools = arr(b.tools)
    ?.map(iface === "openai" ? openaiToolDefinition : anthropicToolDefinition)
    .filter((t): t is Part => t !== undefined);
  if (tools !== undefined && tools.length > 0) attrs["gen_ai.tool.definitions"] = JSON.stringify(tools);
  return attrs;
}

/** A message part: `{ type, ... }` as the spec's schemas define them. */
export type Part = Record<string, unknown>;

export interface Message {
  role: string;
  parts: Part[];
}

export interface OutputMessage extends Message {
  finish_reason: string;
}

/** One OpenAI choice's `message` (or a message rebuilt from stream deltas) as an output message. */
export function openaiOutputMessage(message: unknown, finishReason: string): OutputMessage {
  const parts: Part[] = [];
  const reasoning = nonEmpty(field(message, "reasoning_content"));
  if (reasoning !== undefined) parts.push({ type: "reasoning", content: reasoning });
  const content = field(message, "content");
  // A tool-call-only answer has content null (or "" when rebuilt from a stream): no empty text part.
  if (content !== "") parts.push(...openaiParts(content));
  const refusal = nonEmpty(field(message, "refusal"));
  if (refusal !== undefined) parts.push({ type: "text", content: refusal });
  parts.push(...openaiToolCalls(message));
  omitMedia(parts);
  return { role: str(field(message, "role")) ?? "assistant", parts, finish_reason: finishReason };
}

/** An Anthropic message's `content` blocks (or blocks rebuilt from stream events) as an output message. */
export function anthropicOutputMessage(content: unknown, finishReason: string): OutputMessage {
  const parts = anthropicParts(content);
  omitMedia(parts);
  return { role: "assistant", parts, finish_reason: finishReason };
}

// ---- OpenAI Chat Completions ----

function openaiInputMessage(message: unknown): Message | undefined {
  const role = str(field(message, "role"));
  if (role === undefined) return undefined;
  if (role === "tool" || role === "function") {
    const id = str(field(message, "tool_call_id")) ?? null;
    const response = toolResponse(openaiParts(field(message, "content")));
    return { role: "tool", parts: [{ type: "tool_call_response", id, response }] };
  }
  const parts = openaiParts(field(message, "content"));
  const refusal = nonEmpty(field(message, "refusal"));
  if (refusal !== undefined) parts.push({ type: "text", content: refusal });
  parts.push(...openaiToolCalls(message));
  return { role, parts };
}

function openaiParts(content: unknown): Part[] {
  if (typeof content === "string") return textParts(content);
  return (arr(content) ?? []).map(openaiPart).filter((p): p is Part => p !== undefined);
}

function openaiPart(part: unknown): Part | undefined {
  const type = str(field(part, "type"));
  if (type === undefined) return undefined;
  switch (type) {
    case "text":
      return { type: "text", content: str(field(part, "text")) ?? "" };
    case "refusal":
      return { type: "text", content: str(field(part, "refusal")) ?? "" };
    case "image_url": {
      const url = str(field(field(part, "image_url"), "url"));
      return url === undefined ? { type } : urlPart(url, "image");
    }
    case "input_audio": {
      const audio = field(part, "input_audio");
      const format = str(field(audio, "format"));
      const mime = format === undefined ? undefined : format === "mp3" ? "audio/mpeg" : `audio/${format}`;
      return blob("audio", mime, str(field(audio, "data")) ?? "");
    }
    case "file": {
      const file = field(part, "file");
      const id = str(field(file, "file_id"));
      if (id !== undefined) return { type: "file", modality: "document", file_id: id };
      const data = str(field(file, "file_data"));
      if (data === undefined) return { type };
      return data.startsWith("data:")
        ? urlPart(data, "document")
        : blob("document", undefined, data);
    }
    default:
      return { type };
  }
}

function openaiToolCalls(message: unknown): Part[] {
  const parts: Part[] = [];
  for (const call of arr(field(message, "tool_calls")) ?? []) {
    parts.push(openaiToolCall(str(field(call, "id")) ?? null, field(call, "function")));
  }
  // The deprecated single function call.
  const legacy = field(message, "function_call");
  if (isRecord(legacy)) parts.push(openaiToolCall(null, legacy));
  return parts;
}

function openaiToolCall(id: string | null, fn: unknown): Part {
  const args = str(field(fn, "arguments"));
  const name = str(field(fn, "name")) ?? "";
  return { type: "tool_call", id, name, arguments: args === undefined ? null : parseArguments(args) };
}

function openaiToolDefinition(tool: unknown): Part | undefined {
  const type = str(field(tool, "type"));
  if (type === undefined) return undefined;
  const spec = field(tool, type);
  const name = str(field(spec, "name")) ?? str(field(tool, "name")) ?? type;
  const def: Part = { type, name };
  if (type === "function") {
    const description = str(field(spec, "description"));
    if (description !== undefined) def.description = description;
    const parameters = field(spec, "parameters");
    if (isRecord(parameters)) def.parameters = parameters;
  }
  return def;
}

// ---- Anthropic Messages ----

function anthropicInputMessage(message: unknown): Message | undefined {
  const role = str(field(message, "role"));
  if (role === undefined) return undefined;
  const content = field(message, "content");
  return { role, parts: typeof content === "string" ? textParts(content) : anthropicParts(content) };
}

function anthropicParts(content: unknown): Part[] {
  return (arr(content) ?? []).map(anthropicPart).filter((p): p is Part => p !== undefined);
}

function anthropicPart(block: unknown): Part | undefined {
  const type = str(field(block, "type"));
  if (type === undefined) return undefined;
  switch (type) {
    case "text":
      return { type: "text", content: str(field(block, "text")) ?? "" };
    case "thinking":
      return { type: "reasoning", content: str(field(block, "thinking")) ?? "" };
    case "redacted_thinking":
      return undefined;
    case "image":
      return sourcePart(field(block, "source"), "image") ?? { type };
    case "document":
      return sourcePart(field(block, "source"), "document") ?? { type };
    case "tool_use":
      return {
        type: "tool_call",
        id: str(field(block, "id")) ?? null,
        name: str(field(block, "name")) ?? "",
        arguments: field(block, "input") ?? null,
      };
    case "tool_result": {
      const content = field(block, "content");
      const response = typeof content === "string" ? content : toolResponse(anthropicParts(content));
      return { type: "tool_call_response", id: str(field(block, "tool_use_id")) ?? null, response };
    }
  }
  // Server tools (web search, code execution, MCP, ...): `server_tool_use` / `mcp_tool_use` calls and their
  // `*_tool_result` blocks.
  if (type.endsWith("_tool_use")) {
    const name = str(field(block, "name")) ?? type;
    const call: Part = { type: name, input: field(block, "input") ?? null };
    return { type: "server_tool_call", id: str(field(block, "id")) ?? null, name, server_tool_call: call };
  }
  if (type.endsWith("_tool_result")) {
    const response: Part = { type, content: field(block, "content") ?? null };
    const id = str(field(block, "tool_use_id")) ?? null;
    return { type: "server_tool_call_response", id, server_tool_call_response: response };
  }
  return { type };
}

/** An Anthropic image/document `source`. */
function sourcePart(source: unknown, modality: string): Part | undefined {
  switch (str(field(source, "type"))) {
    case "base64":
      return blob(modality, str(field(source, "media_type")), str(field(source, "data")) ?? "");
    case "url": {
      const url = str(field(source, "url"));
      return url === undefined ? undefined : { type: "uri", modality, uri: url };
    }
    case "file": {
      const id = str(field(source, "file_id"));
      return id === undefined ? undefined : { type: "file", modality, file_id: id };
    }
    case "text":
      return { type: "text", content: str(field(source, "data")) ?? "" };
    default:
      return undefined;
  }
}

function anthropicToolDefinition(tool: unknown): Part | undefined {
  const name = str(field(tool, "name"));
  if (name === undefined) return undefined;
  const type = str(field(tool, "type"));
  // Client tools have no type (or `custom`); server tools carry a dated type such as `web_search_20250305`.
  if (type !== undefined && type !== "custom") return { type, name };
  const def: Part = { type: "function", name };
  const description = str(field(tool, "description"));
  if (description !== undefined) def.description = description;
  const parameters = field(tool, "input_schema");
  if (isRecord(parameters)) def.parameters = parameters;
  return def;
}

// ---- shared ----

function textParts(text: string): Part[] {
  return [{ type: "text", content: text }];
}

/** A tool result: its text when it is one text part, else its parts (images, several blocks). */
function toolResponse(parts: Part[]): unknown {
  if (parts.length === 0) return "";
  const [only] = parts;
  return parts.length === 1 && only !== undefined && only.type === "text" ? only.content : parts;
}

/** An image/document URL: `data:<mime>;base64,<data>` -> blob, anything else -> uri. */
function urlPart(url: string, modality: string): Part {
  if (url.startsWith("data:")) {
    const comma = url.indexOf(",");
    const header = comma < 0 ? "" : url.slice(5, comma);
    if (comma >= 0 && header.endsWith(";base64")) {
      const mime = header.slice(0, -";base64".length).split(";")[0] ?? "";
      return blob(modality, mime === "" ? undefined : mime, url.slice(comma + 1));
    }
  }
  return { type: "uri", modality, uri: url };
}

/** Inline data (base64), with its MIME type when known. */
function blob(modality: string, mime: string | undefined, content: string): Part {
  return mime === undefined
    ? { type: "blob", modality, content }
    : { type: "blob", modality, mime_type: mime, content };
}
