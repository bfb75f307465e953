import { describe, expect, it } from "vitest";
import type { MessageParam, MessagesRequest } from "../../../src/formats/anthropic";
import { openaiRequestToAnthropic } from "../../../src/translate/request-to-anthropic";
import { anthropicRequestToOpenai } from "../../../src/translate/request-to-openai";
import { fixtures, PNG, translationError } from "../../fixtures/translate";

const EIFFEL = "https://upload.wikimedia.org/wikipedia/commons/a/a8/Tour_Eiffel_Wikimedia_Commons.jpg";

const messages = (list: MessageParam[], extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "gpt-fast",
  max_tokens: 100,
  messages: list,
  ...extra,
});

describe("anthropicRequestToOpenai: the recorded agent request", () => {
  const req = fixtures.anthropicRequestAgent();
  const out = anthropicRequestToOpenai(req, "gpt-4.1");

  it("turns each system block into a system message and each turn into OpenAI messages", () => {
    expect(out.model).toBe("gpt-4.1");
    expect(out.messages).toEqual([
      { role: "system", content: "You are a coding agent." },
      { role: "system", content: "Work in /repo." },
      {
        role: "user",
        content: [
          { type: "text", text: "List the files, then take a screenshot." },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
      // The thinking block is dropped; tool_use input becomes an arguments string.
      {
        role: "assistant",
        content: "Running ls.",
        tool_calls: [
          { id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", type: "function", function: { name: "bash", arguments: '{"command":"ls"}' } },
          { id: "toolu_01Ww4ZbC3eDT1hJ8JnCF6uLr", type: "function", function: { name: "screenshot", arguments: "{}" } },
        ],
      },
      // Tool results become tool messages right after the assistant; the image a tool returned goes to the user turn.
      { role: "tool", tool_call_id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", content: "README.md\nsrc" },
      { role: "tool", tool_call_id: "toolu_01Ww4ZbC3eDT1hJ8JnCF6uLr", content: "captured" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://example.com/shot.png" } },
          { type: "text", text: "What do you see?" },
        ],
      },
    ]);
  });

  it("maps tools, tool_choice and disable_parallel_tool_use", () => {
    expect(out.tools).toEqual([
      {
        type: "function",
        function: {
          name: "bash",
          description: "Run a shell command",
          parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
        },
      },
      { type: "function", function: { name: "screenshot", parameters: { type: "object", properties: {} } } },
    ]);
    expect(out.tool_choice).toBe("auto");
    expect(out.parallel_tool_calls).toBe(false);
  });

  it("maps max_tokens, stop_sequences, metadata.user_id and sampling; drops top_k", () => {
    expect(out).toMatchObject({
      max_completion_tokens: 2048,
      stop: ["</answer>"],
      user: "user-5678",
      temperature: 0.7,
      top_p: 0.95,
      stream: true,
    });
    const keys = ["max_completion_tokens", "messages", "model", "parallel_tool_calls", "stop", "stream", "temperature"];
    expect(Object.keys(out).sort()).toEqual([...keys, "tool_choice", "tools", "top_p", "user"].sort());
    expect(req).toEqual(fixtures.anthropicRequestAgent());
  });
});

describe("anthropicRequestToOpenai: rules", () => {
  it("keeps string content, joins text-only blocks into a string, and marks failed tool results", () => {
    const out = anthropicRequestToOpenai(
      messages(
        [
          { role: "user", content: "hi" },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: { a: 1 } }] },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "t1", content: "permission denied", is_error: true },
              { type: "text", text: "line 1" },
              { type: "text", text: "line 2" },
            ],
          },
        ],
        { system: "Be brief." },
      ),
      "gpt-4.1",
    );
    expect(out.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      { role: "tool", tool_call_id: "t1", content: "Error: permission denied" },
      { role: "user", content: "line 1\nline 2" },
    ]);
  });

  it("maps each tool_choice form", () => {
    const tools = [{ name: "f", input_schema: { type: "object" } }];
    const convert = (tool_choice: MessagesRequest["tool_choice"]) =>
      anthropicRequestToOpenai(messages([{ role: "user", content: "a" }], { tools, tool_choice }), "m");
    expect(convert({ type: "any" }).tool_choice).toBe("required");
    expect(convert({ type: "none" }).tool_choice).toBe("none");
    expect(convert({ type: "tool", name: "f" }).tool_choice).toEqual({ type: "function", function: { name: "f" } });
    expect(convert({ type: "any" })).not.toHaveProperty("parallel_tool_calls");
    expect(convert(undefined)).not.toHaveProperty("tool_choice");
  });

  it("rejects server tools and document blocks with a TranslationError naming the field", () => {
    const server = translationError(() =>
      anthropicRequestToOpenai(
        messages([{ role: "user", content: "a" }], { tools: [{ type: "web_search_20250305", name: "web_search" }] }),
        "m",
      ),
    );
    expect(server.param).toBe("tools[0]");
    expect(server.message).toContain("web_search_20250305");
    const doc = translationError(() =>
      anthropicRequestToOpenai(
        messages([
          { role: "user", content: [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" } }] },
        ]),
        "m",
      ),
    );
    expect(doc.param).toBe("messages[0].content[0].type");
  });

  it("maps output_config.format to a json_schema response_format", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } } };
    const out = anthropicRequestToOpenai(
      messages([{ role: "user", content: "a" }], { output_config: { format: { type: "json_schema", schema } } }),
      "m",
    );
    expect(out.response_format).toEqual({ type: "json_schema", json_schema: { name: "response", schema, strict: true } });
  });
});

