import type {
  AssistantMessageParam,
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  ResponseFormat,
  TextPart,
  ToolChoice,
  UserContentPart,
} from "../formats/openai";
import type { FunctionCallItem, InputContentPart, InputItem, InputMessage, ResponsesRequest } from "../formats/responses";
import { isRecord } from "../formats/check";
import { TranslationError } from "./errors";

/** Why a Responses feature cannot be translated: what to use instead. */
const NEEDS_NATIVE = "needs a provider that serves the Responses API itself";

function userPart(part: InputContentPart, param: string): UserContentPart {
  if (part.type === "input_text" || part.type === "output_text") return { type: "text", text: String(part.text) };
  if (part.type === "input_image" && typeof part.image_url === "string") {
    const detail = part.detail;
    const known = detail === "auto" || detail === "low" || detail === "high";
    return { type: "image_url", image_url: known ? { url: part.image_url, detail } : { url: part.image_url } };
  }
  if (part.type === "input_file" && typeof part.file_data === "string") {
    const filename = typeof part.filename === "string" ? { filename: part.filename } : {};
    return { type: "file", file: { file_data: part.file_data, ...filename } };
  }
  const what = part.type === "input_image" || part.type === "input_file" ? `${part.type} by file_id` : `"${part.type}" content`;
  throw new TranslationError(`${param}: ${what} ${NEEDS_NATIVE}`, `${param}.type`);
}

function textOnly(content: string | InputContentPart[], param: string): string | TextPart[] {
  if (typeof content === "string") return content;
  return content.map((part, j) => {
    const p = userPart(part, `${param}[${j}]`);
    if (p.type !== "text") throw new TranslationError(`${param}[${j}]: only text is accepted here`, `${param}[${j}].type`);
    return p;
  });
}

function assistantText(content: string | InputContentPart[]): { text: string; refusal: string } {
  if (typeof content === "string") return { text: content, refusal: "" };
  let text = "";
  let refusal = "";
  for (const part of content) {
    if (part.type === "refusal" && typeof part.refusal === "string") refusal += part.refusal;
    else if (typeof part.text === "string") text += part.text;
  }
  return { text, refusal };
}

function message(item: InputMessage, param: string): ChatMessage {
  const content = item.content;
  switch (item.role) {
    case "system":
    case "developer":
      return { role: item.role, content: textOnly(content, `${param}.content`) };
    case "assistant": {
      const { text, refusal } = assistantText(content);
      return refusal ? { role: "assistant", content: text || null, refusal } : { role: "assistant", content: text };
    }
    case "user":
      return {
        role: "user",
        content: typeof content === "string" ? content : content.map((p, j) => userPart(p, `${param}.content[${j}]`)),
      };
    default:
      throw new TranslationError(`${param}.role: "${String(item.role)}" is not a message role`, `${param}.role`);
  }
}

/** A function call joins the assistant turn right before it (a turn may call several functions). */
function addCall(messages: ChatMessage[], item: FunctionCallItem): void {
  const last = messages.at(-1);
  const call = { id: item.call_id, type: "function" as const, function: { name: item.name, arguments: item.arguments } };
  if (last?.role === "assistant") {
    const turn: AssistantMessageParam = last;
    turn.tool_calls = [...(turn.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: "assistant", content: null, tool_calls: [call] });
}

/** The conversation as chat messages: stored history first (previous_response_id), then this request's input. */
function chatMessages(req: ResponsesRequest, history: readonly InputItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: "system", content: req.instructions });
  const input: readonly InputItem[] = typeof req.input === "string" ? [{ role: "user", content: req.input }] : (req.input ?? []);
  const items = history.length === 0 ? input : [...history, ...input];
  const offset = items.length - input.length;
  items.forEach((item, n) => {
    // Items from the store are the gateway's own writing; only the client's input is named in errors.
    const param = n >= offset ? `input[${n - offset}]` : "previous_response_id";
    const type = item.type ?? "message";
    if (type === "message") messages.push(message(item as InputMessage, param));
    else if (type === "function_call") addCall(messages, item as FunctionCallItem);
    else if (type === "function_call_output") {
      const out = item as Extract<InputItem, { type: "function_call_output" }>;
      messages.push({ role: "tool", tool_call_id: out.call_id, content: textOnly(out.output, `${param}.output`) });
    } else if (type !== "reasoning") {
      // Reasoning items carry the model's earlier thinking, which chat-completions models take no input for.
      throw new TranslationError(`${param}: "${type}" items ${NEEDS_NATIVE}`, `${param}.type`);
    }
  });
  return messages;
}

