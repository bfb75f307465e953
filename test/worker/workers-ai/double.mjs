// A local Worker answering as Workers AI's `AI` binding does (`run(model, inputs, options)`), bound to the worker
// tests as a service binding (vitest.config.ts) in place of the real binding. Two kinds of model, as on Workers AI:
// `@cf/meta/…` answer the legacy way (`{response, usage}`; streams of `data: {"response": …}` then a usage event
// and `data: [DONE]`), `@cf/openai/…` in OpenAI's shapes. `@cf/fail/capacity` throws Workers AI's capacity error,
// `@cf/broken/stream` streams without its `[DONE]`. `received()` lists what each call got.
import { WorkerEntrypoint } from "cloudflare:workers";

const received = [];
const USAGE = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

function lastUser(inputs) {
  const users = (inputs.messages ?? []).filter((m) => m.role === "user");
  const content = users.at(-1)?.content;
  return typeof content === "string" ? content : JSON.stringify(content);
}

function sse(events) {
  const text = events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`).join("");
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    type: "bytes",
    start(controller) {
      // Split mid-event, as the network may.
      controller.enqueue(bytes.slice(0, 17));
      controller.enqueue(bytes.slice(17));
      controller.close();
    },
  });
}

function openaiShaped(model, text, stream) {
  const base = { id: "chatcmpl-cf-1", created: 1, model };
  if (!stream) {
    return { ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage: USAGE };
  }
  const chunk = (delta, finish) => ({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  return sse([chunk({ role: "assistant", content: text }, null), chunk({}, "stop"), { ...base, object: "chat.completion.chunk", choices: [], usage: USAGE }, "[DONE]"]);
}

export class WorkersAiDouble extends WorkerEntrypoint {
  async run(model, inputs, options) {
    received.push({ model, inputs, extraHeaders: options?.extraHeaders ?? null });
    if (model === "@cf/fail/capacity") throw new Error("3040: Capacity temporarily exceeded, please try again.");
    const text = `workers-ai ${model}: ${lastUser(inputs)}`;
    if (model.startsWith("@cf/openai/")) return openaiShaped(model, text, inputs.stream === true);
    if (inputs.stream !== true) {
      if (Array.isArray(inputs.tools) && inputs.tools.length > 0) return { response: null, tool_calls: [{ name: "get_weather", arguments: { city: "Paris" } }], usage: USAGE };
      return { response: text, usage: USAGE };
    }
    const words = text.split(/(?<= )/);
    const events = words.map((w) => ({ response: w, p: "abc" }));
    if (model === "@cf/broken/stream") return sse(events);
    return sse([...events, { response: "", usage: USAGE }, "[DONE]"]);
  }

  received() {
    return received;
  }
}

export default { fetch: () => new Response("the Workers AI double answers over RPC") };
