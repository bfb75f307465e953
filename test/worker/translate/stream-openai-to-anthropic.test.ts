import { describe, expect, it } from "vitest";
import type { MessageStreamEvent } from "../../../src/formats/anthropic";
import type { ChatCompletionChunk, ChunkDelta, FinishReason, OpenAIUsage } from "../../../src/formats/openai";
import { anthropicStreamToOpenai, UpstreamStreamError } from "../../../src/translate/stream-anthropic-to-openai";
import { openaiStreamToAnthropic } from "../../../src/translate/stream-openai-to-anthropic";
import { anthropicSdkFinalMessage, fixtures } from "../../fixtures/translate";

function translate(chunks: ChatCompletionChunk[]): MessageStreamEvent[] {
  const t = openaiStreamToAnthropic({ clientModel: "gpt-smart" });
  return [...chunks.flatMap((c) => t.push(c)), ...t.end()];
}

const chunk = (delta: ChunkDelta, finish_reason: FinishReason | null = null, usage?: OpenAIUsage): ChatCompletionChunk => ({
  id: "chatcmpl-x",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-4o",
  choices: [{ index: 0, delta, finish_reason }],
  ...(usage ? { usage } : {}),
});

/** A compact trace: type, block index and the interesting payload of each event. */
function trace(events: MessageStreamEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case "content_block_start": {
        const block = e.content_block;
        return `start ${e.index} ${block.type === "tool_use" ? `tool_use ${block.id} ${block.name}` : block.type}`;
      }
      case "content_block_delta": {
        const d = e.delta;
        return `delta ${e.index} ${d.type === "text_delta" ? d.text : d.type === "input_json_delta" ? d.partial_json : d.type}`;
      }
      case "content_block_stop":
        return `stop ${e.index}`;
      case "message_delta":
        return `message_delta ${String(e.delta.stop_reason)}`;
      default:
        return e.type;
    }
  });
}

