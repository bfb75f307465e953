import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  MessagesRequest,
  TextBlockParam,
  ToolChoice as AnthropicToolChoice,
  ToolDefinition,
  ToolResultBlockParam,
} from "../formats/anthropic";
import type {
  AssistantMessageParam,
  ChatCompletionRequest,
  ImageUrlPart,
  SystemMessage,
  ToolMessage,
  UserMessage,
} from "../formats/openai";
import { TranslationError } from "./errors";
import { applyJsonMode } from "./json-mode";
import { thinkingForEffort } from "./reasoning";
import { forEachMessage } from "./messages";
import { isRecord } from "../formats/check";
import { isImageMediaType, parseDataUrl, parseToolArguments } from "./shared";

/** Anthropic requires max_tokens; OpenAI clients often leave it to the provider. */
export const DEFAULT_MAX_TOKENS = 4096;

/** A text block, keeping `cache_control` (the OpenRouter convention for asking Anthropic to cache a part). */
function textBlock(text: string, source?: Record<string, unknown>): TextBlockParam {
  const cache = source?.cache_control;
  return cache === undefined ? { type: "text", text } : { type: "text", text, cache_control: cache };
}

function systemBlocks(msg: SystemMessage): TextBlockParam[] {
  if (typeof msg.content === "string") return msg.content ? [textBlock(msg.content)] : [];
  return msg.content.filter((p) => p.type === "text" && p.text).map((p) => textBlock(p.text, p));
}

function imageBlock(part: ImageUrlPart, param: string): ImageBlockParam {
  const url = part.image_url.url;
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  const data = url.startsWith("data:") ? parseDataUrl(url) : undefined;
  if (!data) throw new TranslationError(`${param}: expected an http(s) URL or a base64 data: URL`, param);
  if (!isImageMediaType(data.mediaType)) {
    throw new TranslationError(
      `${param}: image type ${data.mediaType} is not supported by Anthropic (use jpeg, png, gif or webp)`,
      param,
    );
  }
  return { type: "image", source: { type: "base64", media_type: data.mediaType, data: data.data } };
}

function userContent(msg: UserMessage, i: number): string | ContentBlockParam[] {
  if (typeof msg.content === "string") return msg.content;
  const blocks: ContentBlockParam[] = [];
  msg.content.forEach((part, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (part.type === "text") {
      if (part.text) blocks.push(textBlock(part.text, part));
    } else if (part.type === "image_url") {
      blocks.push(imageBlock(part, `${param}.image_url.url`));
    } else {
      const type = String((part as { type?: unknown }).type);
      const message = `${param}: "${type}" content parts cannot be sent to an Anthropic provider`;
      throw new TranslationError(message, `${param}.type`);
    }
  });
  return blocks;
}

function assistantContent(msg: AssistantMessageParam): string | ContentBlockParam[] {
  const calls = msg.tool_calls ?? [];
  if (typeof msg.content === "string" && calls.length === 0) return msg.content;
  const blocks: ContentBlockParam[] = [];
  if (typeof msg.content === "string") {
    if (msg.content) blocks.push(textBlock(msg.content));
  } else if (Array.isArray(msg.content)) {
    for (const part of msg.content) {
      const text = part.type === "refusal" ? part.refusal : part.text;
      if (text) blocks.push(textBlock(text));
    }
  }
  if (blocks.length === 0 && typeof msg.refusal === "string" && msg.refusal) blocks.push(textBlock(msg.refusal));
  for (const call of calls) {
    const input = parseToolArguments(call.function.arguments);
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input });
  }
  return blocks;
}

function toolResult(msg: ToolMessage): ToolResultBlockParam {
  const block: ToolResultBlockParam = { type: "tool_result", tool_use_id: msg.tool_call_id };
  if (typeof msg.content === "string") {
    if (msg.content) block.content = msg.content;
  } else {
    const parts = msg.content.filter((p) => p.type === "text" && p.text).map((p) => textBlock(p.text, p));
    if (parts.length > 0) block.content = parts;
  }
  return block;
}

const asBlocks = (content: string | ContentBlockParam[]): ContentBlockParam[] =>
  typeof content === "string" ? [textBlock(content)] : content;

/**
 * Appends a turn; Anthropic requires alternating roles, so a turn with the same role as the previous one is merged
 * into it. In a user turn tool_result blocks go first, as Anthropic requires them right after the tool_use turn.
 */
