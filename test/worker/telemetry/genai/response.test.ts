import { describe, expect, it } from "vitest";
import { responseTap, type ResponseTap } from "../../../../src/telemetry/genai/response";
import { anthropicSdkFinalMessage, fixtures, openaiSdkFinalCompletion } from "../../../fixtures/translate";

const CAPTURE = { captureContent: true };

function streamed(tap: ResponseTap, events: readonly unknown[]): ResponseTap {
  for (const event of events) tap.observeEvent(event);
  return tap;
}

function outputMessages(tap: ResponseTap): unknown {
  const value = tap.attributes(true)["gen_ai.output.messages"];
  expect(typeof value).toBe("string");
  return JSON.parse(value as string);
}

/** An OpenAI chunk with one choice. */
function chunk(choice: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-9x",
    object: "chat.completion.chunk",
    created: 1750170548,
    model: "deepseek-reasoner",
    choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: null, ...choice }],
    usage: null,
    ...extra,
  };
}

describe("responseTap: OpenAI, non-streamed", () => {
  it("id, model, finish reasons and usage (cached + reasoning tokens)", () => {
    const tap = responseTap("openai");
    tap.observeResponse(fixtures.openaiCompletionToolCalls());
    expect(tap.attributes(false)).toEqual({
      "gen_ai.response.id": "chatcmpl-BjQ5w3HbV8nE1yZkTq0aLr6pXc2dM",
      "gen_ai.response.model": "o4-mini-2025-04-16",
      "gen_ai.response.finish_reasons": ["tool_calls"],
      "gen_ai.usage.input_tokens": 1117,
      "gen_ai.usage.output_tokens": 219,
      "gen_ai.usage.cache_read.input_tokens": 1024,
      "gen_ai.usage.reasoning.output_tokens": 128,
      // The answer's service tier; its `system_fingerprint` is null, so not recorded.
      "openai.response.service_tier": "default",
    });
    expect(tap.usage()).toEqual({ input: 1117, output: 219, cacheRead: 1024, cacheCreation: undefined, reasoning: 128 });
  });

  it("prompt_tokens already includes cached and cache-write tokens: input is prompt_tokens", () => {
    const tap = responseTap("openai");
    tap.observeResponse({
      id: "chatcmpl-1",
      model: "claude-sonnet-4-5",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 3000,
        completion_tokens: 10,
        total_tokens: 3010,
        prompt_tokens_details: { cached_tokens: 1800, cache_write_tokens: 312 },
      },
    });
    expect(tap.usage()).toEqual({ input: 3000, output: 10, cacheRead: 1800, cacheCreation: 312, reasoning: undefined });
    expect(tap.attributes(false)["gen_ai.usage.cache_creation.input_tokens"]).toBe(312);
  });

  it("DeepSeek reports cache hits as prompt_cache_hit_tokens", () => {
    const tap = responseTap("openai");
    tap.observeResponse({ usage: { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 } });
    expect(tap.usage()).toEqual({ input: 100, output: 5, cacheRead: 64, cacheCreation: undefined, reasoning: undefined });
  });

  it("several choices: one finish reason per choice, in index order", () => {
    const tap = responseTap("openai", CAPTURE);
    tap.observeResponse({
      id: "chatcmpl-2",
      model: "gpt-4o-mini",
      choices: [
        { index: 1, message: { role: "assistant", content: "Why did OTel..." }, finish_reason: "length" },
        { index: 0, message: { role: "assistant", content: "A span walks into a bar." }, finish_reason: "stop" },
      ],
    });
    expect(tap.attributes(false)["gen_ai.response.finish_reasons"]).toEqual(["stop", "length"]);
    expect(outputMessages(tap)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "A span walks into a bar." }], finish_reason: "stop" },
      { role: "assistant", parts: [{ type: "text", content: "Why did OTel..." }], finish_reason: "length" },
    ]);
  });

  it("capture: tool calls with parsed arguments, no empty text part for content null", () => {
    const tap = responseTap("openai", CAPTURE);
    tap.observeResponse(fixtures.openaiCompletionToolCalls());
    expect(outputMessages(tap)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "tool_call", id: "call_FthC9qRpsL5kBpwwyw6c7j4k", name: "get_weather", arguments: { location: "Paris, France", unit: "celsius" } },
          { type: "tool_call", id: "call_RpEDoB8O0FTL9JoKTuCVFOyR", name: "get_time", arguments: { timezone: "Europe/Paris" } },
        ],
        finish_reason: "tool_calls",
      },
    ]);
  });

  it("capture: a refusal is the model's text", () => {
    const tap = responseTap("openai", CAPTURE);
    tap.observeResponse({
      choices: [{ index: 0, message: { role: "assistant", content: null, refusal: "I can't help with that." }, finish_reason: "stop" }],
    });
    expect(outputMessages(tap)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "I can't help with that." }], finish_reason: "stop" },
    ]);
  });

  it("an error body records nothing", () => {
    const tap = responseTap("openai", CAPTURE);
    tap.observeResponse({ error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } });
    expect(tap.attributes(true)).toEqual({});
    expect(tap.usage()).toEqual({});
  });
});