describe("openaiStreamToAnthropic: recorded content + parallel tool calls stream", () => {
  const events = translate(fixtures.openaiStreamToolCalls());

  it("emits well-ordered blocks: text, then one tool_use block per tool call index", () => {
    expect(trace(events)).toEqual([
      "message_start",
      "start 0 text",
      "delta 0 Checking",
      "delta 0  both cities.",
      "stop 0",
      "start 1 tool_use call_DdmO9pD3xa9XTPNJ32zg2hcA get_weather",
      'delta 1 {"lo',
      'delta 1 cation": "Par',
      'delta 1 is, France"}',
      "stop 1",
      "start 2 tool_use call_7bKx2pQm3Vn8Lr1Tz0YcWsHa get_weather",
      'delta 2 {"location": "Bogot',
      'delta 2 á, Colombia"}',
      "stop 2",
      "message_delta tool_use",
      "message_stop",
    ]);
  });

  it("opens with the upstream id, the client's model and zero usage (OpenAI reports usage at the end)", () => {
    expect(events[0]).toEqual({
      type: "message_start",
      message: {
        id: "chatcmpl-BjQ2qRdMWXAjo9Fwzc3UxBsy0yWfV",
        type: "message",
        role: "assistant",
        content: [],
        model: "gpt-smart",
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
  });

  it("waits for the usage chunk that follows finish_reason, and reports it in message_delta", () => {
    const t = openaiStreamToAnthropic({ clientModel: "m" });
    const chunks = fixtures.openaiStreamToolCalls();
    const pushed = chunks.map((c) => t.push(c));
    expect(pushed.at(-2)).toEqual([]); // the finish_reason chunk
    expect(pushed.at(-1)).toEqual([]); // the usage chunk
    const end = t.end();
    expect(end.at(-2)).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: {
        input_tokens: 1310 - 1024,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 1024,
        output_tokens: 58,
        output_tokens_details: { thinking_tokens: 0 },
      },
    });
    expect(end.at(-1)).toEqual({ type: "message_stop" });
    expect(t.end()).toEqual([]);
  });

  it("is a stream the official Anthropic SDK accumulates into the full message", async () => {
    const message = await anthropicSdkFinalMessage(events);
    expect(message.content).toMatchObject([
      { type: "text", text: "Checking both cities." },
      { type: "tool_use", id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", input: { location: "Paris, France" } },
      { type: "tool_use", id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", name: "get_weather", input: { location: "Bogotá, Colombia" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 286, cache_read_input_tokens: 1024, output_tokens: 58 });
  });
});

describe("openaiStreamToAnthropic: rules", () => {
  const stopOf = (chunks: ChatCompletionChunk[]) => {
    const delta = translate(chunks).find((e) => e.type === "message_delta");
    return delta?.type === "message_delta" ? delta.delta.stop_reason : undefined;
  };

  it("maps each finish reason; tool calls win over a plain stop", () => {
    expect(stopOf([chunk({ content: "a" }, "stop")])).toBe("end_turn");
    expect(stopOf([chunk({ content: "a" }, "length")])).toBe("max_tokens");
    expect(stopOf([chunk({ content: "a" }, "content_filter")])).toBe("refusal");
    expect(stopOf([chunk({ tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "{}" } }] }, "stop")])).toBe("tool_use");
  });

  it("reports output_tokens 0 when the provider sent no usage", () => {
    const delta = translate([chunk({ content: "a" }, "stop")]).at(-2);
    expect(delta).toEqual({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 0 } });
  });

  it("streams a refusal as text with stop_reason refusal, after reasoning_content as a thinking block", () => {
    const events = translate([chunk({ reasoning_content: "hmm" }), chunk({ refusal: "I can't help with that." }), chunk({}, "stop")]);
    expect(trace(events)).toEqual([
      "message_start",
      "start 0 thinking",
      "delta 0 thinking_delta",
      "stop 0",
      "start 1 text",
      "delta 1 I can't help with that.",
      "stop 1",
      "message_delta refusal",
      "message_stop",
    ]);
    expect(events[1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
    expect(events[2]).toEqual({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } });
  });

  it("streams Groq's and OpenRouter's `reasoning` as thinking too, one block for consecutive pieces", () => {
    const reasoning = (text: string) => chunk({ reasoning: text } as ChunkDelta);
    const events = translate([reasoning("Let me"), reasoning(" think."), chunk({ content: "4" }), chunk({}, "stop")]);
    expect(trace(events)).toEqual([
      "message_start",
      "start 0 thinking",
      "delta 0 thinking_delta",
      "delta 0 thinking_delta",
      "stop 0",
      "start 1 text",
      "delta 1 4",
      "stop 1",
      "message_delta end_turn",
      "message_stop",
    ]);
    expect(events[3]).toMatchObject({ delta: { type: "thinking_delta", thinking: " think." } });
  });

  it("starts a new tool_use block when a server reuses index 0 with a new id, and takes a call sent whole", () => {
    const call = (id: string, args: string) =>
      chunk({ tool_calls: [{ index: 0, id, type: "function", function: { name: "f", arguments: args } }] });
    const events = translate([call("call_a", '{"x":1}'), call("call_b", '{"x":2}'), chunk({}, "tool_calls")]);
    expect(trace(events)).toEqual([
      "message_start",
      "start 0 tool_use call_a f",
      'delta 0 {"x":1}',
      "stop 0",
      "start 1 tool_use call_b f",
      'delta 1 {"x":2}',
      "stop 1",
      "message_delta tool_use",
      "message_stop",
    ]);
  });

  it("throws UpstreamStreamError for an error chunk, and sends nothing for an empty stream", () => {
    const t = openaiStreamToAnthropic({ clientModel: "m" });
    const error = { message: "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded" };
    const errorChunk = JSON.parse(JSON.stringify({ error })) as ChatCompletionChunk;
    expect(() => t.push(errorChunk)).toThrowError(UpstreamStreamError);
    expect(() => t.push(errorChunk)).toThrowError("Rate limit reached");
    expect(openaiStreamToAnthropic({ clientModel: "m" }).end()).toEqual([]);
  });
});

describe("stream round trip", () => {
  it("Anthropic -> OpenAI -> Anthropic keeps text, tool input, stop reason and every usage counter", async () => {
    const toOpenai = anthropicStreamToOpenai({ clientModel: "m", includeUsage: true, created: 0 });
    const toAnthropic = openaiStreamToAnthropic({ clientModel: "claude-smart" });
    const chunks = [...fixtures.anthropicStreamToolUse().flatMap((e) => toOpenai.push(e)), ...toOpenai.end()];
    const events = [...chunks.flatMap((c) => toAnthropic.push(c)), ...toAnthropic.end()];
    const original = await anthropicSdkFinalMessage(fixtures.anthropicStreamToolUse());
    const back = await anthropicSdkFinalMessage(events);
    expect(back.content).toEqual(original.content);
    expect(back.stop_reason).toBe(original.stop_reason);
    expect(back.usage).toMatchObject({
      input_tokens: 472,
      cache_read_input_tokens: 1024,
      cache_creation_input_tokens: 256,
      output_tokens: 89,
    });
  });
});
