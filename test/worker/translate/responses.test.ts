import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../../../src/formats/openai";
import type { ReceivedCompletion } from "../../../src/formats/openai-read";
import type { ResponsesRequest } from "../../../src/formats/responses";
import { TranslationError } from "../../../src/translate/errors";
import { openaiRequestToAnthropic } from "../../../src/translate/request-to-anthropic";
import { responsesRequestToChat } from "../../../src/translate/request-responses-to-chat";
import { chatResponseToResponses, type ResponseContext } from "../../../src/translate/response-chat-to-responses";
import { chatStreamToResponses } from "../../../src/translate/stream-chat-to-responses";

const ctx = (request: ResponsesRequest): ResponseContext => ({ id: "resp_abc", createdAt: 1_700_000_000, model: "gpt-x", request });

describe("responsesRequestToChat", () => {
  it("makes instructions the system message and a string input one user message", () => {
    const out = responsesRequestToChat({ model: "m", instructions: "Be brief.", input: "Hi" }, "up-model");
    expect(out).toEqual({
      model: "up-model",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
  });

  it("translates text, images, function calls and their outputs, in order, after the stored history", () => {
    const req: ResponsesRequest = {
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "Weather here?" },
            { type: "input_image", image_url: "https://example.com/a.png", detail: "low" },
          ],
        },
        { type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' },
        { type: "function_call", call_id: "call_2", name: "weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "call_1", output: "4 C" },
        { type: "function_call_output", call_id: "call_2", output: "20 C" },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thought" }] },
      ],
    };
    const history = [
      { type: "message" as const, role: "user" as const, content: "Earlier" },
      {
        type: "message" as const,
        id: "msg_1",
        role: "assistant" as const,
        status: "completed" as const,
        content: [{ type: "output_text" as const, text: "Before", annotations: [] }],
      },
    ];
    const out = responsesRequestToChat(req, "up", history);
    expect(out.messages).toEqual([
      { role: "user", content: "Earlier" },
      { role: "assistant", content: "Before" },
      {
        role: "user",
        content: [
          { type: "text", text: "Weather here?" },
          { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
          { id: "call_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "4 C" },
      { role: "tool", tool_call_id: "call_2", content: "20 C" },
    ]);
  });

  it("maps tools, tool_choice, text.format, reasoning, limits and streaming", () => {
    const out = responsesRequestToChat(
      {
        model: "m",
        input: "x",
        tools: [{ type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: true }],
        tool_choice: { type: "function", name: "f" },
        parallel_tool_calls: false,
        text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
        reasoning: { effort: "low" },
        max_output_tokens: 100,
        temperature: 0.5,
        top_p: 0.9,
        stream: true,
        store: true,
        metadata: { a: "b" },
      },
      "up",
    );
    expect(out).toMatchObject({
      tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" }, strict: true } }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
      reasoning_effort: "low",
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(out).not.toHaveProperty("store");
    expect(out).not.toHaveProperty("metadata");
    expect(responsesRequestToChat({ model: "m", input: "x", text: { format: { type: "json_object" } } }, "up").response_format)
      .toEqual({ type: "json_object" });
  });

  it("refuses built-in tools and items chat cannot express, naming the field", () => {
    const tool = () => responsesRequestToChat({ model: "m", input: "x", tools: [{ type: "web_search" }] }, "up");
    expect(tool).toThrow(TranslationError);
    expect(tool).toThrow(/tools\[0\]: "web_search" tools needs a provider that serves the Responses API/);
    const item = () => responsesRequestToChat({ model: "m", input: [{ type: "item_reference", id: "x" } as never] }, "up");
    expect(item).toThrow(/input\[0\]: "item_reference" items/);
  });

  it("composes with the Anthropic translation (system, tool_use, tool_result)", () => {
    const chat = responsesRequestToChat(
      {
        model: "m",
        instructions: "Sys",
        input: [
          { role: "user", content: "Go" },
          { type: "function_call", call_id: "c1", name: "f", arguments: '{"a":1}' },
          { type: "function_call_output", call_id: "c1", output: "ok" },
        ],
      },
      "claude",
    );
    const out = openaiRequestToAnthropic(chat, "claude");
    expect(out.system).toBe("Sys");
    expect(out.messages).toEqual([
      { role: "user", content: "Go" },
      { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "f", input: { a: 1 } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "ok" }] },
    ]);
  });
});

const completion = (message: Record<string, unknown>, finish: string): ReceivedCompletion => ({
  id: "chatcmpl-1",
  model: "up",
  choices: [{ index: 0, message, finish_reason: finish }],
  usage: {
    prompt_tokens: 10,
    completion_tokens: 5,
    total_tokens: 15,
    prompt_tokens_details: { cached_tokens: 4 },
    completion_tokens_details: { reasoning_tokens: 2 },
  },
});

describe("chatResponseToResponses", () => {
  it("turns reasoning, text and tool calls into output items with usage details", () => {
    const res = chatResponseToResponses(
      completion(
        {
          role: "assistant",
          content: "Checking.",
          reasoning_content: "think",
          tool_calls: [{ id: "call_9", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        "tool_calls",
      ),
      ctx({ model: "gpt-x", input: "x", instructions: "I", store: false }),
    );
    expect(res).toMatchObject({
      id: "resp_abc",
      object: "response",
      created_at: 1_700_000_000,
      status: "completed",
      model: "gpt-x",
      instructions: "I",
      store: false,
      output_text: "Checking.",
      output: [
        { type: "reasoning", id: "rs_abc", summary: [{ type: "summary_text", text: "think" }] },
        { type: "message", id: "msg_abc", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Checking." }] },
        { type: "function_call", id: "fc_abc_0", call_id: "call_9", name: "f", arguments: "{}", status: "completed" },
      ],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 2 },
        total_tokens: 15,
      },
    });
  });

  it("reports a length finish as incomplete (max_output_tokens)", () => {
    const res = chatResponseToResponses(completion({ role: "assistant", content: "cut" }, "length"), ctx({ model: "m" }));
    expect(res.status).toBe("incomplete");
    expect(res.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "up",
  choices: [{ index: 0, delta, finish_reason: finish as never }],
});

describe("chatStreamToResponses", () => {
  it("emits the typed event sequence with sequence numbers, and completes with usage", () => {
    const t = chatStreamToResponses(ctx({ model: "gpt-x", input: "x" }));
    const events = [
      ...t.push(chunk({ role: "assistant", content: "" })),
      ...t.push(chunk({ reasoning_content: "hm" })),
      ...t.push(chunk({ content: "Hel" })),
      ...t.push(chunk({ content: "lo" })),
      ...t.push(chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } }] })),
      ...t.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] })),
      ...t.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] })),
      ...t.push(chunk({}, "tool_calls")),
      ...t.push({ ...chunk({}), choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 1 } } }),
      ...t.end(),
    ];
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[12]).toMatchObject({ item_id: "msg_abc", output_index: 1, text: "Hello" });
    expect(events[18]).toMatchObject({ item_id: "fc_abc_0", output_index: 2, name: "f", arguments: '{"a":1}' });
    const done = events.at(-1) as unknown as { response: Record<string, unknown> };
    expect(done.response).toMatchObject({
      status: "completed",
      output_text: "Hello",
      usage: { input_tokens: 3, input_tokens_details: { cached_tokens: 1 }, output_tokens: 4, total_tokens: 7 },
      output: [{ type: "reasoning" }, { type: "message" }, { type: "function_call", call_id: "call_1", arguments: '{"a":1}' }],
    });
    expect(t.final).toBe(done.response);
  });

  it("ends a failed stream with response.failed once created, else with an error event", () => {
    const t = chatStreamToResponses(ctx({ model: "m" }));
    expect(t.fail("upstream_error", "boom")).toEqual([
      { type: "error", sequence_number: 0, code: "upstream_error", message: "boom", param: null },
    ]);
    const u = chatStreamToResponses(ctx({ model: "m" }));
    u.push(chunk({ content: "a" }));
    const [failed] = u.fail("upstream_error", "boom");
    expect(failed).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: "upstream_error", message: "boom" } } });
  });
});