describe("responseTap: OpenAI, streamed", () => {
  it("id/model from the chunks, finish reason per choice, usage from the final usage chunk", () => {
    const tap = streamed(responseTap("openai"), fixtures.openaiStreamToolCalls());
    expect(tap.attributes(false)).toEqual({
      "gen_ai.response.id": "chatcmpl-BjQ2qRdMWXAjo9Fwzc3UxBsy0yWfV",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.response.finish_reasons": ["tool_calls"],
      "gen_ai.usage.input_tokens": 1310,
      "gen_ai.usage.output_tokens": 58,
      "gen_ai.usage.cache_read.input_tokens": 1024,
      "gen_ai.usage.reasoning.output_tokens": 0,
      "openai.response.service_tier": "default",
      "openai.response.system_fingerprint": "fp_07871e2ad8",
    });
  });

  it("capture: text deltas and tool-call fragments are reassembled per choice", () => {
    const tap = streamed(responseTap("openai", CAPTURE), fixtures.openaiStreamToolCalls());
    expect(outputMessages(tap)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Checking both cities." },
          { type: "tool_call", id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", arguments: { location: "Paris, France" } },
          { type: "tool_call", id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", name: "get_weather", arguments: { location: "Bogotá, Colombia" } },
        ],
        finish_reason: "tool_calls",
      },
    ]);
  });

  it("capture: the stream gives the same output messages as the OpenAI SDK's assembled completion", async () => {
    const chunks = fixtures.openaiStreamToolCalls();
    const fromStream = streamed(responseTap("openai", CAPTURE), chunks);
    const fromSdk = responseTap("openai", CAPTURE);
    fromSdk.observeResponse(await openaiSdkFinalCompletion(chunks));
    expect(outputMessages(fromStream)).toEqual(outputMessages(fromSdk));
    expect(fromStream.attributes(true)["gen_ai.response.finish_reasons"]).toEqual(fromSdk.attributes(true)["gen_ai.response.finish_reasons"]);
  });

  it("two interleaved choices with reasoning_content (DeepSeek), each with its own finish reason", () => {
    const events = [
      chunk({ index: 0, delta: { role: "assistant", content: null, reasoning_content: "Think" } }),
      chunk({ index: 1, delta: { role: "assistant", content: "B" } }),
      chunk({ index: 0, delta: { reasoning_content: "ing." } }),
      chunk({ index: 0, delta: { content: "A1" } }),
      chunk({ index: 1, delta: { content: "2" }, finish_reason: "length" }),
      chunk({ index: 0, delta: { content: "!" }, finish_reason: "stop" }),
      {
        ...chunk({}),
        choices: [],
        usage: {
          prompt_tokens: 20,
          completion_tokens: 30,
          total_tokens: 50,
          prompt_cache_hit_tokens: 0,
          prompt_cache_miss_tokens: 20,
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      },
    ];
    const tap = streamed(responseTap("openai", CAPTURE), events);
    expect(tap.attributes(false)).toEqual({
      "gen_ai.response.id": "chatcmpl-9x",
      "gen_ai.response.model": "deepseek-reasoner",
      "gen_ai.response.finish_reasons": ["stop", "length"],
      "gen_ai.usage.input_tokens": 20,
      "gen_ai.usage.output_tokens": 30,
      "gen_ai.usage.cache_read.input_tokens": 0,
      "gen_ai.usage.reasoning.output_tokens": 12,
    });
    expect(outputMessages(tap)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "Thinking." },
          { type: "text", content: "A1!" },
        ],
        finish_reason: "stop",
      },
      { role: "assistant", parts: [{ type: "text", content: "B2" }], finish_reason: "length" },
    ]);
  });

  it("a stream cut off before its finish chunk reports `error` for the unfinished choice and no usage", () => {
    const events = fixtures.openaiStreamToolCalls().slice(0, 6);
    const tap = streamed(responseTap("openai", CAPTURE), events);
    expect(tap.attributes(false)).toEqual({
      "gen_ai.response.id": "chatcmpl-BjQ2qRdMWXAjo9Fwzc3UxBsy0yWfV",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.response.finish_reasons": ["error"],
      "openai.response.service_tier": "default",
      "openai.response.system_fingerprint": "fp_07871e2ad8",
    });
    expect(tap.usage()).toEqual({});
    // The half-streamed tool call keeps its raw, unparsable arguments.
    expect(outputMessages(tap)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Checking both cities." },
          { type: "tool_call", id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", arguments: '{"location": "Par' },
        ],
        finish_reason: "error",
      },
    ]);
  });

  it("id and model: an empty id/model in a first chunk (Azure's prompt-filter chunk) does not stick", () => {
    const tap = streamed(responseTap("openai"), [
      { id: "", model: "", object: "", created: 0, choices: [], prompt_filter_results: [] },
      chunk({ delta: { content: "x" }, finish_reason: "stop" }, { model: "gpt-4o-2024-11-20" }),
    ]);
    expect(tap.attributes(false)["gen_ai.response.id"]).toBe("chatcmpl-9x");
    expect(tap.attributes(false)["gen_ai.response.model"]).toBe("gpt-4o-2024-11-20");
  });

  it("capture off: nothing accumulated, no output messages even if attributes(true) is asked", () => {
    const tap = streamed(responseTap("openai"), fixtures.openaiStreamToolCalls());
    expect(tap.attributes(true)).not.toHaveProperty("gen_ai.output.messages");
    const off = streamed(responseTap("openai", { captureContent: false }), fixtures.openaiStreamToolCalls());
    expect(off.attributes(true)).not.toHaveProperty("gen_ai.output.messages");
    const notAsked = streamed(responseTap("openai", CAPTURE), fixtures.openaiStreamToolCalls());
    expect(notAsked.attributes(false)).not.toHaveProperty("gen_ai.output.messages");
  });

  it("nothing observed: no attributes at all", () => {
    expect(responseTap("openai", CAPTURE).attributes(true)).toEqual({});
    expect(responseTap("anthropic", CAPTURE).attributes(true)).toEqual({});
  });
});

