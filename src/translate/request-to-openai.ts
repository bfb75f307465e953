import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  MessagesRequest,
  TextBlockParam,
  ToolResultBlockParam,
} from "../formats/anthropic";
import type {
  AssistantMessageParam,
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  ImageUrlPart,
  TextPart,
  ToolCall,
  ToolChoice,
  UserContentPart,
} from "../formats/openai";
import { TranslationError } from "./errors";
import { effortForThinking } from "./reasoning";

function imagePart(block: ImageBlockParam, param: string): ImageUrlPart {
  const source = block.source;
  if (source.type === "base64") {
    return { type: "image_url", image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  }
  if (source.type === "url") return { type: "image_url", image_url: { url: source.url } };
  const message = `${param}.source: "${source.type}" images cannot be sent to an OpenAI provider; send base64 or url`;
  throw new TranslationError(message, `${param}.source.type`);
}

function unsupported(block: { type: string }, param: string): TranslationError {
  return new TranslationError(`${param}: "${block.type}" blocks cannot be sent to an OpenAI provider`, `${param}.type`);
}

/** Text-only content becomes a plain string: the form every OpenAI-compatible server accepts. */
function userMessageContent(parts: UserContentPart[]): string | UserContentPart[] {
  const texts = parts.filter((p): p is TextPart => p.type === "text");
  return texts.length === parts.length ? texts.map((p) => p.text).join("\n") : parts;
}

/** Tool results carry no error flag in OpenAI's format, so a failed tool says so in its text. */
function toolResultText(block: ToolResultBlockParam, images: UserContentPart[], param: string): string {
  let text = "";
  if (typeof block.content === "string") text = block.content;
  else {
    const texts: string[] = [];
    (block.content ?? []).forEach((inner: TextBlockParam | ImageBlockParam, k) => {
      if (inner.type === "text") texts.push(inner.text);
      else if (inner.type === "image") images.push(imagePart(inner, `${param}.content[${k}]`));
      else throw unsupported(inner, `${param}.content[${k}]`);
    });
    text = texts.join("\n");
  }
  return block.is_error === true ? `Error: ${text}` : text;
}

/**
 * One Anthropic user turn -> OpenAI messages: each tool_result becomes a `tool` message (they must directly follow
 * the assistant's tool_calls), then the remaining text and images, plus images returned by tools, as one user message.
 */
function userMessages(msg: MessageParam, i: number): ChatMessage[] {
  if (typeof msg.content === "string") return [{ role: "user", content: msg.content }];
  const out: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  const toolImages: UserContentPart[] = [];
  msg.content.forEach((block: ContentBlockParam, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (block.type === "text") parts.push({ type: "text", text: block.text });
    else if (block.type === "image") parts.push(imagePart(block, param));
    else if (block.type === "tool_result") {
      out.push({ role: "tool", tool_call_id: block.tool_use_id, content: toolResultText(block, toolImages, param) });
    } else if (block.type !== "thinking" && block.type !== "redacted_thinking") throw unsupported(block, param);
  });
  const all = [...toolImages, ...parts];
  if (all.length > 0) out.push({ role: "user", content: userMessageContent(all) });
  return out;
}

/** Thinking blocks are dropped: OpenAI-compatible servers have no way to take them back. */
function assistantMessage(msg: MessageParam, i: number): AssistantMessageParam {
  if (typeof msg.content === "string") return { role: "assistant", content: msg.content };
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  msg.content.forEach((block: ContentBlockParam, j) => {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "tool_use") {
      const args = JSON.stringify(block.input ?? {});
      calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: args } });
    } else if (block.type !== "thinking" && block.type !== "redacted_thinking") {
      throw unsupported(block, `messages[${i}].content[${j}]`);
    }
  });
  const text = texts.join("");
  if (calls.length === 0) return { role: "assistant", content: text };
  return { role: "assistant", content: text || null, tool_calls: calls };
}

function convertTools(req: MessagesRequest): FunctionTool[] {
  return (req.tools ?? []).map((tool, j) => {
    if ((tool.type != null && tool.type !== "custom") || tool.input_schema === undefined) {
      const type = String(tool.type);
      const message = `tools[${j}]: Anthropic server tool "${type}" has no OpenAI equivalent; declare a client tool`;
      throw new TranslationError(message, `tools[${j}]`);
    }
    return {
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.input_schema,
      },
    };
  });
}

function convertToolChoice(req: MessagesRequest): { choice?: ToolChoice; parallel?: false } {
  const choice = req.tool_choice;
  if (!choice) return {};
  const noParallel = choice.type !== "none" && choice.disable_parallel_tool_use === true;
  const parallel = noParallel ? { parallel: false as const } : {};
  switch (choice.type) {
    case "auto":
      return { choice: "auto", ...parallel };
    case "any":
      return { choice: "required", ...parallel };
    case "none":
      return { choice: "none" };
    case "tool":
      return { choice: { type: "function", function: { name: choice.name } }, ...parallel };
    default:
      const type = String((choice as { type?: unknown }).type);
      throw new TranslationError(`tool_choice: "${type}" has no OpenAI equivalent`, "tool_choice.type");
  }
}

/**
 * Anthropic Messages request -> OpenAI Chat Completions request. `thinking` (or `output_config.effort`) becomes
 * `reasoning_effort` (reasoning.ts); top_k and other fields with no OpenAI equivalent are dropped; server tools, documents and file sources throw a TranslationError.
 */
export function anthropicRequestToOpenai(req: MessagesRequest, upstreamModel: string): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  // One system message per system block keeps their boundaries (and round-trips to the same blocks).
  if (typeof req.system === "string") {
    if (req.system) messages.push({ role: "system", content: req.system });
  } else {
    for (const block of req.system ?? []) if (block.text) messages.push({ role: "system", content: block.text });
  }
  req.messages.forEach((msg, i) => {
    if (msg.role === "assistant") messages.push(assistantMessage(msg, i));
    else messages.push(...userMessages(msg, i));
  });

  // max_completion_tokens, not the deprecated max_tokens, which OpenAI's reasoning models reject.
  const out: ChatCompletionRequest = { model: upstreamModel, messages, max_completion_tokens: req.max_tokens };
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.top_p = req.top_p;
  if (req.stop_sequences && req.stop_sequences.length > 0) out.stop = req.stop_sequences;
  if (req.metadata?.user_id) out.user = req.metadata.user_id;
  if (req.stream != null) out.stream = req.stream;
  const tools = convertTools(req);
  if (tools.length > 0) {
    out.tools = tools;
    const { choice, parallel } = convertToolChoice(req);
    if (choice !== undefined) out.tool_choice = choice;
    if (parallel === false) out.parallel_tool_calls = false;
  }
  const effort = effortForThinking(req);
  if (effort !== undefined) out.reasoning_effort = effort;
  const format = req.output_config?.format;
  if (format?.type === "json_schema") {
    out.response_format = { type: "json_schema", json_schema: { name: "response", schema: format.schema, strict: true } };
  }
  return out;
}
