import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exampleFor, responsesAnswer } from "./mock-responses";

/** A request the mock provider received. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Record<string, unknown>;
}

export interface MockProvider {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Models whose response the gateway closed before it was complete (client disconnects). */
  readonly closedEarly: string[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A real HTTP server on loopback speaking the OpenAI (`/v1/chat/completions`, `/v1/responses`) and Anthropic
 * (`/v1/messages`) APIs. Behaviour is chosen by the model name the gateway sends: `fail-500`, `fail-429`,
 * `reset-mid-stream`, `stall`, `flaky-*` (503 the first time), `limited-*` (429 with `retry-after: 1` the first time);
 * any other model answers normally: with a tool call when the request offers tools and does not end with a tool's
 * result, with JSON when it asks for JSON (following the schema when there is one, else JSON_ANSWER; a forced tool's
 * input), with reasoning first when it asks for reasoning (`reasoning_effort`: `reasoning_content`; `thinking`: a
 * thinking block). `POST …/embeddings` answers one vector per input, `POST …/messages/count_tokens`
 * `{input_tokens: 12}`. Answers carry the provider's request id (`x-request-id` for OpenAI, `request-id` for
 * Anthropic).
 * Streams are paced (`chunkDelayMs`) so tests can see that chunks arrive before the stream ends.
 */
/**
 * Model `exact-bytes`: an OpenAI answer as a provider might format it, with an id past 2^53 that JSON.parse would
 * round: a pass-through gateway must hand these bytes on unchanged.
 */
export const EXACT_BYTES_ANSWER =
  '{\n  "id": "chatcmpl-exact",\n  "object": "chat.completion",\n  "created": 1700000000,\n  "model": "exact-bytes",\n' +
  '  "x_provider_seq": 12345678901234567890,\n  "choices": [{"index": 0, "message": {"role": "assistant", "content": "exact"},' +
  ' "finish_reason": "stop"}],\n  "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}\n}\n';

export async function startMockProvider(opts: { chunkDelayMs?: number } = {}): Promise<MockProvider> {
  const received: ReceivedRequest[] = [];
  const closedEarly: string[] = [];
  const delay = opts.chunkDelayMs ?? 20;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    received.push({ path: req.url ?? "", headers: req.headers, body });
    const model = String(body.model);
    res.on("close", () => {
      if (!res.writableFinished) closedEarly.push(model);
    });
    if (model === "stall") return; // never answers: for timeouts
    if (model === "garbage") {
      const stream = body.stream === true;
      res.writeHead(200, { "content-type": stream ? "text/event-stream" : "application/json" });
      res.end(stream ? "data: {not json\n\n" : "<html>oops</html>");
      return;
    }
    if (model === "stall-body") {
      res.writeHead(200, { "content-type": "text/event-stream" }); // headers, then silence
      res.flushHeaders();
      return;
    }
    // `flaky-*`: the first request for each such model fails with 503, later ones succeed.
    if (model.startsWith("flaky-") && received.filter((r) => r.body.model === model).length === 1) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ error: { message: "mock 503", type: "server_error", code: null } }));
      return;
    }
    // `limited-*`: the first request is refused with the wait the provider asks for, later ones succeed.
    if (model.startsWith("limited-") && received.filter((r) => r.body.model === model).length === 1) {
      const anthropicApi = req.url?.includes("/messages") === true;
      const payload = anthropicApi
        ? { type: "error", error: { type: "rate_limit_error", message: "mock rate limit" } }
        : { error: { message: "mock rate limit", type: "rate_limit_error", code: null } };
      res.writeHead(429, { "content-type": "application/json", "retry-after": "1", [anthropicApi ? "request-id" : "x-request-id"]: "req_limited" });
      res.end(JSON.stringify(payload));
      return;
    }
    if (model === "fail-500" || model === "fail-429") {
      const status = model === "fail-500" ? 500 : 429;
      const payload = req.url?.endsWith("/messages")
        ? { type: "error", error: { type: status === 429 ? "rate_limit_error" : "api_error", message: `mock ${status}` } }
        : { error: { message: `mock ${status}`, type: status === 429 ? "rate_limit_error" : "server_error", code: null } };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      return;
    }
    if (model === "exact-bytes" && req.url?.endsWith("/chat/completions")) {
      res.writeHead(200, { "content-type": "application/json" }).end(EXACT_BYTES_ANSWER);
      return;
    }
    if (req.url?.endsWith("/embeddings")) return embeddings(body, res);
    if (req.url?.endsWith("/messages/count_tokens")) {
      res.writeHead(200, { "content-type": "application/json", "request-id": "req_count" }).end('{"input_tokens":12}');
      return;
    }
    if (req.url?.endsWith("/chat/completions")) return openai(body, res, delay);
    if (req.url?.endsWith("/messages")) return anthropic(body, res, delay);
    if (req.url?.endsWith("/responses")) return responsesAnswer(body, res, delay);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    closedEarly,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Tools offered, and the conversation does not end with a tool's result (then the model answers in text). */