function chatTools(req: ResponsesRequest): FunctionTool[] {
  return (req.tools ?? []).map((tool, j) => {
    if (tool.type !== "function" || typeof tool.name !== "string") {
      throw new TranslationError(`tools[${j}]: "${tool.type}" tools ${NEEDS_NATIVE}; use function tools`, `tools[${j}].type`);
    }
    const fn: FunctionTool["function"] = { name: tool.name };
    if (typeof tool.description === "string") fn.description = tool.description;
    if (isRecord(tool.parameters)) fn.parameters = tool.parameters;
    if (typeof tool.strict === "boolean") fn.strict = tool.strict;
    return { type: "function", function: fn };
  });
}

function chatToolChoice(choice: ResponsesRequest["tool_choice"]): ToolChoice | undefined {
  if (choice === undefined || choice === "none" || choice === "auto" || choice === "required") return choice;
  if (isRecord(choice) && choice.type === "function" && typeof choice.name === "string") {
    return { type: "function", function: { name: choice.name } };
  }
  throw new TranslationError(`tool_choice: only auto, none, required and a named function can be translated`, "tool_choice");
}

function chatResponseFormat(req: ResponsesRequest): ResponseFormat | undefined {
  const format = req.text?.format;
  if (format?.type === "json_object") return { type: "json_object" };
  if (format?.type !== "json_schema") return undefined;
  const schema: Extract<ResponseFormat, { type: "json_schema" }>["json_schema"] = { name: format.name, schema: format.schema };
  if (typeof format.description === "string") schema.description = format.description;
  if (typeof format.strict === "boolean") schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}

/**
 * OpenAI Responses request -> OpenAI Chat Completions request, for providers that do not serve `/responses`; an
 * Anthropic provider gets it translated on from there (request-to-anthropic.ts). `history`: the items of the
 * previous responses (`previous_response_id`, from the gateway's store). `instructions` becomes the system message;
 * `text.format` the response_format; `reasoning.effort` the reasoning_effort; reasoning items and the fields chat has
 * no use for (store, metadata, truncation) are dropped; built-in tools and items Chat Completions cannot express
 * throw a TranslationError naming the field.
 */
export function responsesRequestToChat(
  req: ResponsesRequest,
  upstreamModel: string,
  history: readonly InputItem[] = [],
): ChatCompletionRequest {
  const out: ChatCompletionRequest = { model: upstreamModel, messages: chatMessages(req, history) };
  const tools = chatTools(req);
  if (tools.length > 0) {
    out.tools = tools;
    const choice = chatToolChoice(req.tool_choice);
    if (choice !== undefined) out.tool_choice = choice;
    if (typeof req.parallel_tool_calls === "boolean") out.parallel_tool_calls = req.parallel_tool_calls;
  }
  const format = chatResponseFormat(req);
  if (format) out.response_format = format;
  if (req.reasoning?.effort) out.reasoning_effort = req.reasoning.effort;
  // max_tokens, not max_completion_tokens: the field OpenAI-compatible servers know (OpenAI itself is served natively).
  if (req.max_output_tokens != null) out.max_tokens = req.max_output_tokens;
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.top_p = req.top_p;
  if (typeof req.user === "string" && req.user) out.user = req.user;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}
