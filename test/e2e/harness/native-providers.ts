import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Providers on loopback that speak their real wire formats, for the wire adapters and URL shapes of issue 15:
 * - Azure OpenAI: `POST /openai/deployments/{deployment}/chat/completions?api-version=…` and
 *   `POST /openai/v1/chat/completions`, key in `api-key` (or an Entra token as `Authorization: Bearer`);
 * - Gemini API: `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`, key in
 *   `x-goog-api-key`;
 * - Vertex AI: `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:…`, a bearer token the OAuth
 *   endpoint `POST /token` handed out for a JWT assertion (RFC 7523), which it records for the test to verify.
 * A model named `fail-429` answers Google's or OpenAI's 429 with `retry-after: 1`. `GET /received` lists every
 * request (method, path with query, headers, body), `GET /assertions` the JWTs the token endpoint received.
 */

export interface NativeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

export interface NativeProviders {
  readonly url: string;
  readonly received: NativeRequest[];
  close(): Promise<void>;
}

/** The token the OAuth endpoint hands out, and the counts every answer reports. */
export const VERTEX_TOKEN = "ya29.loopback-token";
export const GEMINI_USAGE = { promptTokenCount: 12, candidatesTokenCount: 5, cachedContentTokenCount: 4, thoughtsTokenCount: 3, totalTokenCount: 20 };
export const AZURE_USAGE = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, prompt_tokens_details: { cached_tokens: 2 } };

function lastUserText(contents: unknown): string {
  if (!Array.isArray(contents)) return "";
  const users = contents.filter((c: { role?: string }) => c.role === "user");
  const parts = (users.at(-1) as { parts?: { text?: string }[]; content?: unknown } | undefined)?.parts ?? [];
  return parts.map((p) => p.text ?? "").join("");
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function googleError(res: ServerResponse, status: number, message: string, code: string): void {
  json(res, status, { error: { code: status, message, status: code } }, status === 429 ? { "retry-after": "1" } : {});
}

/** Gemini's answer: text echoing the prompt, or a function call when tools were offered. */
function geminiAnswer(res: ServerResponse, model: string, body: Record<string, unknown>, streaming: boolean): void {
  const tools = Array.isArray(body.tools) && body.tools.length > 0;
  const text = `native ${model}: ${lastUserText(body.contents)}`;
  const base = { modelVersion: `${model}-001`, responseId: "resp-native-1" };
  if (!streaming) {
    const parts = tools ? [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] : [{ text }];
    json(res, 200, { candidates: [{ index: 0, content: { role: "model", parts }, finishReason: "STOP" }], usageMetadata: GEMINI_USAGE, ...base });
    return;
  }
  const half = Math.floor(text.length / 2);
  const events = tools
    ? [{ candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] }, finishReason: "STOP" }], usageMetadata: GEMINI_USAGE, ...base }]
    : [
        { candidates: [{ content: { role: "model", parts: [{ text: text.slice(0, half) }] } }], usageMetadata: { promptTokenCount: 12 }, ...base },
        { candidates: [{ content: { role: "model", parts: [{ text: text.slice(half) }] }, finishReason: "STOP" }], usageMetadata: GEMINI_USAGE, ...base },
      ];
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join(""));
}

/** Azure's answer: OpenAI Chat Completions, echoing the deployment (or the `/openai/v1` form's model). */
function azureAnswer(res: ServerResponse, deployment: string, body: Record<string, unknown>): void {
  const messages = Array.isArray(body.messages) ? (body.messages as { role: string; content: unknown }[]) : [];
  const text = `azure ${deployment}: ${String(messages.filter((m) => m.role === "user").at(-1)?.content ?? "")}`;
  const base = { id: "chatcmpl-azure-1", created: 1, model: deployment };
  if (body.stream !== true) {
    const choice = { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" };
    json(res, 200, { ...base, object: "chat.completion", choices: [choice], usage: AZURE_USAGE });
    return;
  }
  const chunk = (delta: object, finish: string | null) => ({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  const events: object[] = [chunk({ role: "assistant", content: text }, null), chunk({}, "stop")];
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
    events.push({ ...base, object: "chat.completion.chunk", choices: [], usage: AZURE_USAGE });
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end(`${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`);
}

const GEMINI = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const VERTEX = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const AZURE = /^\/openai\/(?:deployments\/([^/]+)|v1)\/chat\/completions$/;

function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  const url = new URL(req.url ?? "/", "http://loopback");
  const streaming = url.searchParams.get("alt") === "sse";
  let match: RegExpExecArray | null;
  if ((match = GEMINI.exec(url.pathname))) {
    const model = decodeURIComponent(match[1] ?? "");
    if (req.headers["x-goog-api-key"] !== "gemini-loopback-key") return googleError(res, 403, "API key not valid", "PERMISSION_DENIED");
    if (model === "fail-429") return googleError(res, 429, "Resource has been exhausted", "RESOURCE_EXHAUSTED");
    return geminiAnswer(res, model, body, streaming && match[2] === "streamGenerateContent");
  }
  if ((match = VERTEX.exec(url.pathname))) {
    if (req.headers.authorization !== `Bearer ${VERTEX_TOKEN}`) return googleError(res, 401, "Request had invalid authentication credentials", "UNAUTHENTICATED");
    return geminiAnswer(res, decodeURIComponent(match[3] ?? ""), body, streaming && match[4] === "streamGenerateContent");
  }
  if ((match = AZURE.exec(url.pathname))) {
    const keyed = req.headers["api-key"] === "azure-loopback-key" || req.headers.authorization === "Bearer entra-loopback-token";
    if (!keyed) return json(res, 401, { error: { code: "401", message: "Access denied due to invalid subscription key." } });
    const deployment = match[1] === undefined ? String(body.model) : decodeURIComponent(match[1]);
    if (deployment === "fail-429") return json(res, 429, { error: { code: "429", message: "Rate limit reached" } }, { "retry-after": "1" });
    return azureAnswer(res, deployment, body);
  }
  res.writeHead(404, { "content-type": "text/plain" }).end(`no native route for ${url.pathname}`);
}

export async function startNativeProviders(): Promise<NativeProviders> {
  const received: NativeRequest[] = [];
  const assertions: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (req.method === "GET" && req.url === "/received") return json(res, 200, received);
    if (req.method === "GET" && req.url === "/assertions") return json(res, 200, assertions);
    if (req.url === "/token") {
      const form = new URLSearchParams(text);
      if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return json(res, 400, { error: "unsupported_grant_type" });
      assertions.push(form.get("assertion") ?? "");
      return json(res, 200, { access_token: VERTEX_TOKEN, expires_in: 3600, token_type: "Bearer" });
    }
    const body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
    route(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
