// The benchmark's upstream: an OpenAI Chat Completions mock on loopback (Node http, keep-alive).
// The model name picks the behaviour, so every system under test forwards the same request unchanged:
//   "zero"    answers a chat.completion at once (the floor every gateway is measured against)
//   "latency" answers the same chat.completion after a fixed 50 ms
//   "openai-headers" answers it at once with the headers OpenAI's API sends besides (request id, rate limits,
//             Cloudflare's, cookies: 22 in all), to price what a real provider's headers cost a gateway
//   any model with "stream": true  sends 64 chat.completion.chunk events 20 ms apart, then [DONE]
import { createServer } from "node:http";

export const STREAM_CHUNKS = 64;
export const STREAM_INTERVAL_MS = 20;
export const FIXED_LATENCY_MS = 50;

/** The headers an OpenAI chat completion carries beside content-type and length (values made up, names as sent). */
const OPENAI_HEADERS = {
  date: "Mon, 30 Nov 2026 12:00:00 GMT",
  "access-control-expose-headers": "X-Request-ID",
  "openai-organization": "org-bench",
  "openai-processing-ms": "312",
  "openai-project": "proj_bench",
  "openai-version": "2020-10-01",
  "x-envoy-upstream-service-time": "316",
  "x-ratelimit-limit-requests": "10000",
  "x-ratelimit-limit-tokens": "30000000",
  "x-ratelimit-remaining-requests": "9999",
  "x-ratelimit-remaining-tokens": "29999990",
  "x-ratelimit-reset-requests": "6ms",
  "x-ratelimit-reset-tokens": "0s",
  "x-request-id": "req_0123456789abcdef0123456789abcdef",
  "strict-transport-security": "max-age=31536000; includeSubDomains; preload",
  "cf-cache-status": "DYNAMIC",
  "set-cookie": ["__cf_bm=bench; path=/; HttpOnly; Secure; SameSite=None", "_cfuvid=bench; path=/; HttpOnly; Secure; SameSite=None"],
  "x-content-type-options": "nosniff",
  server: "cloudflare",
  "cf-ray": "8f0000000000000a-IAD",
  "alt-svc": 'h3=":443"; ma=86400',
};

const completion = (model) =>
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, message: { role: "assistant", content: "Hello from the benchmark mock." }, finish_reason: "stop", logprobs: null },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
  });

const chunk = (model, delta, finish) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  })}\n\n`;

function stream(res, model) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let i = 0;
  const tick = () => {
    if (res.destroyed) return;
    if (i === 0) res.write(chunk(model, { role: "assistant", content: "" }, null));
    else if (i < STREAM_CHUNKS - 1) res.write(chunk(model, { content: `tok${i} ` }, null));
    else {
      res.write(chunk(model, {}, "stop"));
      res.write(
        `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model, choices: [], usage: { prompt_tokens: 9, completion_tokens: 62, total_tokens: 71 } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
      return;
    }
    i++;
    setTimeout(tick, STREAM_INTERVAL_MS);
  };
  tick();
}

/** Starts the mock on 127.0.0.1 (ephemeral port). */
export async function startMockUpstream() {
  let requests = 0;
  const server = createServer((req, res) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      requests++;
      /** @type {{ model?: unknown, stream?: unknown }} */
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8") || "{}");
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad json"}}');
        return;
      }
      const model = typeof body.model === "string" ? body.model : "zero";
      if (!req.url || !req.url.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      if (body.stream === true) return stream(res, model);
      const payload = completion(model);
      const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(payload) };
      const send = () => res.writeHead(200, model.endsWith("openai-headers") ? { ...OPENAI_HEADERS, ...headers } : headers).end(payload);
      if (model.endsWith("latency")) setTimeout(send, FIXED_LATENCY_MS);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
