/**
 * Amazon Bedrock Converse / ConverseStream wire types, written from the API reference and the AWS SDK's model
 * types (client-bedrock-runtime). Only what tracegate writes or reads is named. Unions are objects with exactly one
 * member set, as on the wire (`{ text: "…" }`, `{ toolUse: {…} }`).
 */

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

export interface ToolUseBlock {
  toolUseId: string;
  name: string;
  /** The tool's input as a JSON document (an object). */
  input: unknown;
}

export interface ToolResultBlock {
  toolUseId: string;
  content: ({ text: string } | { json: unknown })[];
  status?: "success" | "error";
}

export type ContentBlock =
  | { text: string }
  | { image: { format: ImageFormat; source: { bytes: string } } }
  | { toolUse: ToolUseBlock }
  | { toolResult: ToolResultBlock };

export interface ConverseMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description?: string;
  inputSchema: { json: Record<string, unknown> };
}

export type ConverseToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** Structured output (`outputConfig.textFormat`): the JSON Schema travels as a string. */
export interface OutputConfig {
  textFormat: {
    type: "json_schema";
    structure: { jsonSchema: { schema: string; name?: string; description?: string } };
  };
}

/** The body of `POST /model/{modelId}/converse` and `/converse-stream` (the model id is in the path). */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: { text: string }[];
  inferenceConfig?: InferenceConfig;
  toolConfig?: { tools: { toolSpec: ToolSpec }[]; toolChoice?: ConverseToolChoice };
  outputConfig?: OutputConfig;
}
