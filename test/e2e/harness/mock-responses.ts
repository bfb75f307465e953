import type { ServerResponse } from "node:http";

// The mock provider's OpenAI Responses API (`/v1/responses`), in the wire format of the openai SDK's type
// definitions (resources/responses/responses.d.ts): a response object, or its typed event stream. And the answers
// the mock's chat and messages endpoints give when a request asks for structured output.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Json = Record<string, unknown>;

/** A value that satisfies a (simple) JSON schema: what a model asked for structured output would write. */
export function exampleFor(schema: unknown): unknown {
  const s = (schema ?? {}) as Json;
  if (s.type === "object" || s.properties) {
    const out: Json = {};
    for (const [key, value] of Object.entries((s.properties ?? {}) as Json)) out[key] = exampleFor(value);
    return out;
  }
  if (s.type === "array") return [exampleFor(s.items)];
  if (s.type === "number" || s.type === "integer") return 21;
  if (s.type === "boolean") return true;
  if (Array.isArray(s.enum)) return s.enum[0];
  return "Paris";
}

/** The JSON schema a Responses request asks its text to follow (`text.format`), if any. */
function requestedSchema(body: Json): unknown {
  const format = (body.text as { format?: Json } | undefined)?.format;
  if (format?.type === "json_schema") return format.schema ?? {};
  return format?.type === "json_object" ? {} : undefined;
}

/** Whether the model should call a tool: tools offered, and the conversation does not end with a tool's output. */
function wantsToolCall(body: Json): boolean {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return false;
  const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
  return input.at(-1)?.type !== "function_call_output";
}

function responseObject(body: Json, status: string, output: Json[]): Json {
  return {
    id: "resp_mock_1",
    object: "response",
    created_at: 1_700_000_000,
    status,
    model: `${String(body.model)}-2025-01-01`,
    output,
    usage:
      status === "completed"
        ? { input_tokens: 12, input_tokens_details: { cached_tokens: 2 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 17 }
        : null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    previous_response_id: body.previous_response_id ?? null,
    parallel_tool_calls: true,
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    temperature: null,
    top_p: null,
    metadata: {},
    text: body.text ?? { format: { type: "text" } },
    reasoning: null,
    store: body.store !== false,
  };
}

/** `/v1/responses`: a text answer (JSON when structured output is asked for), or a get_weather call. */
export async function responsesAnswer(body: Json, res: ServerResponse, delay: number): Promise<void> {
  const schema = requestedSchema(body);
  const text = schema === undefined ? "Hello from responses mock" : JSON.stringify(exampleFor(schema));
  const call = { type: "function_call", id: "fc_mock_1", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' };
  const message = { type: "message", id: "msg_mock_1", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] };
  const item: Json = wantsToolCall(body) ? { ...call, status: "completed" } : { ...message, status: "completed" };
  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(responseObject(body, "completed", [item])));
    return;
  }
  let seq = 0;
  const events: Json[] = [
    { type: "response.created", response: responseObject(body, "in_progress", []) },
    { type: "response.in_progress", response: responseObject(body, "in_progress", []) },
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", ...(item.type === "message" ? { content: [] } : { arguments: "" }) } },
  ];
  if (item.type === "message") {
    const at = { item_id: "msg_mock_1", output_index: 0, content_index: 0 };
    events.push({ type: "response.content_part.added", ...at, part: { type: "output_text", text: "", annotations: [] } });
    for (const piece of text.match(/.{1,8}/gs) ?? []) events.push({ type: "response.output_text.delta", ...at, delta: piece, logprobs: [] });
    events.push({ type: "response.output_text.done", ...at, text, logprobs: [] });
    events.push({ type: "response.content_part.done", ...at, part: { type: "output_text", text, annotations: [] } });
  } else {
    const at = { item_id: "fc_mock_1", output_index: 0 };
    events.push({ type: "response.function_call_arguments.delta", ...at, delta: '{"city":' });
    events.push({ type: "response.function_call_arguments.delta", ...at, delta: '"Paris"}' });
    events.push({ type: "response.function_call_arguments.done", ...at, arguments: '{"city":"Paris"}' });
  }
  events.push({ type: "response.output_item.done", output_index: 0, item });
  events.push({ type: "response.completed", response: responseObject(body, "completed", [item]) });
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of events) {
    res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: seq++ })}\n\n`);
    await sleep(delay);
  }
  res.end();
}
