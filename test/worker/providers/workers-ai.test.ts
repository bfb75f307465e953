import { env as workerEnv } from "cloudflare:workers";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import "../loopback/context";
import { SPAN_KIND, spansOf } from "../loopback/client";
import { sdkClients } from "../helpers/sdk-clients";

// Workers AI through the `AI` binding (issue 15), the binding being a local Worker that answers as Workers AI does
// (test/worker/workers-ai/double.mjs, bound in vitest.config.ts), reached by the openai and anthropic SDKs.
interface Double {
  run(model: string, inputs: unknown, options: { extraHeaders?: object }): Promise<unknown>;
  received(): Promise<{ model: string; inputs: Record<string, unknown>; extraHeaders: Record<string, string> | null }[]>;
}
const double = (workerEnv as unknown as { WORKERS_AI_DOUBLE: Double }).WORKERS_AI_DOUBLE;
const collector = inject("loopbackCollector");

// The real binding is an in-process object that takes the abort signal; RPC to the double cannot carry one (workerd's
// enable_abortsignal_rpc flag), so the binding the app gets passes everything else on.
const binding = {
  run: (model: string, inputs: unknown, options?: { extraHeaders?: object; signal?: AbortSignal }) =>
    double.run(model, inputs, { extraHeaders: options?.extraHeaders ?? {} }),
};

const env = {
  AI: binding,
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [{ model: "workers_ai/*" }],
    auth: "none",
    tracing: { random_sampling: 100, exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }] },
  }),
};
const { openai, anthropic } = sdkClients(env);
const USAGE = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

describe.each(["@cf/meta/llama-3.1-8b-instruct", "@cf/openai/gpt-oss-20b"])("workers_ai/%s", (model) => {
  const reply = `workers-ai ${model}: hello there`;

  it("OpenAI SDK, not streamed and streamed, with usage", async () => {
    const res = await openai.chat.completions.create({ model: `workers_ai/${model}`, messages: [{ role: "user", content: "hello there" }] });
    expect(res.choices[0]?.message.content).toBe(reply);
    expect(res.usage).toMatchObject(USAGE);
    const stream = await openai.chat.completions.create({
      model: `workers_ai/${model}`,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hello there" }],
    });
    let text = "";
    const finishes: (string | null | undefined)[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(reply);
    expect(finishes).toEqual(["stop"]);
    expect(usage).toMatchObject(USAGE);
  });

  it("Anthropic SDK, not streamed and streamed, with usage", async () => {
    const msg = await anthropic.messages.create({ model: `workers_ai/${model}`, max_tokens: 64, messages: [{ role: "user", content: "hello there" }] });
    expect(msg.content).toEqual([expect.objectContaining({ type: "text", text: reply })]);
    expect(msg.usage).toMatchObject({ input_tokens: 7, output_tokens: 3 });
    const final = await anthropic.messages.stream({ model: `workers_ai/${model}`, max_tokens: 64, messages: [{ role: "user", content: "hello there" }] }).finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: "text", text: reply })]);
    expect(final.usage.output_tokens).toBe(3);
  });
});

describe("workers_ai: what the binding got, errors, spans", () => {
  it("the binding gets the model, messages, sampling fields and trace context; no key anywhere", async () => {
    const { response } = await openai.chat.completions
      .create({ model: "workers_ai/@cf/meta/llama-3.1-8b-instruct", max_tokens: 20, temperature: 0.5, messages: [{ role: "user", content: [{ type: "text", text: "parts" }] }] })
      .withResponse();
    const call = (await double.received()).at(-1);
    expect(call?.model).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(call?.inputs).toEqual({ messages: [{ role: "user", content: "parts" }], max_tokens: 20, temperature: 0.5 });
    const traceId = (response.headers.get("traceresponse") ?? "").split("-")[1];
    expect(call?.extraHeaders?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[13]$`));
    const client = (await spansOf(traceId ?? "", 2)).find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(client?.attributes["gen_ai.provider.name"]).toBe("cloudflare.workers_ai");
    expect(client?.attributes["gen_ai.usage.input_tokens"]).toBe(7);
    expect(client?.attributes["server.address"]).toBe("workers-ai.binding.invalid");
  });

  it("a legacy tool call comes back as an OpenAI tool call", async () => {
    const res = await openai.chat.completions.create({
      model: "workers_ai/@cf/meta/llama-3.1-8b-instruct",
      messages: [{ role: "user", content: "weather?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    });
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(res.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
  });

  it("capacity errors are 429s in the client's format; a stream without [DONE] is cut short", async () => {
    const err = await openai.chat.completions.create({ model: "workers_ai/@cf/fail/capacity", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { status?: number }).status).toBe(429);
    expect(String((err as Error).message)).toContain("3040: Capacity temporarily exceeded");
    const stream = await openai.chat.completions.create({ model: "workers_ai/@cf/broken/stream", stream: true, messages: [{ role: "user", content: "hi" }] });
    const read = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(read()).rejects.toThrow(/truncated/);
  });

  it("a config without workers_ai models needs no binding; one with them names the binding to add", async () => {
    const { openai: unbound } = sdkClients({ GATEWAY_CONFIG: env.GATEWAY_CONFIG });
    const err = await unbound.chat.completions.create({ model: "workers_ai/@cf/meta/llama-3.1-8b-instruct", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(500);
    expect(String((err as Error).message)).toContain('[ai] binding = "AI"');
  });
});