function appendTurn(turns: MessageParam[], role: "user" | "assistant", content: string | ContentBlockParam[]): void {
  if (content.length === 0) return; // Anthropic rejects empty content; an empty message carries nothing anyway.
  const last = turns.at(-1);
  if (!last || last.role !== role) {
    turns.push({ role, content });
    return;
  }
  const merged = [...asBlocks(last.content), ...asBlocks(content)];
  last.content =
    role === "user"
      ? [...merged.filter((b) => b.type === "tool_result"), ...merged.filter((b) => b.type !== "tool_result")]
      : merged;
}

function convertTools(req: ChatCompletionRequest): ToolDefinition[] {
  return (req.tools ?? []).map((tool, j) => {
    if (tool.type !== "function" || !isRecord(tool.function)) {
      const type = String((tool as { type?: unknown }).type);
      const message = `tools[${j}]: "${type}" tools cannot be sent to an Anthropic provider; use function tools`;
      throw new TranslationError(message, `tools[${j}].type`);
    }
    const fn = tool.function;
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      input_schema: fn.parameters ?? { type: "object", properties: {} },
    };
  });
}

function convertToolChoice(req: ChatCompletionRequest): AnthropicToolChoice | undefined {
  const choice = req.tool_choice;
  const parallel = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === "auto") {
    if (req.parallel_tool_calls === false) return { type: "auto", disable_parallel_tool_use: true };
    return choice === "auto" ? { type: "auto" } : undefined;
  }
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any", ...parallel };
  const name = isRecord(choice) && choice.type === "function" && isRecord(choice.function) ? choice.function.name : undefined;
  if (typeof name === "string") return { type: "tool", name, ...parallel };
  throw new TranslationError(
    "tool_choice: only auto, none, required and a named function can be sent to an Anthropic provider",
    "tool_choice",
  );
}

/**
 * OpenAI Chat Completions request -> Anthropic Messages request. Fields with no Anthropic equivalent
 * (seed, penalties, logprobs, …) are dropped; `n` > 1 and untranslatable content throw a TranslationError.
 * `reasoning_effort` turns on extended thinking (reasoning.ts), JSON mode becomes a forced tool (json-mode.ts).
 */
export function openaiRequestToAnthropic(req: ChatCompletionRequest, upstreamModel: string): MessagesRequest {
  if (req.n != null && req.n > 1) {
    throw new TranslationError(
      `n: Anthropic providers return one completion per request; send ${req.n} requests instead of n=${req.n}`,
      "n",
    );
  }
  const system: TextBlockParam[] = [];
  const turns: MessageParam[] = [];
  forEachMessage(
    req.messages,
    {
      system: (msg) => system.push(...systemBlocks(msg)),
      user: (msg, i) => appendTurn(turns, "user", userContent(msg, i)),
      assistant: (msg) => appendTurn(turns, "assistant", assistantContent(msg)),
      tool: (msg) => appendTurn(turns, "user", [toolResult(msg)]),
    },
    "an Anthropic provider",
  );

  const out: MessagesRequest = {
    model: upstreamModel,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: turns,
  };
  const only = system[0];
  if (system.length === 1 && only && only.cache_control === undefined) out.system = only.text;
  else if (system.length > 0) out.system = system;
  const reasoning = thinkingForEffort(req.reasoning_effort, req.max_completion_tokens ?? req.max_tokens ?? undefined, DEFAULT_MAX_TOKENS);
  if (reasoning) {
    out.thinking = reasoning.thinking;
    out.max_tokens = reasoning.maxTokens;
  } else {
    // Anthropic refuses a temperature other than 1 and a narrower top_p while thinking: sent only without it.
    if (req.temperature != null) out.temperature = req.temperature;
    if (req.top_p != null) out.top_p = req.top_p;
  }
  const stop = req.stop == null ? [] : typeof req.stop === "string" ? [req.stop] : req.stop;
  if (stop.length > 0) out.stop_sequences = stop;
  if (req.user) out.metadata = { user_id: req.user };
  if (req.stream != null) out.stream = req.stream;
  const tools = convertTools(req);
  if (tools.length > 0) {
    out.tools = tools;
    const choice = convertToolChoice(req);
    if (choice) out.tool_choice = choice;
  }
  const format = req.response_format;
  if (format?.type === "json_schema" && format.json_schema.schema) {
    out.output_config = { format: { type: "json_schema", schema: format.json_schema.schema } };
  } else if (format?.type === "json_object") {
    applyJsonMode(out);
  }
  return out;
}
