import { describe, expect, it } from "vitest";
import { callGateway, receivedFor, scriptAnswer, sse } from "../loopback/client";

// JSON mode and reasoning through translation, end to end: the client's request as the provider receives it, and
// the provider's answer as the client gets it, with the loopback provider speaking each API's wire format.

const JSON_TOOL = "tracegate_json_answer";
const usage = { input_tokens: 5, output_tokens: 7 };

describe("JSON mode, OpenAI client to an Anthropic model", () => {
  const request = (model: string, extra: Record<string, unknown> = {}) => ({
    model: `anthropic/${model}`,
    messages: [{ role: "user", content: "A city as JSON" }],
    response_format: { type: "json_object" },
    ...extra,
  });

  it("not streamed: the provider is asked for the JSON tool, the client gets the object as the message's text", async () => {
    const answer = { id: "msg_j", type: "message", role: "assistant", model: "claude", content: [{ type: "tool_use", id: "toolu_j", name: JSON_TOOL, input: { city: "Paris" } }], stop_reason: "tool_use", stop_sequence: null, usage };
    const model = await scriptAnswer({ body: JSON.stringify(answer) });
    const res = await callGateway("/v1/chat/completions", request(model));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { message: { content: string; tool_calls?: unknown }; finish_reason: string }[] };
    expect(JSON.parse(body.choices[0]?.message.content ?? "")).toEqual({ city: "Paris" });
    expect(body.choices[0]?.message.tool_calls).toBeUndefined();
    expect(body.choices[0]?.finish_reason).toBe("stop");
    const sent = (await receivedFor(model)).body;
    expect(sent.tool_choice).toEqual({ type: "tool", name: JSON_TOOL });
    expect((sent.tools as { name: string }[]).map((t) => t.name)).toEqual([JSON_TOOL]);
  });

  it("streamed: the tool's input arrives as content deltas", async () => {
    const events = [
      { type: "message_start", message: { id: "msg_j", type: "message", role: "assistant", model: "claude", content: [], stop_reason: null, stop_sequence: null, usage } },
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_j", name: JSON_TOOL, input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"city":' } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: ' "Paris"}' } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 9 } },
      { type: "message_stop" },
    ];
    const model = await scriptAnswer({ body: sse(events.map((data) => ({ event: data.type, data }))) });
    const res = await callGateway("/v1/chat/completions", request(model, { stream: true }));
    const chunks = (await res.text())
      .split("\n\n")
      .filter((e) => e.startsWith("data: {"))
      .map((e) => JSON.parse(e.slice(6)) as { choices: { delta: { content?: string }; finish_reason: string | null }[] });
    expect(JSON.parse(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""))).toEqual({ city: "Paris" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });
});

describe("reasoning through translation", () => {
  it("OpenAI reasoning_effort turns on Claude's thinking; its thinking comes back as reasoning_content", async () => {
    const answer = {
      id: "msg_r",
      type: "message",
      role: "assistant",
      model: "claude",
      content: [{ type: "thinking", thinking: "2+2 is 4.", signature: "sig" }, { type: "text", text: "4" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage,
    };
    const model = await scriptAnswer({ body: JSON.stringify(answer) });
    const res = await callGateway("/v1/chat/completions", {
      model: `anthropic/${model}`,
      messages: [{ role: "user", content: "2+2?" }],
      reasoning_effort: "medium",
      max_completion_tokens: 20000,
    });
    const body = (await res.json()) as { choices: { message: { content: string; reasoning_content: string } }[] };
    expect(body.choices[0]?.message).toMatchObject({ content: "4", reasoning_content: "2+2 is 4." });
    expect((await receivedFor(model)).body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 8192 }, max_tokens: 20000 });
  });

  it("Anthropic thinking.budget_tokens becomes reasoning_effort; reasoning_content comes back as a thinking block", async () => {
    const completion = {
      id: "chatcmpl-r",
      object: "chat.completion",
      created: 1,
      model: "deepseek-reasoner",
      choices: [{ index: 0, message: { role: "assistant", content: "4", reasoning_content: "2+2 is 4." }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    };
    const model = await scriptAnswer({ body: JSON.stringify(completion) });
    const res = await callGateway("/v1/messages", {
      model: `openai/${model}`,
      max_tokens: 20000,
      thinking: { type: "enabled", budget_tokens: 16000 },
      messages: [{ role: "user", content: "2+2?" }],
    });
    const body = (await res.json()) as { content: unknown[] };
    expect(body.content).toEqual([
      { type: "thinking", thinking: "2+2 is 4.", signature: "" },
      { type: "text", text: "4" },
    ]);
    expect((await receivedFor(model)).body).toMatchObject({ reasoning_effort: "high", max_completion_tokens: 20000 });
  });

  it("a stream's `reasoning` (Groq, OpenRouter) becomes thinking deltas on the Anthropic route", async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      data: { id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] },
    });
    const body = sse([chunk({ role: "assistant", reasoning: "Adding." }), chunk({ content: "4" }), chunk({}, "stop"), { data: "[DONE]" }]);
    const model = await scriptAnswer({ body });
    const res = await callGateway("/v1/messages", { model: `openai/${model}`, max_tokens: 50, stream: true, messages: [{ role: "user", content: "2+2?" }] });
    const events = (await res.text())
      .split("\n\n")
      .filter((e) => e.includes("data: "))
      .map((e) => JSON.parse(e.slice(e.indexOf("data: ") + 6)) as { type: string; delta?: unknown; content_block?: unknown });
    expect(events.filter((e) => e.type === "content_block_start").map((e) => e.content_block)).toEqual([
      { type: "thinking", thinking: "", signature: "" },
      { type: "text", text: "" },
    ]);
    expect(events.filter((e) => e.type === "content_block_delta").map((e) => e.delta)).toEqual([
      { type: "thinking_delta", thinking: "Adding." },
      { type: "text_delta", text: "4" },
    ]);
  });
});
