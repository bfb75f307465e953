/**
 * OpenAI Chat Completions wire format, hand-written from the public API reference.
 * Precise where tracegate reads or writes a field, tolerant elsewhere: most objects carry an index signature so
 * fields this file does not name (new API features, provider extensions) type-check and pass through unchanged.
 * These are the requests tracegate reads from clients and the answers it writes; what it reads from providers is
 * typed by the readers in openai-read.ts (the `Received*` types).
 */

/** Fields not named here survive a passthrough. */
export interface Extra {
  [key: string]: unknown;
}

// ---- request ----

export interface TextPart extends Extra {
  type: "text";
  text: string;
}

export interface ImageUrlPart extends Extra {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

export interface InputAudioPart extends Extra {
  type: "input_audio";
  input_audio: { data: string; format: string };
}

export interface FilePart extends Extra {
  type: "file";
  file: { file_data?: string; file_id?: string; filename?: string };
}

export interface RefusalPart extends Extra {
  type: "refusal";
  refusal: string;
}

export type UserContentPart = TextPart | ImageUrlPart | InputAudioPart | FilePart;

export interface FunctionCall {
  name: string;
  /** A JSON document as a string, as the model produced it (not guaranteed to be valid JSON). */
  arguments: string;
}

export interface ToolCall extends Extra {
  id: string;
  type: "function";
  function: FunctionCall;
}

export interface SystemMessage extends Extra {
  role: "system" | "developer";
  content: string | TextPart[];
  name?: string;
}

export interface UserMessage extends Extra {
  role: "user";
  content: string | UserContentPart[];
  name?: string;
}

export interface AssistantMessageParam extends Extra {
  role: "assistant";
  content?: string | (TextPart | RefusalPart)[] | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  name?: string;
}

export interface ToolMessage extends Extra {
  role: "tool";
  content: string | TextPart[];
  tool_call_id: string;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessageParam | ToolMessage;

export interface FunctionTool extends Extra {
  type: "function";
  function: {
    name: string;
    description?: string;
    /** A JSON Schema object. */
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export interface NamedToolChoice {
  type: "function";
  function: { name: string };
}

export type ToolChoice = "none" | "auto" | "required" | NamedToolChoice;

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

export interface ChatCompletionRequest extends Extra {
  model: string;
  messages: ChatMessage[];
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; include_obfuscation?: boolean } | null;
  /** Deprecated by OpenAI in favour of max_completion_tokens, still the field most compatible servers know. */
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  n?: number | null;
  seed?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  user?: string;
  response_format?: ResponseFormat;
  reasoning_effort?: string | null;
}

// ---- response ----

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface OpenAIUsage extends Extra {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    /** Tokens written to the prompt cache (reported by newer APIs and by gateways translating from Anthropic). */
    cache_write_tokens?: number;
    audio_tokens?: number;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  } | null;
}

export interface ResponseMessage extends Extra {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  tool_calls?: ToolCall[];
  /** Not in OpenAI's API: the chain-of-thought field of DeepSeek and other OpenAI-compatible servers. */
  reasoning_content?: string | null;
}

export interface ChatCompletionChoice extends Extra {
  index: number;
  message: ResponseMessage;
  finish_reason: FinishReason | null;
  logprobs: unknown;
}

export interface ChatCompletion extends Extra {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: OpenAIUsage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

// ---- stream ----

export interface ToolCallDelta extends Extra {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta extends Extra {
  role?: "assistant";
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[] | null;
  reasoning_content?: string | null;
}

export interface ChunkChoice extends Extra {
  index: number;
  delta: ChunkDelta;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletionChunk extends Extra {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  /** Empty in the final usage chunk (`stream_options.include_usage`). */
  choices: ChunkChoice[];
  /** null in every chunk but the last when usage was asked for. */
  usage?: OpenAIUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}
