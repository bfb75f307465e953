/**
 * The built-in `mock` provider: an OpenAI-compatible server that lives inside the Worker, so the default config
 * answers without any API key. It is reached through the same upstream call as real providers (a fetch-shaped
 * function), so translation, streaming and tracing all run for it as for a real provider.
 * Replies are deterministic: the text of the last user message, streamed word by word; embeddings are a vector of
 * eight numbers folded from each input's characters. The model `broken-stream`
 * (`mock/broken-stream`) streams its first two events and then fails like a connection reset, so the handling of a
 * provider that dies mid-stream can be seen without a network.
 */

import type { ChunkDelta, FinishReason } from "../formats/openai";
import { openaiChunk, openaiUsageChunk } from "../translate/openai-chunk";
import type { WireAdapter } from "./wire";

/** The mock model whose stream breaks after its first events. */
export const BROKEN_STREAM_MODEL = "broken-stream";
const EVENTS_BEFORE_BREAK = 2;

interface MockMessage {
  readonly role?: unknown;
  readonly content?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) =>
      typeof part === "object" && part !== null && "text" in part && typeof part.text === "string" ? part.text : "",
    )
    .join("");
}

/** A rough, deterministic token count (about four characters a token, as in English text). */
function tokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

function mockError(status: number, message: string): Response {
  return Response.json({ error: { message, type: "invalid_request_error", param: null, code: null } }, { status });
}

/** A deterministic 8-dimension vector of a text (character codes folded), the same for the same text. */
function mockVector(text: string): number[] {
  const vector = new Array<number>(8).fill(0);
  for (let i = 0; i < text.length; i++) vector[i % 8] = ((vector[i % 8] ?? 0) + text.charCodeAt(i)) % 1000;
  return vector.map((v) => v / 1000);
}

/** `POST /embeddings`: one mock vector per input text (token inputs are embedded as their JSON). */
async function mockEmbeddings(request: Request): Promise<Response> {
  let body: { model?: unknown; input?: unknown };
  try {
    body = await request.json();
  } catch {
    return mockError(400, "mock: body is not JSON");
  }
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const texts = inputs.map((input) => (typeof input === "string" ? input : JSON.stringify(input ?? "")));
  const promptTokens = texts.reduce((sum, text) => sum + tokens(text), 0);
  return Response.json({
    object: "list",
    data: texts.map((text, index) => ({ object: "embedding", index, embedding: mockVector(text) })),
    model: typeof body.model === "string" ? body.model : "echo",
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

async function mockFetch(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path.endsWith("/embeddings")) return mockEmbeddings(request);
  if (!path.endsWith("/chat/completions")) return mockError(404, "mock: unknown path");
  let body: { model?: unknown; messages?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
  try {
    body = await request.json();
  } catch {
    return mockError(400, "mock: body is not JSON");
  }
  const messages: MockMessage[] = Array.isArray(body.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const reply = lastUser ? textOf(lastUser.content) || "(empty message)" : "(no user message)";
  const model = typeof body.model === "string" ? body.model : "echo";
  const promptTokens = messages.reduce((sum, m) => sum + 4 + tokens(textOf(m.content)), 3);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: tokens(reply),
    total_tokens: promptTokens + tokens(reply),
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const id = `chatcmpl-mock-${promptTokens}-${reply.length}`;
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) {
    return Response.json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop", logprobs: null }],
      usage,
    });
  }
  const identity = { id, created, model, includeUsage: body.stream_options?.include_usage === true };
  const chunk = (delta: ChunkDelta, finish: FinishReason | null) => `data: ${JSON.stringify(openaiChunk(identity, delta, finish))}\n\n`;
  const pieces = reply.match(/\S+\s*|\s+/g) ?? [reply];
  const events = [chunk({ role: "assistant", content: "" }, null)];
  for (const piece of pieces) events.push(chunk({ content: piece }, null));
  events.push(chunk({}, "stop"));
  if (identity.includeUsage) events.push(`data: ${JSON.stringify(openaiUsageChunk(identity, usage))}\n\n`);
  events.push("data: [DONE]\n\n");
  const encoder = new TextEncoder();
  let next = 0;
  const breaks = model === BROKEN_STREAM_MODEL;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (breaks && next === EVENTS_BEFORE_BREAK) {
        controller.error(new Error("mock: connection reset mid-stream"));
        return;
      }
      const event = events[next++];
      if (event === undefined) controller.close();
      else controller.enqueue(encoder.encode(event));
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

/** The mock behind the wire seam: it answers the OpenAI request itself, at the URL the pipeline built. */
export const mockWire: WireAdapter = {
  endpoint: (provider) => `${provider.baseUrl}/chat/completions`,
  send: ({ url, init }) => mockFetch(new Request(url, init)),
};