function hasTools(body: Record<string, unknown>): boolean {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return false;
  const last = (Array.isArray(body.messages) ? body.messages : []).at(-1) as { role?: unknown; content?: unknown } | undefined;
  if (last?.role === "tool") return false;
  const blocks: unknown[] = Array.isArray(last?.content) ? last.content : [];
  return !blocks.some((b) => (b as { type?: unknown }).type === "tool_result");
}

/** The JSON a model answers a request for JSON with: following its schema (OpenAI or Anthropic), else JSON_ANSWER. */
function jsonText(body: Record<string, unknown>): string {
  const format = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === "json_schema") return JSON.stringify(exampleFor(format.json_schema?.schema));
  const output = (body.output_config as { format?: { type?: string; schema?: unknown } } | undefined)?.format;
  if (output?.type === "json_schema") return JSON.stringify(exampleFor(output.schema));
  return JSON.stringify(JSON_ANSWER);
}

/** What the mock answers a request for JSON (its schema, when there is one, is `{city: string}`). */
export const JSON_ANSWER = { city: "Paris" };

/** The tool a request forces (Anthropic `tool_choice: {type: "tool"}`, OpenAI a named function), if any. */
function forcedTool(body: Record<string, unknown>): string | undefined {
  const choice = body.tool_choice as { type?: string; name?: string; function?: { name?: string } } | undefined;
  return choice?.type === "tool" ? choice.name : choice?.type === "function" ? choice.function?.name : undefined;
}

/** The tool the mock calls: the forced one, else the first offered (Anthropic `name`, OpenAI `function.name`). */
function toolToCall(body: Record<string, unknown>): string {
  const first = (body.tools as { name?: string; function?: { name?: string } }[] | undefined)?.[0];
  return forcedTool(body) ?? first?.name ?? first?.function?.name ?? "get_weather";
}

const wantsJson = (body: Record<string, unknown>) => body.response_format !== undefined || body.output_config !== undefined;

function embeddings(body: Record<string, unknown>, res: ServerResponse): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  // The openai SDK asks for base64 (little-endian float32s) and decodes it; others get the numbers.
  const vector = (index: number) => [0.5, -0.25, index];
  const base64 = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString("base64");
  const data = inputs.map((_, index) => ({
    object: "embedding",
    index,
    embedding: body.encoding_format === "base64" ? base64(vector(index)) : vector(index),
  }));
  const answer = { object: "list", data, model: String(body.model), usage: { prompt_tokens: 3 * inputs.length, total_tokens: 3 * inputs.length } };
  res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_embed" }).end(JSON.stringify(answer));
}

