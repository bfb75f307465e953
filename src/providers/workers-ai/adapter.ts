import { GatewayError } from "../../errors";
import { parseProviderJson } from "../../formats/check";
import type { ChatCompletionRequest } from "../../formats/openai";
import type { UpstreamInit } from "../../exchange/upstream";
import type { WireAdapter, WireRequest } from "../wire";
import { openaiError, translatedSse } from "../wire-answer";
import { workersAiAnswer, workersAiInputs, workersAiStream } from "./translate";

/** The binding's name in wrangler.toml (`[ai] binding = "AI"`). */
const BINDING = "AI";

/** What tracegate uses of the Workers AI binding. */
interface AiBinding {
  run(model: string, inputs: Record<string, unknown>, options?: { signal?: AbortSignal; extraHeaders?: object }): Promise<unknown>;
}

function bindingIn(env: Readonly<Record<string, unknown>>): AiBinding {
  const ai = env[BINDING];
  if (typeof ai === "object" && ai !== null && "run" in ai && typeof ai.run === "function") return ai as AiBinding;
  throw GatewayError.configError(`workers_ai models need the Workers AI binding: add [ai] binding = "${BINDING}" to wrangler.toml`);
}

/**
 * The binding's error (its message starts with Workers AI's error code) as an OpenAI error: capacity and rate limits
 * are 429 (retryable), a bad model or input 400, anything else 502.
 */
function bindingError(err: unknown): Response {
  const message = err instanceof Error ? err.message : String(err);
  const code = /\b(\d{4})\b/.exec(message)?.[1];
  const status = code === "3040" || code === "3036" ? 429 : code?.startsWith("5") ? 400 : 502;
  return openaiError(status, `Workers AI: ${message}`, code ?? null);
}

/** The trace context headers for the binding's own request, where the binding carries extra headers. */
function traceHeaders(init: UpstreamInit): Record<string, string> {
  const headers = init.headers;
  const out: Record<string, string> = {};
  if (headers.traceparent !== undefined) out.traceparent = headers.traceparent;
  if (headers.tracestate !== undefined) out.tracestate = headers.tracestate;
  return out;
}

async function send({ body, model, env, init }: WireRequest): Promise<Response> {
  const ai = bindingIn(env);
  const created = Math.floor(Date.now() / 1000);
  const meta = { model, created, id: `chatcmpl-workers-ai-${created}-${crypto.randomUUID()}` };
  let output: unknown;
  try {
    const options = { extraHeaders: traceHeaders(init), ...(init.signal ? { signal: init.signal } : {}) };
    output = await ai.run(model, workersAiInputs(body as ChatCompletionRequest), options);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    return bindingError(err);
  }
  if (output instanceof ReadableStream) {
    const translator = workersAiStream(meta);
    return translatedSse(output as ReadableStream<Uint8Array>, {
      event(data) {
        if (data !== "[DONE]") return translator.event(parseProviderJson(data, "stream event"));
        translator.finish();
        return [];
      },
      end: () => translator.end(),
    });
  }
  return Response.json(workersAiAnswer(output, meta));
}

/** Workers AI (`workers_ai/@cf/…`) through the Worker's `AI` binding: no key, no network address. */
export const workersAiWire: WireAdapter = {
  endpoint: (provider, model) => `${provider.baseUrl}/run/${model}`,
  send,
};