describe("responseTap: Anthropic, non-streamed", () => {
  it("input = input_tokens + cache_read + cache_creation; stop_reason as the finish reason", () => {
    const tap = responseTap("anthropic");
    tap.observeResponse(fixtures.anthropicMessageToolUse());
    expect(tap.attributes(false)).toEqual({
      "gen_ai.response.id": "msg_01Aq9w938a90dw8q",
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.response.finish_reasons": ["tool_use"],
      "gen_ai.usage.input_tokens": 2095 + 1800 + 312,
      "gen_ai.usage.output_tokens": 503,
      "gen_ai.usage.cache_read.input_tokens": 1800,
      "gen_ai.usage.cache_creation.input_tokens": 312,
    });
    expect(tap.usage()).toEqual({ input: 4207, output: 503, cacheRead: 1800, cacheCreation: 312, reasoning: undefined });
  });

  it("thinking tokens, when reported, are the reasoning output tokens", () => {
    const tap = responseTap("anthropic");
    const message = fixtures.anthropicMessageToolUse();
    tap.observeResponse({ ...message, usage: { ...message.usage, output_tokens_details: { thinking_tokens: 120 } } });
    expect(tap.attributes(false)["gen_ai.usage.reasoning.output_tokens"]).toBe(120);
  });

  it("capture: thinking -> reasoning, text, tool_use -> tool_call (signature not copied)", () => {
    const tap = responseTap("anthropic", CAPTURE);
    tap.observeResponse(fixtures.anthropicMessageToolUse());
    const messages = outputMessages(tap);
    expect(messages).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "The user wants the weather in Paris. I should call get_weather." },
          { type: "text", content: "I'll look up the current weather in Paris." },
          { type: "tool_call", id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: { location: "Paris, France", unit: "celsius" } },
        ],
        finish_reason: "tool_use",
      },
    ]);
    expect(JSON.stringify(messages)).not.toContain("EuYBCkQ");
  });

  it("an error body records nothing", () => {
    const tap = responseTap("anthropic", CAPTURE);
    tap.observeResponse({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    expect(tap.attributes(true)).toEqual({});
  });
});

