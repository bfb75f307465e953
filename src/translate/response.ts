import type { AnthropicMessage, ContentBlock } from "../formats/anthropic";
import type { ReceivedMessage } from "../formats/anthropic-read";
import type { ChatCompletion, ResponseMessage, ToolCall } from "../formats/openai";
import type { ReceivedCompletion } from "../formats/openai-read";
import {
  anthropicUsageFromOpenai,
  reasoningOf,
  finishReasonFromStop,
  openaiUsageFromAnthropic,
  parseToolArguments,
  stopReasonFor,
} from "./shared";

/**
 * Anthropic Message -> OpenAI ChatCompletion. The upstream `msg_…` id is kept as it is (it correlates with the
 * provider's logs); `model` is the model the client asked for. Thinking text goes to `message.reasoning_content`
 * (the field OpenAI-compatible servers use for it); its signature and redacted thinking are dropped.
 * `created` is the Unix time in seconds to report, passed in to keep this function pure. `jsonTool`: the tool
 * that carries a JSON-mode answer, whose input becomes the message's text (finish_reason `stop`).
 */
export function anthropicResponseToOpenai(
  msg: ReceivedMessage,
  clientModel: string,
  created = 0,
  jsonTool?: string,
): ChatCompletion {
  let text = "";
  let reasoning = "";
  let jsonAnswer = false;
  const calls: ToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "thinking") reasoning += block.thinking;
    else if (block.type === "tool_use" && block.name === jsonTool) {
      // JSON mode's answer (json-mode.ts): the tool's input is the JSON object the client asked for.
      text += JSON.stringify(block.input);
      jsonAnswer = true;
    } else if (block.type === "tool_use") {
      const args = JSON.stringify(block.input);
      calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: args } });
    }
    // Server-tool blocks (web search results, …) have no OpenAI form and are skipped.
  }
  const message: ResponseMessage = { role: "assistant", content: text || (calls.length > 0 ? null : ""), refusal: null };
  if (calls.length > 0) message.tool_calls = calls;
  if (reasoning) message.reasoning_content = reasoning;
  return {
    id: msg.id,
    object: "chat.completion",
    created,
    model: clientModel,
    choices: [{ index: 0, message, finish_reason: jsonAnswer && calls.length === 0 ? "stop" : (finishReasonFromStop(msg.stop_reason) ?? "stop"), logprobs: null }],
    usage: openaiUsageFromAnthropic(msg.usage),
  };
}

/**
 * OpenAI ChatCompletion -> Anthropic Message (first choice). The upstream `chatcmpl-…` id is kept as it is;
 * `model` is the model the client asked for. A refusal becomes a text block with stop_reason `refusal`;
 * tool-call arguments that are not a JSON object become `{}` (see parseToolArguments).
 * `reasoning_content` (DeepSeek) or `reasoning` (Groq, OpenRouter) becomes a thinking block with an empty signature.
 */
export function openaiResponseToAnthropic(res: ReceivedCompletion, clientModel: string): AnthropicMessage {
  const choice = res.choices[0];
  const message = choice?.message;
  const content: ContentBlock[] = [];
  const refusal = typeof message?.refusal === "string" && message.refusal !== "";
  const reasoning = reasoningOf(message);
  // First, as Anthropic puts thinking. No signature: the reasoning is not Claude's, so Anthropic could not verify it.
  if (reasoning) content.push({ type: "thinking", thinking: reasoning, signature: "" });
  if (typeof message?.content === "string" && message.content) content.push({ type: "text", text: message.content });
  else if (refusal && message?.refusal) content.push({ type: "text", text: message.refusal });
  let calls = 0;
  for (const call of message?.tool_calls ?? []) {
    // Only function calls have an Anthropic form; the reader checked `function` for them.
    if (call.type !== "function" || !call.function) continue;
    calls++;
    const input = parseToolArguments(call.function.arguments);
    content.push({ type: "tool_use", id: call.id, name: call.function.name, input });
  }
  return {
    id: res.id,
    type: "message",
    role: "assistant",
    model: clientModel,
    content,
    stop_reason: stopReasonFor(choice?.finish_reason, calls > 0, refusal),
    stop_sequence: null,
    usage: anthropicUsageFromOpenai(res.usage),
  };
}
