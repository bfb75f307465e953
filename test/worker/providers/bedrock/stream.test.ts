import { describe, expect, it } from "vitest";
import { FormatError } from "../../../../src/formats/check";
import type { ChatCompletionChunk } from "../../../../src/formats/openai";
import { EventStreamDecoder } from "../../../../src/providers/bedrock/event-stream";
import { ConverseStreamTranslator } from "../../../../src/providers/bedrock/stream";
import { concatBytes, converseEvent, converseException, converseTextStream } from "../../../fixtures/bedrock/frames";
import { openaiSdkFinalCompletion } from "../../../fixtures/translate";

const IDENTITY = { id: "chatcmpl-b1", model: "amazon.nova-pro-v1:0", created: 1700000000, includeUsage: true };

/** The SSE text the translator gives for a ConverseStream body, and its `data:` payloads. */
function translate(frames: readonly Uint8Array[], includeUsage = true): { sse: string; data: string[]; ended: boolean } {
  const decoder = new EventStreamDecoder();
  const translator = new ConverseStreamTranslator({ ...IDENTITY, includeUsage });
  let sse = "";
  for (const message of decoder.push(concatBytes(frames))) sse += translator.translate(message);
  const data = sse.split("\n\n").filter((e) => e !== "").map((e) => e.replace(/^data: /, ""));
  return { sse, data, ended: translator.ended };
}

const chunks = (data: string[]): ChatCompletionChunk[] => data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as ChatCompletionChunk);

const TOOL_STREAM = [
  converseEvent("messageStart", { role: "assistant" }),
  converseEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Checking." } }),
  converseEvent("contentBlockStop", { contentBlockIndex: 0 }),
  converseEvent("contentBlockStart", { contentBlockIndex: 1, start: { toolUse: { toolUseId: "tooluse_a", name: "get_weather" } } }),
  converseEvent("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '{"location":' } } }),
  converseEvent("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } }),
  converseEvent("contentBlockStop", { contentBlockIndex: 1 }),
  converseEvent("contentBlockStart", { contentBlockIndex: 2, start: { toolUse: { toolUseId: "tooluse_b", name: "get_time" } } }),
  converseEvent("contentBlockDelta", { contentBlockIndex: 2, delta: { toolUse: { input: "{}" } } }),
  converseEvent("contentBlockStop", { contentBlockIndex: 2 }),
  converseEvent("messageStop", { stopReason: "tool_use" }),
  converseEvent("metadata", { usage: { inputTokens: 7, outputTokens: 30, totalTokens: 237, cacheReadInputTokens: 200 }, metrics: { latencyMs: 5 } }),
];

describe("ConverseStreamTranslator", () => {
  it("turns a text stream into chunks the OpenAI SDK assembles, usage last, then [DONE]", async () => {
    const { data, ended } = translate(converseTextStream(["Hello", " there"], { inputTokens: 4, outputTokens: 2, totalTokens: 6 }));
    expect(ended).toBe(true);
    expect(data.at(-1)).toBe("[DONE]");
    const parsed = chunks(data);
    expect(parsed.slice(0, -1).every((c) => c.usage === null && c.id === "chatcmpl-b1")).toBe(true);
    expect(parsed.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } });
    const completion = await openaiSdkFinalCompletion(parsed);
    expect(completion.choices[0]?.message.content).toBe("Hello there");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("streams tool uses as indexed tool_calls with argument fragments, cache reads in the usage", async () => {
    const parsed = chunks(translate(TOOL_STREAM).data);
    const completion = await openaiSdkFinalCompletion(parsed);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.content).toBe("Checking.");
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: "tooluse_a", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
      { id: "tooluse_b", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
    expect(parsed.at(-1)?.usage).toEqual({
      prompt_tokens: 207,
      completion_tokens: 30,
      total_tokens: 237,
      prompt_tokens_details: { cached_tokens: 200 },
    });
  });

  it("maps the stop reason of messageStop onto the finish chunk", () => {
    const finishes = ["max_tokens", "guardrail_intervened", "stop_sequence"].map((stop) => {
      const parsed = chunks(translate(converseTextStream(["x"], { inputTokens: 1, outputTokens: 1 }, stop)).data);
      return parsed.find((c) => c.choices[0]?.finish_reason != null)?.choices[0]?.finish_reason;
    });
    expect(finishes).toEqual(["length", "content_filter", "stop"]);
  });

  it("sends no usage field and no usage chunk when the request did not ask for usage", () => {
    const { data } = translate(converseTextStream(["x"], { inputTokens: 1, outputTokens: 1 }), false);
    const parsed = chunks(data);
    expect(parsed.every((c) => !("usage" in c) && c.choices.length === 1)).toBe(true);
    expect(data.at(-1)).toBe("[DONE]");
  });

  it("turns an exception message into an OpenAI error event and ends", () => {
    const frames = [converseEvent("messageStart", { role: "assistant" }), converseException("throttlingException", "Too many tokens, please wait.")];
    const { data, ended } = translate(frames);
    expect(ended).toBe(true);
    expect(JSON.parse(data.at(-1) ?? "")).toEqual({
      error: { message: "Too many tokens, please wait.", type: "rate_limit_error", param: null, code: "throttlingException" },
    });
    const stream = translate([converseException("modelStreamErrorException", "model failed")]).data;
    expect(JSON.parse(stream[0] ?? "")).toMatchObject({ error: { type: "server_error", code: "modelStreamErrorException" } });
  });

  it("is not ended before the metadata event, and a FormatError for events of the wrong shape", () => {
    const frames = converseTextStream(["x"], { inputTokens: 1, outputTokens: 1 });
    expect(translate(frames.slice(0, -1)).ended).toBe(false);
    const bad = [
      [converseEvent("contentBlockDelta", { delta: { text: "x" } })],
      [converseEvent("messageStop", {})],
      [converseEvent("metadata", { usage: { inputTokens: 1, outputTokens: 1 } })],
      [converseEvent("contentBlockDelta", { contentBlockIndex: 4, delta: { toolUse: { input: "{}" } } })],
    ];
    for (const frames of bad) expect(() => translate(frames)).toThrow(FormatError);
  });
});