async function openai(body: Record<string, unknown>, res: ServerResponse, delay: number): Promise<void> {
  const base = { id: "chatcmpl-upstream-1", created: 1_700_000_000, model: `${String(body.model)}-2025-01-01` };
  const usage = {
    prompt_tokens: 12,
    completion_tokens: 5,
    total_tokens: 17,
    prompt_tokens_details: { cached_tokens: 2 },
    completion_tokens_details: { reasoning_tokens: 1 },
  };
  const tool = hasTools(body) && !wantsJson(body);
  const toolName = toolToCall(body);
  const text = wantsJson(body) ? jsonText(body) : "Hello from openai mock";
  const reasoning = body.reasoning_effort !== undefined ? { reasoning_content: "Thinking it over." } : {};
  if (body.stream !== true) {
    const message = tool
      ? { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: toolName, arguments: '{"city":"Paris"}' } }] }
      : { role: "assistant", content: text, ...reasoning };
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_openai" });
    res.end(JSON.stringify({ ...base, object: "chat.completion", choices: [{ index: 0, message, finish_reason: tool ? "tool_calls" : "stop" }], usage }));
    return;
  }
  const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (delta: object, finish: string | null) => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
  });
  const deltas: object[] = tool
    ? [
        { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: toolName, arguments: "" } }] },
        { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      ]
    : String(body.model) === "slow-stream"
      ? Array.from({ length: 20 }, (_, i) => ({ content: `${i} ` }))
      : wantsJson(body)
        ? [{ role: "assistant", content: "" }, { content: text.slice(0, 5) }, { content: text.slice(5) }]
        : [{ role: "assistant", content: "", ...reasoning }, { content: "Hello" }, { content: " from" }, { content: " openai mock" }];
  res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "req_openai" });
  for (const [i, delta] of deltas.entries()) {
    res.write(`data: ${JSON.stringify(chunk(delta, null))}\n\n`);
    await sleep(String(body.model) === "slow-stream" ? 100 : delay);
    if (res.destroyed) return;
    if (String(body.model) === "reset-mid-stream" && i === 1) {
      res.destroy();
      return;
    }
  }
  res.write(`data: ${JSON.stringify(chunk({}, tool ? "tool_calls" : "stop"))}\n\n`);
  if (withUsage) res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

async function anthropic(body: Record<string, unknown>, res: ServerResponse, delay: number): Promise<void> {
  const model = `${String(body.model)}-20250101`;
  const usage = { input_tokens: 10, output_tokens: 6, cache_read_input_tokens: 3, cache_creation_input_tokens: 0 };
  const tool = hasTools(body) && (forcedTool(body) !== undefined || !wantsJson(body));
  const toolName = toolToCall(body);
  const text = wantsJson(body) ? jsonText(body) : "Hello from anthropic mock";
  const thinking = body.thinking !== undefined ? [{ type: "thinking", thinking: "Thinking it over.", signature: "sig_mock" }] : [];
  const content = tool
    ? [...thinking, { type: "tool_use", id: "toolu_1", name: toolName, input: { city: "Paris" } }]
    : [...thinking, { type: "text", text }];
  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json", "request-id": "req_anthropic" });
    res.end(JSON.stringify({ id: "msg_upstream_1", type: "message", role: "assistant", model, content, stop_reason: tool ? "tool_use" : "end_turn", stop_sequence: null, usage }));
    return;
  }
  const at = thinking.length;
  const events: object[] = [
    { type: "message_start", message: { id: "msg_upstream_1", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } },
    ...(thinking.length > 0
      ? [
          { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Thinking it over." } },
          { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig_mock" } },
          { type: "content_block_stop", index: 0 },
        ]
      : []),
    ...(tool
      ? [
          { type: "content_block_start", index: at, content_block: { type: "tool_use", id: "toolu_1", name: toolName, input: {} } },
          { type: "content_block_delta", index: at, delta: { type: "input_json_delta", partial_json: '{"city":' } },
          { type: "content_block_delta", index: at, delta: { type: "input_json_delta", partial_json: '"Paris"}' } },
        ]
      : [
          { type: "content_block_start", index: at, content_block: { type: "text", text: "" } },
          { type: "ping" },
          { type: "content_block_delta", index: at, delta: { type: "text_delta", text: text.slice(0, 5) } },
          { type: "content_block_delta", index: at, delta: { type: "text_delta", text: text.slice(5) } },
        ]),
    { type: "content_block_stop", index: at },
    { type: "message_delta", delta: { stop_reason: tool ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: 6 } },
    { type: "message_stop" },
  ];
  res.writeHead(200, { "content-type": "text/event-stream", "request-id": "req_anthropic" });
  for (const event of events) {
    res.write(`event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`);
    await sleep(delay);
  }
  res.end();
}
