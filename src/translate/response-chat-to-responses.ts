import type { ReceivedCompletion, ReceivedUsage } from "../formats/openai-read";
import type {
  FunctionCallItem,
  OutputItem,
  OutputMessage,
  ReasoningItem,
  ResponseObject,
  ResponsesRequest,
  ResponsesUsage,
  ResponseStatus,
} from "../formats/responses";

/** What a translated response states besides the model's output: chosen by the codec, so translation stays pure. */
export interface ResponseContext {
  /** The response id the gateway gave it (`resp_…`); item ids derive from it. */
  readonly id: string;
  /** Unix seconds. */
  readonly createdAt: number;
  /** The model the client asked for. */
  readonly model: string;
  readonly request: ResponsesRequest;
}

/** Output item ids derived from the response id: `msg_<id>`, `rs_<id>`, `fc_<id>_<n>`. */
export function itemId(ctx: ResponseContext, prefix: "msg" | "rs" | "fc", n?: number): string {
  const base = `${prefix}_${ctx.id.replace(/^resp_/, "")}`;
  return n === undefined ? base : `${base}_${n}`;
}

/** Chat usage -> Responses usage: cached tokens stay part of input_tokens, reasoning tokens of output_tokens. */
export function responsesUsage(usage: ReceivedUsage | null | undefined): ResponsesUsage | null {
  if (!usage) return null;
  const input = usage.prompt_tokens;
  const output = usage.completion_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: input + output,
  };
}

/** Chat finish_reason -> the response's status and why it is incomplete. */
export function statusOf(finish: string | null | undefined): Pick<ResponseObject, "status" | "incomplete_details"> {
  if (finish === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** The response object around `output`: the request's settings echoed as the Responses API does. */
export function responseShell(
  ctx: ResponseContext,
  status: ResponseStatus,
  output: OutputItem[],
  usage: ResponsesUsage | null,
): ResponseObject {
  const req = ctx.request;
  return {
    id: ctx.id,
    object: "response",
    created_at: ctx.createdAt,
    status,
    model: ctx.model,
    output,
    usage,
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    previous_response_id: req.previous_response_id ?? null,
    store: req.store !== false,
    parallel_tool_calls: req.parallel_tool_calls !== false,
    tool_choice: req.tool_choice ?? "auto",
    tools: req.tools ?? [],
    temperature: req.temperature ?? null,
    top_p: req.top_p ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    metadata: req.metadata ?? {},
    text: req.text ?? { format: { type: "text" } },
    reasoning: req.reasoning ?? null,
  };
}

export function reasoningItem(ctx: ResponseContext, text: string): ReasoningItem {
  return { type: "reasoning", id: itemId(ctx, "rs"), summary: [{ type: "summary_text", text }] };
}

export function messageItem(ctx: ResponseContext, text: string, refusal: string, status: OutputMessage["status"]): OutputMessage {
  const content: OutputMessage["content"] = [];
  if (text || !refusal) content.push({ type: "output_text", text, annotations: [], logprobs: [] });
  if (refusal) content.push({ type: "refusal", refusal });
  return { type: "message", id: itemId(ctx, "msg"), role: "assistant", status, content };
}

/** All output_text of a response joined (the SDKs' `output_text` convenience, also sent by the API). */
export function outputText(output: readonly OutputItem[]): string {
  let text = "";
  for (const item of output) {
    if (item.type !== "message") continue;
    for (const part of item.content) if (part.type === "output_text") text += part.text;
  }
  return text;
}

/**
 * OpenAI ChatCompletion (first choice) -> Responses response object: thinking (`reasoning_content`) as a reasoning
 * item with a summary, the text (and refusal) as one message, each tool call as a function_call item. finish_reason
 * `length` / `content_filter` make the response `incomplete`.
 */
export function chatResponseToResponses(res: ReceivedCompletion, ctx: ResponseContext): ResponseObject {
  const choice = res.choices[0];
  const msg = choice?.message;
  const output: OutputItem[] = [];
  if (msg?.reasoning_content) output.push(reasoningItem(ctx, msg.reasoning_content));
  const text = msg?.content ?? "";
  const refusal = msg?.refusal ?? "";
  const calls = (msg?.tool_calls ?? []).filter((c) => c.type === "function" && c.function);
  if (text || refusal || calls.length === 0) output.push(messageItem(ctx, text, refusal, "completed"));
  calls.forEach((call, n) => {
    const fn = call.function ?? { name: "", arguments: "" };
    const item: FunctionCallItem = {
      type: "function_call",
      id: itemId(ctx, "fc", n),
      call_id: call.id,
      name: fn.name,
      arguments: fn.arguments,
      status: "completed",
    };
    output.push(item);
  });
  const { status, incomplete_details } = statusOf(choice?.finish_reason);
  return { ...responseShell(ctx, status, output, responsesUsage(res.usage)), incomplete_details, output_text: outputText(output) };
}
