import type {
  AssistantMessageParam,
  ChatCompletionRequest,
  ChatMessage,
  TextPart,
  ToolMessage,
  UserContentPart,
} from "../../formats/openai";
import { TranslationError } from "../../translate/errors";
import { parseDataUrl, parseToolArguments } from "../../translate/shared";
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiRequest } from "./types";

/** Thinking budgets (tokens) for OpenAI's `reasoning_effort` levels; `none` turns thinking off. */
const THINKING_BUDGETS: Readonly<Record<string, number>> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576 };

function textOf(content: string | readonly TextPart[] | null | undefined): string {
  if (content == null) return "";
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

function mediaPart(url: string, param: string): GeminiPart {
  const data = url.startsWith("data:") ? parseDataUrl(url) : undefined;
  if (data) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  if (/^(https?|gs):\/\//.test(url)) return { fileData: { fileUri: url } };
  throw new TranslationError(`${param}: expected an http(s) or gs:// URL or a base64 data: URL`, param);
}

function userParts(content: string | readonly UserContentPart[], i: number): GeminiPart[] {
  if (typeof content === "string") return [{ text: content }];
  return content.map((part, j): GeminiPart => {
    const param = `messages[${i}].content[${j}]`;
    switch (part.type) {
      case "text":
        return { text: part.text };
      case "image_url":
        return mediaPart(part.image_url.url, param);
      case "input_audio":
        return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
      case "file":
        if (part.file.file_data) return mediaPart(part.file.file_data, param);
        throw new TranslationError(`${param}: only files sent as data (file_data) reach a Gemini provider`, param);
      default:
        throw new TranslationError(`${param}: content part type cannot be sent to a Gemini provider`, param);
    }
  });
}

function modelParts(msg: AssistantMessageParam): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text = typeof msg.content === "string" ? msg.content : (msg.content ?? []).map((p) => (p.type === "text" ? p.text : "")).join("");
  if (text !== "") parts.push({ text });
  for (const call of msg.tool_calls ?? []) {
    parts.push({ functionCall: { id: call.id, name: call.function.name, args: parseToolArguments(call.function.arguments) } });
  }
  return parts;
}

/** Gemini answers a function call by name; OpenAI by the call's id, so the name comes from the call itself. */
function functionResponse(msg: ToolMessage, names: ReadonlyMap<string, string>, i: number): GeminiPart {
  const name = names.get(msg.tool_call_id);
  if (name === undefined) {
    const param = `messages[${i}].tool_call_id`;
    throw new TranslationError(`${param}: no earlier assistant tool call has this id`, param);
  }
  return { functionResponse: { id: msg.tool_call_id, name, response: { result: textOf(msg.content) } } };
}

/** Gemini wants turns to alternate: parts of consecutive messages of one role join one turn. */
function append(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function conversation(messages: readonly ChatMessage[]): Pick<GeminiRequest, "contents" | "systemInstruction"> {
  const contents: GeminiContent[] = [];
  const system: { text: string }[] = [];
  const callNames = new Map<string, string>();
  messages.forEach((msg, i) => {
    if (msg.role === "system" || msg.role === "developer") system.push({ text: textOf(msg.content) });
    else if (msg.role === "user") append(contents, "user", userParts(msg.content, i));
    else if (msg.role === "assistant") {
      for (const call of msg.tool_calls ?? []) callNames.set(call.id, call.function.name);
      append(contents, "model", modelParts(msg));
    } else if (msg.role === "tool") append(contents, "user", [functionResponse(msg, callNames, i)]);
  });
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

function tools(req: ChatCompletionRequest): Pick<GeminiRequest, "tools" | "toolConfig"> {
  const out: Pick<GeminiRequest, "tools" | "toolConfig"> = {};
  if (req.tools && req.tools.length > 0) {
    const declarations = req.tools.map((tool, j) => {
      if (tool.type !== "function") {
        throw new TranslationError(`tools[${j}]: only function tools can be sent to a Gemini provider`, `tools[${j}]`);
      }
      const { name, description, parameters } = tool.function;
      return { name, ...(description === undefined ? {} : { description }), ...(parameters === undefined ? {} : { parametersJsonSchema: parameters }) };
    });
    out.tools = [{ functionDeclarations: declarations }];
  }
  const choice = req.tool_choice;
  if (choice === "none") out.toolConfig = { functionCallingConfig: { mode: "NONE" } };
  else if (choice === "required") out.toolConfig = { functionCallingConfig: { mode: "ANY" } };
  else if (typeof choice === "object") {
    out.toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  }
  return out;
}

function generationConfig(req: ChatCompletionRequest): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) config.maxOutputTokens = max;
  if (req.stop != null) config.stopSequences = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (req.n != null && req.n !== 1) config.candidateCount = req.n;
  if (req.seed != null) config.seed = req.seed;
  if (req.presence_penalty != null) config.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) config.frequencyPenalty = req.frequency_penalty;
  const format = req.response_format;
  if (format?.type === "json_object") config.responseMimeType = "application/json";
  else if (format?.type === "json_schema") {
    config.responseMimeType = "application/json";
    if (format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
  }
  const budget = req.reasoning_effort == null ? undefined : THINKING_BUDGETS[req.reasoning_effort];
  if (budget !== undefined) config.thinkingConfig = { thinkingBudget: budget };
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * An OpenAI Chat Completions request as a Gemini generateContent body (the model goes in the URL): system and
 * developer messages become `systemInstruction`, turns `contents` (assistant = `model`, tool results
 * `functionResponse` parts of a user turn), function tools `functionDeclarations` with their JSON Schema, and the
 * sampling fields `generationConfig`. Pure; a request Gemini cannot express is a TranslationError naming the field.
 */
export function openaiRequestToGemini(req: ChatCompletionRequest): GeminiRequest {
  const body: GeminiRequest = { ...conversation(req.messages), ...tools(req) };
  const config = generationConfig(req);
  if (config) body.generationConfig = config;
  return body;
}