describe("responseTap: Anthropic, streamed", () => {
  it("message_start: id/model/input+cache; message_delta: stop_reason and cumulative usage (later wins)", () => {
    const tap = streamed(responseTap("anthropic"), fixtures.anthropicStreamToolUse());
    expect(tap.attributes(false)).toEqual({
      "gen_ai.response.id": "msg_014p7gG3wDgGV9EUtLvnow3U",
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.response.finish_reasons": ["tool_use"],
      "gen_ai.usage.input_tokens": 472 + 1024 + 256,
      "gen_ai.usage.output_tokens": 89,
      "gen_ai.usage.cache_read.input_tokens": 1024,
      "gen_ai.usage.cache_creation.input_tokens": 256,
    });
  });

  it("message_delta with output_tokens only keeps message_start's input counts", () => {
    const tap = streamed(responseTap("anthropic"), fixtures.anthropicStreamThinking());
    expect(tap.usage()).toEqual({ input: 53, output: 112, cacheRead: 0, cacheCreation: 0, reasoning: undefined });
    expect(tap.attributes(false)["gen_ai.response.finish_reasons"]).toEqual(["end_turn"]);
  });

  it("message_delta input/cache counts replace message_start's (server tools add input mid-turn)", () => {
    const events = fixtures.anthropicStreamToolUse();
    const tap = streamed(responseTap("anthropic"), [
      ...events.slice(0, -2),
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { input_tokens: 9000, cache_creation_input_tokens: null, cache_read_input_tokens: 2048, output_tokens: 300 },
      },
    ]);
    expect(tap.usage()).toEqual({ input: 9000 + 2048 + 256, output: 300, cacheRead: 2048, cacheCreation: 256, reasoning: undefined });
    expect(tap.attributes(false)["gen_ai.response.finish_reasons"]).toEqual(["end_turn"]);
  });

  it("capture: text deltas and input_json fragments are reassembled per content block", () => {
    const tap = streamed(responseTap("anthropic", CAPTURE), fixtures.anthropicStreamToolUse());
    expect(outputMessages(tap)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Okay, let's check the weather for San Francisco, CA:" },
          { type: "tool_call", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", arguments: { location: "San Francisco, CA", unit: "fahrenheit" } },
        ],
        finish_reason: "tool_use",
      },
    ]);
  });

  it("capture: thinking deltas -> reasoning part; signature deltas are dropped", () => {
    const tap = streamed(responseTap("anthropic", CAPTURE), fixtures.anthropicStreamThinking());
    const messages = outputMessages(tap);
    expect(messages).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231." },
          { type: "text", content: "27 * 453 = 12,231" },
        ],
        finish_reason: "end_turn",
      },
    ]);
    expect(JSON.stringify(messages)).not.toContain("EqQBCgIY");
  });

  it("capture: the stream gives the same output messages as the Anthropic SDK's assembled message", async () => {
    for (const events of [fixtures.anthropicStreamToolUse(), fixtures.anthropicStreamThinking()]) {
      const fromStream = streamed(responseTap("anthropic", CAPTURE), events);
      const fromSdk = responseTap("anthropic", CAPTURE);
      fromSdk.observeResponse(await anthropicSdkFinalMessage(events));
      expect(fromStream.attributes(true)).toEqual(fromSdk.attributes(true));
    }
  });

  it("a stream cut by an error event: finish reason `error`, partial text kept", () => {
    const tap = streamed(responseTap("anthropic", CAPTURE), fixtures.anthropicStreamError());
    expect(tap.attributes(false)).toMatchObject({
      "gen_ai.response.id": "msg_01Ck4NKqgA6LxmC3Lz9vhyEm",
      "gen_ai.response.finish_reasons": ["error"],
      "gen_ai.usage.input_tokens": 12,
    });
    expect(outputMessages(tap)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "Once upon" }], finish_reason: "error" }]);
  });

  it("capture: server tools (web search) become server_tool_call / server_tool_call_response parts", () => {
    const events = [
      {
        type: "message_start",
        message: {
          id: "msg_01Web",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 2679, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 },
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "server_tool_use", id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB", name: "web_search", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"query": "weather NYC today"}' } },
      { type: "content_block_stop", index: 0 },
      {
        type: "content_block_start",
        index: 1,
        content_block: {
          type: "web_search_tool_result",
          tool_use_id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
          content: [{ type: "web_search_result", title: "NYC Weather", url: "https://weather.example/nyc", encrypted_content: "Eo8BCioIAhgB", page_age: null }],
        },
      },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "Sunny, 24°C." } },
      { type: "content_block_stop", index: 2 },
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { input_tokens: 10682, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 510, server_tool_use: { web_search_requests: 1 } },
      },
      { type: "message_stop" },
    ];
    const tap = streamed(responseTap("anthropic", CAPTURE), events);
    expect(tap.usage().input).toBe(10682);
    expect(outputMessages(tap)).toEqual([
      {
        role: "assistant",
        parts: [
          {
            type: "server_tool_call",
            id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
            name: "web_search",
            server_tool_call: { type: "web_search", input: { query: "weather NYC today" } },
          },
          {
            type: "server_tool_call_response",
            id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
            server_tool_call_response: {
              type: "web_search_tool_result",
              content: [{ type: "web_search_result", title: "NYC Weather", url: "https://weather.example/nyc", encrypted_content: "Eo8BCioIAhgB", page_age: null }],
            },
          },
          { type: "text", content: "Sunny, 24°C." },
        ],
        finish_reason: "end_turn",
      },
    ]);
  });

  it("capture off: no output messages", () => {
    const tap = streamed(responseTap("anthropic"), fixtures.anthropicStreamToolUse());
    expect(tap.attributes(true)).not.toHaveProperty("gen_ai.output.messages");
  });
});

