import { describe, expect, it } from "vitest";
import type { MessagesRequest } from "../../../src/formats/anthropic";
import type { ChatCompletionRequest } from "../../../src/formats/openai";
import { JSON_MODE_INSTRUCTION, JSON_MODE_TOOL } from "../../../src/translate/json-mode";
import { effortForThinking, THINKING_BUDGETS } from "../../../src/translate/reasoning";
import { openaiRequestToAnthropic } from "../../../src/translate/request-to-anthropic";
import { anthropicRequestToOpenai } from "../../../src/translate/request-to-openai";
import { anthropicResponseToOpenai } from "../../../src/translate/response";
import { anthropicStreamToOpenai } from "../../../src/translate/stream-anthropic-to-openai";

const user = [{ role: "user" as const, content: "Give me a JSON object" }];
const toAnthropic = (extra: Partial<ChatCompletionRequest>) =>
  openaiRequestToAnthropic({ model: "m", messages: user, ...extra } as ChatCompletionRequest, "claude");
const toOpenai = (extra: Partial<MessagesRequest>) =>
  anthropicRequestToOpenai({ model: "m", max_tokens: 100, messages: user, ...extra } as MessagesRequest, "gpt");

describe("JSON mode to Anthropic", () => {
  it("forces the JSON tool when the client has no tools", () => {
    const out = toAnthropic({ response_format: { type: "json_object" } });
    expect(out.tools).toEqual([expect.objectContaining({ name: JSON_MODE_TOOL, input_schema: { type: "object", additionalProperties: true } })]);
    expect(out.tool_choice).toEqual({ type: "tool", name: JSON_MODE_TOOL });
  });

  it("with the client's tools: any tool, the JSON one among them", () => {
    const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } }];
    const out = toAnthropic({ response_format: { type: "json_object" }, tools, parallel_tool_calls: false });
    expect(out.tools?.map((t) => t.name)).toEqual(["lookup", JSON_MODE_TOOL]);
    expect(out.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  it("with thinking on (no forced tool allowed): the instruction in the system prompt", () => {
    const out = toAnthropic({ response_format: { type: "json_object" }, reasoning_effort: "low", messages: [{ role: "system", content: "Be brief." }, ...user] });
    expect(out.tools).toBeUndefined();
    expect(out.system).toBe(`Be brief.\n\n${JSON_MODE_INSTRUCTION}`);
  });

  it("the answer: the tool's input as the message text, finish_reason stop", () => {
    const msg = {
      id: "msg_1",
      content: [{ type: "tool_use" as const, id: "toolu_1", name: JSON_MODE_TOOL, input: { city: "Paris", n: 2 } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    const out = anthropicResponseToOpenai(msg, "m", 1, JSON_MODE_TOOL);
    expect(out.choices[0]?.message).toEqual({ role: "assistant", content: '{"city":"Paris","n":2}', refusal: null });
    expect(out.choices[0]?.finish_reason).toBe("stop");
    // Without JSON mode a tool of that name is an ordinary tool call.
    expect(anthropicResponseToOpenai(msg, "m", 1).choices[0]?.message.tool_calls?.[0]?.function.name).toBe(JSON_MODE_TOOL);
  });

  it("the stream: the tool's input fragments as content, finish_reason stop", () => {
    const t = anthropicStreamToOpenai({ clientModel: "m", includeUsage: false, created: 1, jsonTool: JSON_MODE_TOOL });
    const usage = { input_tokens: 1, output_tokens: 1 };
    const chunks = [
      t.push({ type: "message_start", message: { id: "msg_1", content: [], usage } }),
      t.push({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: JSON_MODE_TOOL, input: {} } }),
      t.push({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } }),
      t.push({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "1}" } }),
      t.push({ type: "content_block_stop", index: 0 }),
      t.push({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 5 } }),
      t.push({ type: "message_stop" }),
    ].flat();
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: "assistant", content: "" }, { content: '{"a":' }, { content: "1}" }, {}]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });
});

describe("reasoning effort <-> thinking budget", () => {
  it("reasoning_effort turns on thinking with the table's budget, the default limit added, temperature left out", () => {
    for (const [effort, budget] of Object.entries(THINKING_BUDGETS)) {
      const out = toAnthropic({ reasoning_effort: effort, temperature: 0.2 });
      expect(out.thinking, effort).toEqual({ type: "enabled", budget_tokens: budget });
      expect(out.max_tokens).toBe(budget + 4096);
      expect(out.temperature).toBeUndefined();
    }
    expect(toAnthropic({ reasoning_effort: "none", temperature: 0.2 })).toMatchObject({ temperature: 0.2 });
    expect(toAnthropic({ reasoning_effort: "none" }).thinking).toBeUndefined();
  });

  it("fits the budget under the client's max_completion_tokens (which counts reasoning at OpenAI)", () => {
    expect(toAnthropic({ reasoning_effort: "high", max_completion_tokens: 6000 })).toMatchObject({
      max_tokens: 6000,
      thinking: { type: "enabled", budget_tokens: 5999 },
    });
    // Below Anthropic's smallest budget: the limit grows by it, the answer keeps its room.
    expect(toAnthropic({ reasoning_effort: "low", max_tokens: 500 })).toMatchObject({
      max_tokens: 1524,
      thinking: { type: "enabled", budget_tokens: 1024 },
    });
  });

  it("thinking.budget_tokens becomes reasoning_effort, read back on the same table", () => {
    const effort = (budget: number) => toOpenai({ thinking: { type: "enabled", budget_tokens: budget } }).reasoning_effort;
    expect([1024, 4096, 4097, 8192, 8193, 32768].map(effort)).toEqual(["low", "low", "medium", "medium", "high", "high"]);
    for (const name of ["low", "medium", "high"]) {
      expect(effort(toAnthropic({ reasoning_effort: name }).thinking?.type === "enabled" ? (THINKING_BUDGETS[name] ?? 0) : 0)).toBe(name);
    }
    expect(toOpenai({ thinking: { type: "disabled" } }).reasoning_effort).toBeUndefined();
    expect(toOpenai({}).reasoning_effort).toBeUndefined();
    expect(effortForThinking({ model: "m", max_tokens: 1, messages: [], output_config: { effort: "max" } })).toBe("high");
  });
});
