import { describe, expect, it } from "vitest";
import type { MessageStreamEvent, StopReason } from "../../../src/formats/anthropic";
import type { ChatCompletionChunk } from "../../../src/formats/openai";
import { anthropicStreamToOpenai, UpstreamStreamError } from "../../../src/translate/stream-anthropic-to-openai";
import { fixtures, openaiSdkFinalCompletion } from "../../fixtures/translate";

const CREATED = 1_750_170_548;

function translate(events: MessageStreamEvent[], includeUsage: boolean): ChatCompletionChunk[] {
  const t = anthropicStreamToOpenai({ clientModel: "claude-smart", includeUsage, created: CREATED });
  return [...events.flatMap((e) => t.push(e)), ...t.end()];
}

const content = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
const finishes = (chunks: ChatCompletionChunk[]) =>
  chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter((f) => f !== null);

describe("anthropicStreamToOpenai: recorded text + tool_use stream", () => {
  const chunks = translate(fixtures.anthropicStreamToolUse(), true);

  it("stamps every chunk with the upstream id, the client's model and the given created time", () => {
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: "msg_014p7gG3wDgGV9EUtLvnow3U",
        object: "chat.completion.chunk",
        created: CREATED,
        model: "claude-smart",
      });
    }
  });

  it("opens with role assistant and empty content, then streams the text", () => {
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(content(chunks)).toBe("Okay, let's check the weather for San Francisco, CA:");
  });

  it("starts a tool call with index/id/name and streams the arguments as fragments", () => {
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({
      index: 0,
      id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    const fragments = calls.slice(1).map((c) => c.function?.arguments);
    expect(fragments).toHaveLength(6); // the empty first input_json_delta is not forwarded
    expect(calls.slice(1).every((c) => c.index === 0 && c.id === undefined)).toBe(true);
    expect(JSON.parse(fragments.join(""))).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
  });

  it("sends one finish_reason, tool_calls, in a chunk with an empty delta", () => {
    expect(finishes(chunks)).toEqual(["tool_calls"]);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.delta).toEqual({});
  });

  it("ends with a usage chunk (choices []) summing input and cache tokens; earlier chunks carry usage null", () => {
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 472 + 1024 + 256,
        completion_tokens: 89,
        total_tokens: 472 + 1024 + 256 + 89,
        prompt_tokens_details: { cached_tokens: 1024, cache_write_tokens: 256 },
      },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks).toHaveLength(1 + 2 + 1 + 6 + 1 + 1);
  });

  it("is a stream the official OpenAI SDK accumulates into the full completion", async () => {
    const completion = await openaiSdkFinalCompletion(chunks);
    expect(completion.choices[0]?.message).toMatchObject({
      role: "assistant",
      content: "Okay, let's check the weather for San Francisco, CA:",
      tool_calls: [
        {
          id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          function: { name: "get_weather", arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' },
        },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(1024);
  });

  it("without include_usage sends no usage chunk and no usage field", () => {
    const plain = translate(fixtures.anthropicStreamToolUse(), false);
    expect(plain).toHaveLength(chunks.length - 1);
    expect(plain.every((c) => !("usage" in c) && c.choices.length === 1)).toBe(true);
  });
});

describe("anthropicStreamToOpenai: rules", () => {
  const start = (): MessageStreamEvent => ({
    type: "message_start",
    message: {
      id: "msg_x",
      type: "message",
      role: "assistant",
      model: "c",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 7, output_tokens: 1 },
    },
  });
  const stopWith = (stop_reason: StopReason): MessageStreamEvent => ({
    type: "message_delta",
    delta: { stop_reason, stop_sequence: null },
    usage: { output_tokens: 3 },
  });

  it("streams thinking as reasoning_content, drops the signature, and keeps message_start input tokens", () => {
    const chunks = translate(fixtures.anthropicStreamThinking(), true);
    const reasoning = chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("");
    expect(reasoning).toBe("27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.");
    expect(content(chunks)).toBe("27 * 453 = 12,231");
    expect(JSON.stringify(chunks)).not.toContain("EqQBCgIYAhIM");
    expect(finishes(chunks)).toEqual(["stop"]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 53, completion_tokens: 112, total_tokens: 165 });
  });

  it("maps each stop reason in message_delta", () => {
    const finish = (stop: StopReason) => finishes(translate([start(), stopWith(stop), { type: "message_stop" }], false));
    expect(finish("end_turn")).toEqual(["stop"]);
    expect(finish("stop_sequence")).toEqual(["stop"]);
    expect(finish("pause_turn")).toEqual(["stop"]);
    expect(finish("max_tokens")).toEqual(["length"]);
    expect(finish("tool_use")).toEqual(["tool_calls"]);
    expect(finish("refusal")).toEqual(["content_filter"]);
  });

  it("numbers tool calls among tool calls only, whatever the Anthropic block index", () => {
    const tool = (index: number, id: string): MessageStreamEvent => ({
      type: "content_block_start",
      index,
      content_block: { type: "tool_use", id, name: "f", input: {} },
    });
    const t = anthropicStreamToOpenai({ clientModel: "m", includeUsage: false, created: 0 });
    t.push(start());
    t.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    const first = t.push(tool(1, "toolu_a"));
    const second = t.push(tool(2, "toolu_b"));
    const args = t.push({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "{}" } });
    expect(first[0]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: "toolu_a" });
    expect(second[0]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 1, id: "toolu_b" });
    expect(args[0]?.choices[0]?.delta.tool_calls).toEqual([{ index: 1, function: { arguments: "{}" } }]);
  });

  it("ignores ping and unknown events", () => {
    const t = anthropicStreamToOpenai({ clientModel: "m", includeUsage: true, created: 0 });
    t.push(start());
    expect(t.push({ type: "ping" })).toEqual([]);
    expect(t.push({ type: "content_block_stop", index: 0 })).toEqual([]);
    expect(t.push(JSON.parse('{"type":"some_future_event"}') as MessageStreamEvent)).toEqual([]);
  });

  it("throws UpstreamStreamError carrying the error event's type and message", () => {
    const t = anthropicStreamToOpenai({ clientModel: "m", includeUsage: false, created: 0 });
    const events = fixtures.anthropicStreamError();
    const before = events.slice(0, -1).flatMap((e) => t.push(e));
    expect(content(before)).toBe("Once upon");
    const last = events.at(-1);
    if (!last) throw new Error("fixture is empty");
    let thrown: unknown;
    try {
      t.push(last);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UpstreamStreamError);
    expect(thrown).toMatchObject({ type: "overloaded_error", message: "Overloaded" });
  });

  it("end() owes the usage chunk only when message_stop did not send it after a finish", () => {
    const noStop = anthropicStreamToOpenai({ clientModel: "m", includeUsage: true, created: 0 });
    noStop.push(start());
    noStop.push(stopWith("end_turn"));
    expect(noStop.end()).toMatchObject([{ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } }]);
    const cut = anthropicStreamToOpenai({ clientModel: "m", includeUsage: true, created: 0 });
    cut.push(start());
    expect(cut.end()).toEqual([]);
    const complete = anthropicStreamToOpenai({ clientModel: "m", includeUsage: true, created: 0 });
    for (const e of [start(), stopWith("end_turn"), { type: "message_stop" } as const]) complete.push(e);
    expect(complete.end()).toEqual([]);
  });
});
