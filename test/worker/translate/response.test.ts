import { describe, expect, it } from "vitest";
import type { AnthropicMessage, StopReason } from "../../../src/formats/anthropic";
import type { ChatCompletion, FinishReason } from "../../../src/formats/openai";
import { anthropicResponseToOpenai, openaiResponseToAnthropic } from "../../../src/translate/response";
import { fixtures } from "../../fixtures/translate";

const CREATED = 1_750_000_000;

const anthropicText = (stop_reason: StopReason | null, text = "Hi"): AnthropicMessage => ({
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content: text ? [{ type: "text", text }] : [],
  stop_reason,
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 2 },
});

type ResponseMessage = ChatCompletion["choices"][number]["message"];

const openaiText = (finish_reason: FinishReason | null, message: Partial<ResponseMessage> = {}): ChatCompletion => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: CREATED,
  model: "gpt-4o-2024-08-06",
  choices: [{ index: 0, message: { role: "assistant", content: "Hi", refusal: null, ...message }, finish_reason, logprobs: null }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
});

describe("anthropicResponseToOpenai", () => {
  const msg = fixtures.anthropicMessageToolUse();
  const out = anthropicResponseToOpenai(msg, "claude-smart", CREATED);

  it("keeps the upstream id, reports the client's model and the given created time", () => {
    expect(out).toMatchObject({ id: "msg_01Aq9w938a90dw8q", object: "chat.completion", created: CREATED, model: "claude-smart" });
    expect(anthropicResponseToOpenai(msg, "claude-smart").created).toBe(0);
  });

  it("maps text, thinking (as reasoning_content) and tool_use (as tool_calls with JSON arguments)", () => {
    expect(out.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: "I'll look up the current weather in Paris.",
          refusal: null,
          reasoning_content: "The user wants the weather in Paris. I should call get_weather.",
          tool_calls: [
            {
              id: "toolu_01A09q90qw90lq917835lq9",
              type: "function",
              function: { name: "get_weather", arguments: '{"location":"Paris, France","unit":"celsius"}' },
            },
          ],
        },
        finish_reason: "tool_calls",
        logprobs: null,
      },
    ]);
  });

  it("adds cache read and creation tokens to prompt_tokens and reports the cached ones", () => {
    expect(out.usage).toEqual({
      prompt_tokens: 2095 + 1800 + 312,
      completion_tokens: 503,
      total_tokens: 2095 + 1800 + 312 + 503,
      prompt_tokens_details: { cached_tokens: 1800, cache_write_tokens: 312 },
    });
  });

  it("maps every stop reason to a finish reason", () => {
    const finish = (stop: StopReason | null) => anthropicResponseToOpenai(anthropicText(stop), "m").choices[0]?.finish_reason;
    expect(finish("end_turn")).toBe("stop");
    expect(finish("stop_sequence")).toBe("stop");
    expect(finish("pause_turn")).toBe("stop");
    expect(finish("max_tokens")).toBe("length");
    expect(finish("model_context_window_exceeded")).toBe("length");
    expect(finish("tool_use")).toBe("tool_calls");
    expect(finish("refusal")).toBe("content_filter");
  });

  it("answers text only without tool_calls, and an empty message with empty content", () => {
    const text = anthropicResponseToOpenai(anthropicText("end_turn"), "m").choices[0]?.message;
    expect(text).toEqual({ role: "assistant", content: "Hi", refusal: null });
    expect(anthropicResponseToOpenai(anthropicText("end_turn", ""), "m").choices[0]?.message.content).toBe("");
  });
});

