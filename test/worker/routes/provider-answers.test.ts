import { describe, expect, it } from "vitest";
import { callGateway, scriptAnswer, SPAN_KIND, spansOf, sse, STATUS, traceIdOf } from "../loopback/client";

// Provider answers are read (checked) where they enter: a wrong-shaped answer is a 502 naming the field, a
// wrong-shaped stream event ends the stream with an error event, and in both cases the CLIENT span is in error.
// The provider is a real server on loopback answering exactly the bytes each test scripts.

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  callGateway("/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }], ...extra });
const messages = (model: string, extra: Record<string, unknown> = {}) =>
  callGateway("/v1/messages", { model, max_tokens: 10, messages: [{ role: "user", content: "hi" }], ...extra });

async function clientSpan(res: Response) {
  const spans = await spansOf(traceIdOf(res), 2);
  const call = spans.find((s) => s.kind === SPAN_KIND.CLIENT);
  expect(call, "the CLIENT span reached the collector").toBeDefined();
  return call;
}

describe("a malformed non-streamed answer", () => {
  it("OpenAI client, Anthropic provider answering 200 {}: 502 naming the missing field, CLIENT span ERROR", async () => {
    const model = await scriptAnswer({ body: "{}" });
    const res = await chat(`anthropic/${model}`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { message: "provider sent a malformed answer: id: required", type: "upstream_error", param: null, code: "upstream_error" },
    });
    const call = await clientSpan(res);
    expect(call?.status.code).toBe(STATUS.ERROR);
    expect(call?.status.message).toBe("provider sent a malformed answer: id: required");
    expect(call?.attributes["error.type"]).toBe("upstream_error");
  });

  it("Anthropic client, OpenAI provider answering 200 {}: 502 in the Anthropic envelope, CLIENT span ERROR", async () => {
    const model = await scriptAnswer({ body: "{}" });
    const res = await messages(`openai/${model}`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      type: "error",
      error: { type: "api_error", message: "provider sent a malformed answer: id: required" },
    });
    expect((await clientSpan(res))?.status.code).toBe(STATUS.ERROR);
  });

  it("null, wrong-typed choices or content, and a nested wrong type are 502s naming what was wrong", async () => {
    const cases: [string, (model: string) => Promise<Response>, string][] = [
      ["null", messages, "expected a JSON object"],
      ['{"id":"c","choices":"nope"}', messages, "choices: expected an array"],
      ['{"id":"c","choices":[{"message":{"content":5}}]}', messages, "choices[0].message.content: expected a string"],
      ['{"id":"m","content":{},"usage":{"input_tokens":1,"output_tokens":1}}', chat, "content: expected an array"],
      ['{"id":"m","content":[{"type":"tool_use","id":"t","name":"f"}],"usage":{"input_tokens":1,"output_tokens":1}}', chat, "content[0].input: required"],
      ['{"id":"m","content":[],"usage":{"input_tokens":"1","output_tokens":1}}', chat, "usage.input_tokens: expected a number"],
      ["not json", chat, "not JSON"],
    ];
    for (const [body, call, detail] of cases) {
      const model = await scriptAnswer({ body });
      const res = await call(call === chat ? `anthropic/${model}` : `openai/${model}`);
      expect(res.status, body).toBe(502);
      expect(await res.text(), body).toContain(`provider sent a malformed answer: ${detail}`);
    }
  });

  it("a pass-through answer is checked too, and a good one is still handed on byte for byte", async () => {
    const bad = await scriptAnswer({ body: '{"id":"c","choices":[{"index":0,"message":null}]}' });
    const res = await chat(`openai/${bad}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("choices[0].message: expected an object");
    const text = '{ "id": "c1", "choices": [ {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"} ], "x_seq": 12345678901234567890 }';
    const good = await scriptAnswer({ body: text });
    const ok = await chat(`openai/${good}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(text);
  });

  it("a well-formed translated answer is still a 200", async () => {
    const model = await scriptAnswer({
      body: JSON.stringify({ id: "msg_1", type: "message", role: "assistant", model: "m", content: [{ type: "text", text: "hello" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } }),
    });
    const res = await chat(`anthropic/${model}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "msg_1", object: "chat.completion", choices: [{ message: { content: "hello" }, finish_reason: "stop" }] });
  });
});

describe("a malformed stream event", () => {
  const messageStart = (message: unknown) => ({ event: "message_start", data: { type: "message_start", message } });

  it("OpenAI client, message_start with an empty message: an error event naming the field, CLIENT span ERROR", async () => {
    const model = await scriptAnswer({ body: sse([messageStart({}), { event: "message_stop", data: { type: "message_stop" } }]) });
    const res = await chat(`anthropic/${model}`, { stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    const error = { message: "provider sent a malformed stream event: message_start.message.id: required", type: "upstream_error", param: null, code: "upstream_error" };
    expect(text).toBe(`data: ${JSON.stringify({ error })}\n\n`);
    const call = await clientSpan(res);
    expect(call?.status.code).toBe(STATUS.ERROR);
    expect(call?.status.message).toBe(error.message);
  });

  it("OpenAI client, a pass-through stream cut short (one chunk, no finish, no [DONE]): an error event, CLIENT span ERROR (D9)", async () => {
    const chunk = { id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }] };
    const model = await scriptAnswer({ body: sse([{ data: chunk }]) });
    const res = await chat(`openai/${model}`, { stream: true });
    expect(res.status).toBe(200);
    const events = (await res.text()).trim().split("\n\n");
    expect(events).toHaveLength(2);
    expect(events.join("\n")).not.toContain("[DONE]");
    const error = { message: "provider stream ended before its finish (truncated)", type: "upstream_error", param: null, code: "upstream_error" };
    expect(events[1]).toBe(`data: ${JSON.stringify({ error })}`);
    const call = await clientSpan(res);
    expect(call?.status.code).toBe(STATUS.ERROR);
    expect(call?.status.message).toBe(error.message);
  });

  it("OpenAI client, an Anthropic stream cut before message_stop: an error event, not a synthesized [DONE] (D9)", async () => {
    const model = await scriptAnswer({
      body: sse([
        messageStart({ id: "msg_1", type: "message", role: "assistant", model: "m", content: [], usage: { input_tokens: 1, output_tokens: 0 } }),
        { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
        { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } } },
      ]),
    });
    const res = await chat(`anthropic/${model}`, { stream: true });
    const text = await res.text();
    expect(text).not.toContain("[DONE]");
    expect(text.trim().split("\n\n").at(-1)).toContain("provider stream ended before its finish (truncated)");
    expect((await clientSpan(res))?.status.code).toBe(STATUS.ERROR);
  });

  it("Anthropic client, a chunk with wrong-typed choices after good ones: an Anthropic error event ends the stream", async () => {
    const chunk = (choices: unknown) => ({ data: { id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices } });
    const model = await scriptAnswer({
      body: sse([chunk([{ index: 0, delta: { role: "assistant", content: "Hel" } }]), chunk("lo"), { data: "[DONE]" }]),
    });
    const res = await messages(`openai/${model}`, { stream: true });
    expect(res.status).toBe(200);
    const events = (await res.text()).trim().split("\n\n");
    expect(events[0]).toMatch(/^event: message_start\n/);
    expect(events.at(-1)).toBe(
      `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message: "provider sent a malformed stream event: choices: expected an array" } })}`,
    );
    expect(events.join("\n")).not.toContain("message_stop");
    expect((await clientSpan(res))?.status.code).toBe(STATUS.ERROR);
  });

  it("a pass-through stream is checked too: a bad Anthropic event ends it with an error event", async () => {
    const model = await scriptAnswer({
      body: sse([
        messageStart({ id: "msg_1", content: [], usage: { input_tokens: 1, output_tokens: 0 } }),
        { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: 7 } } },
      ]),
    });
    const res = await messages(`anthropic/${model}`, { stream: true });
    const events = (await res.text()).trim().split("\n\n");
    expect(events[0]).toMatch(/^event: message_start\n/);
    expect(events.at(-1)).toContain("provider sent a malformed stream event: content_block_delta.delta.text: expected a string");
    expect((await clientSpan(res))?.status.code).toBe(STATUS.ERROR);
  });
});