describe("responseTap: odd shapes never throw", () => {
  const junk: unknown[] = [
    null,
    undefined,
    42,
    "data: [DONE]",
    [],
    [1, 2],
    {},
    { id: 5, model: null, choices: "nope", usage: 7 },
    { choices: [null, 5, "x", { index: -1, delta: { content: "neg" } }, { index: 1e9, finish_reason: "stop" }, { index: 2.5 }] },
    { choices: [{ index: 0, delta: { content: 5, tool_calls: [null, { index: "a" }, { index: 0, function: "f" }, { index: 500 }] }, finish_reason: 3 }] },
    { choices: [{ index: 0, delta: null, message: "m" }], usage: { prompt_tokens: "10", completion_tokens: -0.5, prompt_tokens_details: [] } },
    { type: "message_start", message: null },
    { type: "message_start", message: { usage: { input_tokens: "many" } } },
    { type: "content_block_start", index: 0, content_block: null },
    { type: "content_block_start", index: -3, content_block: { type: "text" } },
    { type: "content_block_start", index: 1e9, content_block: { type: "text" } },
    { type: "content_block_delta", index: 7, delta: { type: "text_delta", text: "orphan" } },
    { type: "content_block_delta", index: 0, delta: null },
    { type: "message_delta", delta: null, usage: null },
    { type: "message_delta", delta: { stop_reason: 5 }, usage: { output_tokens: "x" } },
    { type: "error", error: null },
    { type: 12 },
  ];

  for (const iface of ["openai", "anthropic"] as const) {
    for (const capture of [false, true]) {
      it(`${iface}, capture ${capture}: junk events and bodies`, () => {
        const tap = responseTap(iface, { captureContent: capture });
        for (const item of junk) {
          expect(() => tap.observeEvent(item)).not.toThrow();
          expect(() => tap.observeResponse(item)).not.toThrow();
        }
        const attrs = tap.attributes(true);
        const finish = attrs["gen_ai.response.finish_reasons"];
        if (finish !== undefined) expect((finish as string[]).length).toBeLessThanOrEqual(128);
        for (const value of Object.values(attrs)) {
          expect(["string", "number", "object"]).toContain(typeof value);
          if (typeof value === "number") expect(Number.isSafeInteger(value)).toBe(true);
        }
        const out = attrs["gen_ai.output.messages"];
        if (out !== undefined) expect(Array.isArray(JSON.parse(out as string))).toBe(true);
        expect(() => tap.usage()).not.toThrow();
      });
    }
  }
});
