import { FormatError, isNumber, isRecord, type ProviderPart } from "../../formats/check";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  ChunkDelta,
  FinishReason,
  OpenAIUsage,
  ToolCall,
} from "../../formats/openai";

/**
 * Workers AI text generation (the `AI` binding's `run(model, inputs)`), to and from OpenAI Chat Completions. Pure.
 * Older models answer `{response, tool_calls?, usage?}` and stream `data: {"response": "…"}` events; newer ones
 * answer in OpenAI's own shapes (`choices`), which pass with their missing fields filled in.
 */

/** The request fields Workers AI's text-generation models take, under OpenAI's names. */
const PASSED_FIELDS = [
  "max_tokens",
  "temperature",
  "top_p",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "response_format",
  "tools",
  "tool_choice",
  "stop",
  "reasoning_effort",
] as const;

/** Text-only content as a string (what every model takes); anything else (images) as OpenAI's parts. */
function messageFor(msg: ChatMessage): Record<string, unknown> {
  const content = msg.content;
  if (!Array.isArray(content) || !content.every((p) => p.type === "text")) return { ...msg };
  return { ...msg, content: content.map((p) => (p.type === "text" ? p.text : "")).join("") };
}

/** The binding's inputs for an OpenAI request (the model is `run`'s first argument). */
export function workersAiInputs(req: ChatCompletionRequest): Record<string, unknown> {
  const inputs: Record<string, unknown> = { messages: req.messages.map(messageFor) };
  if (req.stream === true) inputs.stream = true;
  const body = req as Record<string, unknown>;
  for (const field of PASSED_FIELDS) if (body[field] != null) inputs[field] = body[field];
  if (inputs.max_tokens === undefined && req.max_completion_tokens != null) inputs.max_tokens = req.max_completion_tokens;
  return inputs;
}

interface LegacyOutput {
  readonly response?: unknown;
  readonly tool_calls?: readonly unknown[] | null;
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number; readonly total_tokens?: number } | null;
}

/** Checks a legacy answer or event where it enters: `response` text (or JSON), tool calls, usage counts. */
function readLegacy(json: unknown, part: ProviderPart): LegacyOutput {
  if (!isRecord(json)) throw new FormatError(part, "expected an object");
  if (json.tool_calls != null && !Array.isArray(json.tool_calls)) throw new FormatError(part, "tool_calls: expected an array");
  const usage = json.usage;
  if (usage != null) {
    if (!isRecord(usage)) throw new FormatError(part, "usage: expected an object");
    for (const field of ["prompt_tokens", "completion_tokens", "total_tokens"]) {
      if (usage[field] != null && !isNumber(usage[field])) throw new FormatError(part, `usage.${field}: expected a number`);
    }
  }
  return json as LegacyOutput;
}

function usageOf(usage: LegacyOutput["usage"]): OpenAIUsage | undefined {
  if (!usage) return undefined;
  const prompt = usage.prompt_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage.total_tokens ?? prompt + completion };
}

/** A legacy tool call (`{name, arguments: object}`) or an OpenAI one, as OpenAI's. */
function toolCallOf(call: unknown, id: string): ToolCall {
  if (!isRecord(call)) throw new FormatError("answer", "tool_calls[]: expected an object");
  const fn = isRecord(call.function) ? call.function : call;
  if (typeof fn.name !== "string") throw new FormatError("answer", "tool_calls[].name: expected a string");
  const args = typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {});
  return { id: typeof call.id === "string" ? call.id : id, type: "function", function: { name: fn.name, arguments: args } };
}

function textOf(response: unknown): string {
  if (response == null) return "";
  return typeof response === "string" ? response : JSON.stringify(response);
}

/** A whole answer as an OpenAI chat.completion. */
export function workersAiAnswer(json: unknown, { model, created, id }: { model: string; created: number; id: string }): ChatCompletion {
  if (isRecord(json) && Array.isArray(json.choices)) {
    return { id, object: "chat.completion", created, model, ...json } as ChatCompletion;
  }
  const out = readLegacy(json, "answer");
  const calls = (out.tool_calls ?? []).map((call, i) => toolCallOf(call, `call_${id}_${i}`));
  const text = textOf(out.response);
  const completion: ChatCompletion = {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text === "" && calls.length > 0 ? null : text, refusal: null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
        finish_reason: calls.length > 0 ? "tool_calls" : "stop",
        logprobs: null,
      },
    ],
  };
  const usage = usageOf(out.usage);
  if (usage) completion.usage = usage;
  return completion;
}

/** Translates Workers AI stream events, one at a time, into OpenAI chunks. */
export function workersAiStream({ model, created, id }: { model: string; created: number; id: string }) {
  let usage: OpenAIUsage | undefined;
  let done = false;
  let roleSent = false;
  let calls = 0;
  let finishSent = false;
  const chunk = (delta: ChunkDelta, finish: FinishReason | null): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  return {
    /** The chunks for one event's data (`[DONE]` ends the stream). */
    event(data: unknown): ChatCompletionChunk[] {
      if (isRecord(data) && Array.isArray(data.choices)) {
        if (isRecord(data.usage)) usage = usageOf(readLegacy({ usage: data.usage }, "stream event").usage);
        if (data.choices.some((c: unknown) => isRecord(c) && c.finish_reason != null)) finishSent = true;
        return data.choices.length === 0 ? [] : [{ ...chunk({}, null), ...data, id, created, model } as ChatCompletionChunk];
      }
      const out = readLegacy(data, "stream event");
      if (out.usage) usage = usageOf(out.usage);
      const delta: ChunkDelta = roleSent ? {} : { role: "assistant" };
      roleSent = true;
      const text = textOf(out.response);
      if (text !== "") delta.content = text;
      const newCalls = (out.tool_calls ?? []).map((call, i) => ({ index: calls + i, ...toolCallOf(call, `call_${id}_${calls + i}`) }));
      if (newCalls.length > 0) delta.tool_calls = newCalls;
      calls += newCalls.length;
      return text !== "" || newCalls.length > 0 || delta.role ? [chunk(delta, null)] : [];
    },
    /** `[DONE]` came: the stream is complete. */
    finish(): void {
      done = true;
    },
    /** After the stream: the finish and usage chunks, or undefined when it never reached `[DONE]` (cut short). */
    end(): ChatCompletionChunk[] | undefined {
      if (!done) return undefined;
      const last: ChatCompletionChunk[] = finishSent ? [] : [chunk({}, calls > 0 ? "tool_calls" : "stop")];
      last.push({ ...chunk({}, null), choices: [], ...(usage ? { usage } : {}) });
      return last;
    },
  };
}
