import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the provider received. */
export interface ProviderCall {
  readonly model: string;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
}

export interface RetryProvider {
  readonly url: string;
  readonly calls: ProviderCall[];
  /** The calls that named `model`. */
  callsFor(model: string): ProviderCall[];
  close(): Promise<void>;
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-retry",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "retry",
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })}\n\n`;

/**
 * A provider on loopback, speaking the OpenAI wire format, that asks to be retried later. It records every call; the
 * model name picks the behaviour:
 * - `busy-once-<n>`: the first call answers 429 with `Retry-After: <n>` (seconds), later calls stream
 *   "second attempt";
 * - `busy-<n>`: every call answers 429 with `Retry-After: <n>`;
 * - anything else answers "ok".
 * Answers stream (in two chunks for "second attempt") when the request asks for a stream, else are one JSON body.
 */
export async function startRetryProvider(): Promise<RetryProvider> {
  const calls: ProviderCall[] = [];
  const callsFor = (model: string) => calls.filter((c) => c.model === model);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const piece of req) chunks.push(piece as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { model?: unknown; stream?: unknown };
    const model = String(body.model);
    calls.push({ model, at: Date.now() });
    const busy = /^busy-(once-)?(\d+)$/.exec(model);
    if (busy && (busy[1] === undefined || callsFor(model).length === 1)) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": busy[2] });
      res.end(JSON.stringify({ error: { message: `slow down (${model})`, type: "rate_limit_error", code: null } }));
      return;
    }
    const text = busy ? "second attempt" : "ok";
    if (body.stream !== true) {
      res.writeHead(200, { "content-type": "application/json" });
      const message = { role: "assistant", content: text };
      const choices = [{ index: 0, message, finish_reason: "stop" }];
      res.end(JSON.stringify({ id: "chatcmpl-retry", object: "chat.completion", created: 1_700_000_000, model: "retry", choices }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk(busy ? "second" : "ok"));
    res.end(`${busy ? chunk(" attempt") : ""}${chunk("", "stop")}data: [DONE]\n\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    callsFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