describe("openaiResponseToAnthropic", () => {
  const res = fixtures.openaiCompletionToolCalls();
  const out = openaiResponseToAnthropic(res, "gpt-smart");

  it("keeps the upstream id and reports the client's model", () => {
    expect(out).toMatchObject({ id: "chatcmpl-BjQ5w3HbV8nE1yZkTq0aLr6pXc2dM", type: "message", role: "assistant", model: "gpt-smart" });
  });

  it("turns tool_calls into tool_use blocks with parsed input and stop_reason tool_use", () => {
    expect(out.content).toEqual([
      { type: "tool_use", id: "call_FthC9qRpsL5kBpwwyw6c7j4k", name: "get_weather", input: { location: "Paris, France", unit: "celsius" } },
      { type: "tool_use", id: "call_RpEDoB8O0FTL9JoKTuCVFOyR", name: "get_time", input: { timezone: "Europe/Paris" } },
    ]);
    expect(out.stop_reason).toBe("tool_use");
    expect(out.stop_sequence).toBeNull();
  });

  it("takes cached tokens out of input_tokens and maps reasoning tokens to thinking_tokens", () => {
    expect(out.usage).toEqual({
      input_tokens: 1117 - 1024,
      cache_read_input_tokens: 1024,
      cache_creation_input_tokens: 0,
      output_tokens: 219,
      output_tokens_details: { thinking_tokens: 128 },
    });
  });

  it("maps every finish reason to a stop reason", () => {
    const stop = (finish: FinishReason | null) => openaiResponseToAnthropic(openaiText(finish), "m").stop_reason;
    expect(stop("stop")).toBe("end_turn");
    expect(stop("length")).toBe("max_tokens");
    expect(stop("tool_calls")).toBe("tool_use");
    expect(stop("function_call")).toBe("tool_use");
    expect(stop("content_filter")).toBe("refusal");
  });

  it("reports tool_use when a server returns tool calls with finish_reason stop", () => {
    const call = { id: "call_1", type: "function" as const, function: { name: "f", arguments: "{bad json" } };
    const out = openaiResponseToAnthropic(openaiText("stop", { content: "Calling f.", tool_calls: [call] }), "m");
    expect(out.stop_reason).toBe("tool_use");
    expect(out.content).toEqual([
      { type: "text", text: "Calling f." },
      { type: "tool_use", id: "call_1", name: "f", input: {} },
    ]);
  });

  it("turns a refusal into a text block with stop_reason refusal", () => {
    const out = openaiResponseToAnthropic(openaiText("stop", { content: null, refusal: "I can't help with that." }), "m");
    expect(out.content).toEqual([{ type: "text", text: "I can't help with that." }]);
    expect(out.stop_reason).toBe("refusal");
  });

  it("reports zero usage when the provider sent none", () => {
    const { usage: _usage, ...noUsage } = openaiText("stop");
    expect(openaiResponseToAnthropic(noUsage, "m").usage).toEqual({
      input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      output_tokens: 0,
    });
  });
});

describe("response round trips", () => {
  it("Anthropic -> OpenAI -> Anthropic keeps text, tool use, stop reason and every usage counter", () => {
    const original = fixtures.anthropicMessageToolUse();
    const back = openaiResponseToAnthropic(anthropicResponseToOpenai(original, "m", CREATED), "m");
    // Thinking comes back as thinking without its signature (the OpenAI side has none); text loses only its
    // `citations: null`.
    const expected = original.content.map((b) =>
      b.type === "text" ? { type: "text", text: b.text } : b.type === "thinking" ? { ...b, signature: "" } : b,
    );
    expect(back.content).toEqual(expected);
    expect(back.stop_reason).toBe("tool_use");
    expect(back.usage).toEqual({ input_tokens: 2095, cache_read_input_tokens: 1800, cache_creation_input_tokens: 312, output_tokens: 503 });
  });

  it("OpenAI -> Anthropic -> OpenAI keeps tool calls, finish reason and token totals", () => {
    const original = fixtures.openaiCompletionToolCalls();
    const back = anthropicResponseToOpenai(openaiResponseToAnthropic(original, "m"), "m", CREATED);
    const calls = back.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual(
      (original.choices[0]?.message.tool_calls ?? []).map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]),
    );
    expect(back.choices[0]?.finish_reason).toBe("tool_calls");
    expect(back.usage).toEqual({
      prompt_tokens: 1117,
      completion_tokens: 219,
      total_tokens: 1336,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 128 },
    });
  });
});