describe("request round trips", () => {
  it("OpenAI -> Anthropic -> OpenAI keeps the conversation (developer becomes system, text parts become strings)", () => {
    const original = fixtures.openaiRequestAgent();
    const back = anthropicRequestToOpenai(openaiRequestToAnthropic(original, "claude"), "gpt");
    const weather = (args: string) => ({ name: "get_weather", arguments: args });
    expect(back.messages).toEqual([
      { role: "system", content: "You are a weather assistant." },
      { role: "system", content: "Answer in metric units." },
      {
        role: "user",
        content: [
          { type: "text", text: "What's the weather where this photo was taken, and in Bogotá?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: "image_url", image_url: { url: EIFFEL } },
        ],
      },
      {
        role: "assistant",
        content: "Checking both cities.",
        tool_calls: [
          { id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", type: "function", function: weather('{"location":"Paris, France"}') },
          { id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", type: "function", function: weather('{"location":"Bogotá, Colombia"}') },
        ],
      },
      { role: "tool", tool_call_id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", content: "18°C, cloudy" },
      { role: "tool", tool_call_id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", content: "14°C, rain" },
      { role: "user", content: "Thanks! Which is warmer?" },
    ]);
    expect(back).toMatchObject({
      tool_choice: "required",
      parallel_tool_calls: false,
      stop: ["\n\nHuman:"],
      user: "user-1234",
      max_completion_tokens: 1024,
    });
    // `strict` has no Anthropic field, so it does not come back.
    const { strict: _strict, ...fn } = original.tools?.[0]?.function ?? { name: "" };
    expect(back.tools).toEqual([{ type: "function", function: fn }]);
  });

  it("Anthropic -> OpenAI -> Anthropic keeps system blocks, tool use and tool results (thinking is dropped)", () => {
    const original = fixtures.anthropicRequestAgent();
    const back = openaiRequestToAnthropic(anthropicRequestToOpenai(original, "gpt"), "claude");
    expect(back.system).toEqual([
      { type: "text", text: "You are a coding agent." },
      { type: "text", text: "Work in /repo." },
    ]);
    expect(back.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Running ls." },
        { type: "tool_use", id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", name: "bash", input: { command: "ls" } },
        { type: "tool_use", id: "toolu_01Ww4ZbC3eDT1hJ8JnCF6uLr", name: "screenshot", input: {} },
      ],
    });
    expect(back.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", content: "README.md\nsrc" },
        { type: "tool_result", tool_use_id: "toolu_01Ww4ZbC3eDT1hJ8JnCF6uLr", content: "captured" },
        { type: "image", source: { type: "url", url: "https://example.com/shot.png" } },
        { type: "text", text: "What do you see?" },
      ],
    });
    expect(back).toMatchObject({
      max_tokens: 2048,
      stop_sequences: ["</answer>"],
      metadata: { user_id: "user-5678" },
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      tools: [
        { name: "bash", description: "Run a shell command", input_schema: original.tools?.[0]?.input_schema },
        { name: "screenshot", input_schema: { type: "object", properties: {} } },
      ],
    });
  });
});
