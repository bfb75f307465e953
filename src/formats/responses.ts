/**
 * OpenAI Responses API wire format, written from the openai SDK's type definitions
 * (openai/resources/responses/responses.d.ts). Precise where tracegate reads or writes a field, tolerant elsewhere:
 * objects carry an index signature so fields not named here (newer features) type-check and pass through.
 * These are the requests tracegate reads from clients and the objects and events it writes; what a provider serving
 * `/responses` itself sends is checked by responses-read.ts.
 */
import type { Extra } from "./openai";

// ---- request ----

export interface InputTextPart extends Extra {
  type: "input_text";
  text: string;
}

export interface InputImagePart extends Extra {
  type: "input_image";
  image_url?: string | null;
  file_id?: string | null;
  detail?: "auto" | "low" | "high";
}

/** Text the model wrote, as it comes back in an assistant message of the input. */
export interface OutputTextPart extends Extra {
  type: "output_text";
  text: string;
  annotations?: unknown[];
}

export interface RefusalContentPart extends Extra {
  type: "refusal";
  refusal: string;
}

export type InputContentPart = InputTextPart | InputImagePart | OutputTextPart | RefusalContentPart | (Extra & { type: string });

/** A message of the input: `type` is optional (the SDK's EasyInputMessage). */
export interface InputMessage extends Extra {
  type?: "message";
  role: "user" | "assistant" | "system" | "developer";
  content: string | InputContentPart[];
}

export interface FunctionCallItem extends Extra {
  type: "function_call";
  /** The id the function's output refers to. */
  call_id: string;
  name: string;
  /** A JSON document as a string, as the model wrote it. */
  arguments: string;
  id?: string;
  status?: ItemStatus;
}

export interface FunctionCallOutputItem extends Extra {
  type: "function_call_output";
  call_id: string;
  output: string | InputContentPart[];
}

export interface SummaryText {
  type: "summary_text";
  text: string;
}

export interface ReasoningItem extends Extra {
  type: "reasoning";
  id: string;
  summary: SummaryText[];
  content?: { type: "reasoning_text"; text: string }[];
  encrypted_content?: string | null;
}

/** An earlier output item named by its id (resolved from the store where tracegate translates). */
export interface ItemReference extends Extra {
  type: "item_reference";
  id: string;
}

export type InputItem = InputMessage | FunctionCallItem | FunctionCallOutputItem | ReasoningItem | OutputMessage | ItemReference;

export interface ResponsesFunctionTool extends Extra {
  type: "function";
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponsesToolChoice = "none" | "auto" | "required" | { type: "function"; name: string } | (Extra & { type: string });

export type TextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

export interface ResponsesRequest extends Extra {
  model: string;
  input?: string | InputItem[];
  instructions?: string | null;
  tools?: (ResponsesFunctionTool | (Extra & { type: string }))[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean | null;
  text?: { format?: TextFormat; verbosity?: string | null } | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stream?: boolean | null;
  /** Whether the response is kept for `previous_response_id` (the API's default: true). */
  store?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  user?: string;
}

// ---- response ----

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface OutputMessage extends Extra {
  type: "message";
  id: string;
  role: "assistant";
  status: ItemStatus;
  content: (OutputTextPart | RefusalContentPart)[];
}

export type OutputItem = OutputMessage | FunctionCallItem | ReasoningItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = "completed" | "failed" | "in_progress" | "incomplete" | "cancelled" | "queued";

export interface ResponseObject extends Extra {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  model: string;
  output: OutputItem[];
  output_text?: string;
  usage: ResponsesUsage | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  previous_response_id: string | null;
  store: boolean;
  parallel_tool_calls: boolean;
  tool_choice: unknown;
  tools: unknown[];
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  text: unknown;
  reasoning: unknown;
}

// ---- stream ----

/** One event of a streamed response: `type` plus its fields; every event carries its `sequence_number`. */
export interface ResponseStreamEvent extends Extra {
  type: string;
  sequence_number: number;
}
