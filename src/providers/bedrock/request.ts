import type {
  AssistantMessageParam,
  ChatCompletionRequest,
  ImageUrlPart,
  ToolMessage,
  UserMessage,
} from "../../formats/openai";
import { isRecord } from "../../formats/check";
import { TranslationError } from "../../translate/errors";
import { forEachMessage } from "../../translate/messages";
import { parseDataUrl, parseToolArguments } from "../../translate/shared";
import type {
  ContentBlock,
  ConverseMessage,
  ConverseRequest,
  ConverseToolChoice,
  ImageFormat,
  InferenceConfig,
  ToolSpec,
} from "./converse";

const IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

/** Converse takes images as bytes (base64 in JSON) or from S3; an http(s) URL would need a fetch it cannot do. */
function imageBlock(part: ImageUrlPart, param: string): ContentBlock {
  const url = part.image_url.url;
  const data = url.startsWith("data:") ? parseDataUrl(url) : undefined;
  if (!data) throw new TranslationError(`${param}: Bedrock takes images as base64 data: URLs, not links`, param);
  const format = Object.hasOwn(IMAGE_FORMATS, data.mediaType) ? IMAGE_FORMATS[data.mediaType] : undefined;
  if (format === undefined) {
    throw new TranslationError(`${param}: image type ${data.mediaType} is not supported by Bedrock (png, jpeg, gif, webp)`, param);
  }
  return { image: { format, source: { bytes: data.data } } };
}

/** Bedrock rejects blank text blocks, so empty parts are left out. */
function textOf(content: string | readonly { type: string; text?: unknown }[]): { text: string }[] {
  if (typeof content === "string") return content ? [{ text: content }] : [];
  const blocks: { text: string }[] = [];
  for (const part of content) if (part.type === "text" && typeof part.text === "string" && part.text) blocks.push({ text: part.text });
  return blocks;
}

function userContent(msg: UserMessage, i: number): ContentBlock[] {
  if (typeof msg.content === "string") return textOf(msg.content);
  const blocks: ContentBlock[] = [];
  msg.content.forEach((part, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (part.type === "text") blocks.push(...textOf(part.text));
    else if (part.type === "image_url") blocks.push(imageBlock(part, `${param}.image_url.url`));
    else {
      const type = String((part as { type?: unknown }).type);
      throw new TranslationError(`${param}: "${type}" content parts cannot be sent to a Bedrock provider`, `${param}.type`);
    }
  });
  return blocks;
}

function assistantContent(msg: AssistantMessageParam): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  if (typeof msg.content === "string") blocks.push(...textOf(msg.content));
  else if (Array.isArray(msg.content)) {
    for (const part of msg.content) blocks.push(...textOf(part.type === "refusal" ? part.refusal : part.text));
  }
  if (blocks.length === 0 && typeof msg.refusal === "string" && msg.refusal) blocks.push({ text: msg.refusal });
  for (const call of msg.tool_calls ?? []) {
    const input = parseToolArguments(call.function.arguments);
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input } });
  }
  return blocks;
}

function toolResult(msg: ToolMessage): ContentBlock {
  const text = textOf(msg.content);
  // A tool result needs content: an empty one gets a stand-in.
  return { toolResult: { toolUseId: msg.tool_call_id, content: text.length > 0 ? text : [{ text: "(empty)" }] } };
}

/** Converse requires alternating roles: a turn with the previous one's role is merged, tool results first. */
function appendTurn(turns: ConverseMessage[], role: "user" | "assistant", content: ContentBlock[]): void {
  if (content.length === 0) return;
  const last = turns.at(-1);
  if (!last || last.role !== role) {
    turns.push({ role, content });
    return;
  }
  const merged = [...last.content, ...content];
  last.content = role === "user" ? [...merged.filter((b) => "toolResult" in b), ...merged.filter((b) => !("toolResult" in b))] : merged;
}

function toolSpecs(req: ChatCompletionRequest): { toolSpec: ToolSpec }[] {
  return (req.tools ?? []).map((tool, j) => {
    if (tool.type !== "function" || !isRecord(tool.function)) {
      const type = String((tool as { type?: unknown }).type);
      throw new TranslationError(`tools[${j}]: "${type}" tools cannot be sent to a Bedrock provider; use function tools`, `tools[${j}].type`);
    }
    const fn = tool.function;
    const spec: ToolSpec = { name: fn.name, inputSchema: { json: fn.parameters ?? { type: "object", properties: {} } } };
    if (fn.description) spec.description = fn.description;
    return { toolSpec: spec };
  });
}

/** `none` has no Converse counterpart: the tools are left out unless the history holds tool blocks (then `auto`). */
function toolChoice(req: ChatCompletionRequest): ConverseToolChoice | "none" | undefined {
  const choice = req.tool_choice;
  if (choice === undefined) return undefined;
  if (choice === "none") return "none";
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  const name = isRecord(choice) && choice.type === "function" && isRecord(choice.function) ? choice.function.name : undefined;
  if (typeof name === "string") return { tool: { name } };
  throw new TranslationError("tool_choice: only auto, none, required and a named function can be sent to a Bedrock provider", "tool_choice");
}

function inferenceConfig(req: ChatCompletionRequest): InferenceConfig | undefined {
  const config: InferenceConfig = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) config.maxTokens = maxTokens;
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  const stop = req.stop == null ? [] : typeof req.stop === "string" ? [req.stop] : req.stop;
  if (stop.length > 0) config.stopSequences = stop;
  return Object.keys(config).length > 0 ? config : undefined;
}

function turnsOf(req: ChatCompletionRequest, system: { text: string }[]): ConverseMessage[] {
  const turns: ConverseMessage[] = [];
  forEachMessage(
    req.messages,
    {
      system: (msg) => system.push(...textOf(msg.content)),
      user: (msg, i) => appendTurn(turns, "user", userContent(msg, i)),
      assistant: (msg) => appendTurn(turns, "assistant", assistantContent(msg)),
      tool: (msg) => appendTurn(turns, "user", [toolResult(msg)]),
    },
    "a Bedrock provider",
  );
  return turns;
}

/**
 * OpenAI Chat Completions request -> Bedrock Converse request body (pure). Fields Converse has no place for (seed,
 * penalties, logprobs, json_object) are dropped; `n` > 1, image links and other content throw a TranslationError.
 */
export function converseRequestFromOpenai(req: ChatCompletionRequest): ConverseRequest {
  if (req.n != null && req.n > 1) {
    throw new TranslationError(`n: Bedrock returns one completion per request; send ${req.n} requests instead of n=${req.n}`, "n");
  }
  const system: { text: string }[] = [];
  const out: ConverseRequest = { messages: turnsOf(req, system) };
  if (system.length > 0) out.system = system;
  const config = inferenceConfig(req);
  if (config) out.inferenceConfig = config;
  const tools = toolSpecs(req);
  const choice = toolChoice(req);
  const historyHasTools = out.messages.some((m) => m.content.some((b) => "toolUse" in b || "toolResult" in b));
  if (tools.length > 0 && (choice !== "none" || historyHasTools)) {
    out.toolConfig = { tools };
    if (choice !== undefined && choice !== "none") out.toolConfig.toolChoice = choice;
  }
  const format = req.response_format;
  if (format?.type === "json_schema" && format.json_schema.schema) {
    const { name, description, schema } = format.json_schema;
    const jsonSchema = { schema: JSON.stringify(schema), ...(name ? { name } : {}), ...(description ? { description } : {}) };
    out.outputConfig = { textFormat: { type: "json_schema", structure: { jsonSchema } } };
  }
  return out;
}
