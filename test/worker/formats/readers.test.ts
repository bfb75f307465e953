import { describe, expect, it } from "vitest";
import { readAnthropicMessage, readMessageStreamEvent } from "../../../src/formats/anthropic-read";
import { FormatError } from "../../../src/formats/check";
import { readChatCompletion, readChatCompletionChunk } from "../../../src/formats/openai-read";
import { fixtures } from "../../fixtures/translate";

/** The FormatError message `read` throws for `value`. */
function failure(read: (value: unknown) => unknown, value: unknown): string {
  try {
    read(value);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return (err as FormatError).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

const usage = { input_tokens: 1, output_tokens: 2 };

describe("OpenAI readers", () => {
  it("return the very value they were given, unknown fields and all", () => {
    const completion = { ...fixtures.openaiCompletionToolCalls(), x_provider: { seq: 1 } };
    expect(readChatCompletion(completion)).toBe(completion);
    for (const chunk of fixtures.openaiStreamToolCalls()) expect(readChatCompletionChunk(chunk)).toBe(chunk);
    const azureFilter = { id: "", object: "", model: "", created: 0, choices: [{ index: 0, finish_reason: null, content_filter_results: {} }] };
    expect(readChatCompletionChunk(azureFilter)).toBe(azureFilter);
    const error = { error: { message: "overloaded" } };
    expect(readChatCompletionChunk(error)).toBe(error);
  });

  it("name the field that is wrong, down to tool calls, in answers and chunks", () => {
    const answer = (message: unknown) => ({ id: "c", choices: [{ index: 0, message: { content: "" } }, { index: 1, message }] });
    const cases: [(v: unknown) => unknown, unknown, string][] = [
      [readChatCompletion, [], "answer: expected a JSON object"],
      [readChatCompletion, { choices: [] }, "answer: id: required"],
      [readChatCompletion, { id: "c", model: 4, choices: [] }, "answer: model: expected a string"],
      [readChatCompletion, { id: "c", choices: [], usage: { prompt_tokens: 1 } }, "answer: usage.completion_tokens: required"],
      [readChatCompletion, { id: "c", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, prompt_tokens_details: { cached_tokens: "2" } } }, "answer: usage.prompt_tokens_details.cached_tokens: expected a number"],
      [readChatCompletion, answer({ refusal: 1 }), "answer: choices[1].message.refusal: expected a string"],
      [readChatCompletion, answer({ tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }, { id: "u", type: "function", function: { name: 5 } }] }), "answer: choices[1].message.tool_calls[1].function.name: expected a string"],
      [readChatCompletionChunk, { id: "c", choices: [{ delta: {} }] }, "stream event: choices[0].index: required"],
      [readChatCompletionChunk, { id: "c", choices: [{ index: 0, delta: { tool_calls: [{ index: "0" }] } }] }, "stream event: choices[0].delta.tool_calls[0].index: expected a number"],
      [readChatCompletionChunk, { id: "c", choices: [{ index: 0, finish_reason: 3 }] }, "stream event: choices[0].finish_reason: expected a string"],
    ];
    for (const [read, value, message] of cases) expect(failure(read, value)).toBe(`provider sent a malformed ${message}`);
  });

  it("let pass what tracegate does not read: custom tool calls, null optional fields, newer finish reasons", () => {
    const completion = {
      id: "c",
      choices: [{ message: { content: null, tool_calls: [{ id: "t", type: "custom", custom: { name: "x", input: "y" } }] }, finish_reason: "newer" }],
      usage: null,
    };
    expect(readChatCompletion(completion)).toBe(completion);
  });
});

describe("Anthropic readers", () => {
  it("return the very value they were given, unknown block and event types and all", () => {
    const message = { ...fixtures.anthropicMessageToolUse(), content: [{ type: "server_tool_use", id: "s", input: {} }, { type: "text", text: "hi", citations: null }] };
    expect(readAnthropicMessage(message)).toBe(message);
    for (const event of [...fixtures.anthropicStreamToolUse(), ...fixtures.anthropicStreamThinking(), ...fixtures.anthropicStreamError()]) {
      expect(readMessageStreamEvent(event)).toBe(event);
    }
    const future = { type: "some_future_event", payload: [1] };
    expect(readMessageStreamEvent(future)).toBe(future);
  });

  it("name the field that is wrong, from the event type on", () => {
    const cases: [(v: unknown) => unknown, unknown, string][] = [
      [readAnthropicMessage, null, "answer: expected a JSON object"],
      [readAnthropicMessage, { id: "m", content: [{ type: "text", text: "a" }, { type: "thinking" }], usage }, "answer: content[1].thinking: required"],
      [readAnthropicMessage, { id: "m", content: [], usage: { input_tokens: 1 } }, "answer: usage.output_tokens: required"],
      [readAnthropicMessage, { id: "m", content: [], usage: { ...usage, output_tokens_details: { thinking_tokens: "9" } } }, "answer: usage.output_tokens_details.thinking_tokens: expected a number"],
      [readMessageStreamEvent, { type: "message_start", message: {} }, "stream event: message_start.message.id: required"],
      [readMessageStreamEvent, { type: "message_start", message: { id: "m", content: [{ type: "tool_use", id: "t", name: "f", input: [] }], usage } }, "stream event: message_start.message.content[0].input: expected an object"],
      [readMessageStreamEvent, { type: "content_block_start", content_block: { type: "text", text: "" } }, "stream event: content_block_start.index: required"],
      [readMessageStreamEvent, { type: "content_block_delta", index: 0, delta: { type: "input_json_delta" } }, "stream event: content_block_delta.delta.partial_json: required"],
      [readMessageStreamEvent, { type: "message_delta", delta: { stop_reason: 1 } }, "stream event: message_delta.delta.stop_reason: expected a string"],
      [readMessageStreamEvent, { type: "message_delta", delta: {}, usage: { output_tokens: "3" } }, "stream event: message_delta.usage.output_tokens: expected a number"],
      [readMessageStreamEvent, { type: "error", error: "overloaded" }, "stream event: error.error: expected an object"],
      [readMessageStreamEvent, { type: 7 }, "stream event: type: expected a string"],
    ];
    for (const [read, value, message] of cases) expect(failure(read, value)).toBe(`provider sent a malformed ${message}`);
  });
});
