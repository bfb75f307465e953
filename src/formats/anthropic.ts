/**
 * Anthropic Messages wire format, hand-written from the public API reference.
 * Precise where tracegate reads or writes a field, tolerant elsewhere: most objects carry an index signature so
 * fields this file does not name (cache_control, citations, new API features) type-check and pass through.
 * These are the requests tracegate reads from clients and the answers it writes; what it reads from providers is
 * typed by the readers in anthropic-read.ts (the `Received*` types).
 */

/** Fields not named here survive a passthrough. */
export interface Extra {
  [key: string]: unknown;
}

// ---- request ----

export interface TextBlockParam extends Extra {
  type: "text";
  text: string;
}

export type ImageMediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

export interface Base64ImageSource {
  type: "base64";
  media_type: ImageMediaType;
  data: string;
}

export interface UrlImageSource {
  type: "url";
  url: string;
}

export interface ImageBlockParam extends Extra {
  type: "image";
  source: Base64ImageSource | UrlImageSource | { type: "file"; file_id: string };
}

export interface ToolUseBlockParam extends Extra {
  type: "tool_use";
  id: string;
  name: string;
  /** Always a JSON object on the wire. */
  input: Record<string, unknown>;
}

export interface ToolResultBlockParam extends Extra {
  type: "tool_result";
  tool_use_id: string;
  content?: string | (TextBlockParam | ImageBlockParam)[];
  is_error?: boolean;
}

export interface ThinkingBlockParam extends Extra {
  type: "thinking";
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlockParam extends Extra {
  type: "redacted_thinking";
  data: string;
}

export interface DocumentBlockParam extends Extra {
  type: "document";
  source: Extra & { type: string };
}

export type ContentBlockParam =
  | TextBlockParam
  | ImageBlockParam
  | ToolUseBlockParam
  | ToolResultBlockParam
  | ThinkingBlockParam
  | RedactedThinkingBlockParam
  | DocumentBlockParam;

export interface MessageParam extends Extra {
  role: "user" | "assistant";
  content: string | ContentBlockParam[];
}

export interface ToolDefinition extends Extra {
  name: string;
  description?: string;
  /** A JSON Schema object; required for client tools, absent on server tools (which carry a dated `type`). */
  input_schema?: Record<string, unknown>;
  /** `custom` (or absent) for client tools; server tools use dated types such as `web_search_20250305`. */
  type?: string | null;
}

export type ToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export interface OutputConfig extends Extra {
  format?: { type: "json_schema"; schema: Record<string, unknown> } | null;
}

export interface MessagesRequest extends Extra {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: string | TextBlockParam[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  metadata?: { user_id?: string | null };
  thinking?: { type: "enabled"; budget_tokens: number } | { type: "disabled" } | { type: "adaptive" };
  output_config?: OutputConfig;
}

// ---- response ----

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

export interface AnthropicUsage extends Extra {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  /** thinking_tokens are part of output_tokens. */
  output_tokens_details?: { thinking_tokens?: number } | null;
  service_tier?: string | null;
}

export interface TextBlock extends Extra {
  type: "text";
  text: string;
  citations?: unknown[] | null;
}

export interface ToolUseBlock extends Extra {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ThinkingBlock extends Extra {
  type: "thinking";
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlock extends Extra {
  type: "redacted_thinking";
  data: string;
}

/** Server-tool blocks (server_tool_use, web_search_tool_result, …) are not named; translators skip them. */
export type ContentBlock = TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock;

export interface AnthropicMessage extends Extra {
  id: string;
  type: "message";
  role: "assistant";
  content: ContentBlock[];
  model: string;
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

// ---- stream ----

export interface MessageStartEvent {
  type: "message_start";
  message: AnthropicMessage;
}

export interface ContentBlockStartEvent {
  type: "content_block_start";
  index: number;
  content_block: ContentBlock;
}

export type ContentDelta =
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "citations_delta"; citation: unknown };

export interface ContentBlockDeltaEvent {
  type: "content_block_delta";
  index: number;
  delta: ContentDelta;
}

export interface ContentBlockStopEvent {
  type: "content_block_stop";
  index: number;
}

/** Counters in message_delta are cumulative totals for the whole message; absent ones did not change. */
export interface MessageDeltaUsage extends Extra {
  output_tokens: number;
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
}

export interface MessageDeltaEvent {
  type: "message_delta";
  delta: { stop_reason: StopReason | null; stop_sequence: string | null } & Extra;
  usage: MessageDeltaUsage;
}

export interface MessageStopEvent {
  type: "message_stop";
}

export interface PingEvent {
  type: "ping";
}

export interface ErrorEvent {
  type: "error";
  error: { type: string; message: string };
}

export type MessageStreamEvent =
  | MessageStartEvent
  | ContentBlockStartEvent
  | ContentBlockDeltaEvent
  | ContentBlockStopEvent
  | MessageDeltaEvent
  | MessageStopEvent
  | PingEvent
  | ErrorEvent;
