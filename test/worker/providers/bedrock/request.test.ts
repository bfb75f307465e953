import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest, ChatMessage } from "../../../../src/formats/openai";
import { converseRequestFromOpenai } from "../../../../src/providers/bedrock/request";
import { fixtures, PNG, translationError } from "../../../fixtures/translate";

const chat = (messages: ChatMessage[], extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: "amazon_bedrock/anthropic.claude-3-haiku-20240307-v1:0",
  messages,
  ...extra,
});

describe("converseRequestFromOpenai: the recorded agent conversation (its image link removed)", () => {
  const req = fixtures.openaiRequestAgent();
  const user = req.messages[2];
  if (user?.role === "user" && Array.isArray(user.content)) user.content = user.content.slice(0, 2);
  const out = converseRequestFromOpenai(req);

  it("sends every system and developer message as system blocks, in order", () => {
    expect(out.system).toEqual([{ text: "You are a weather assistant." }, { text: "Answer in metric units." }]);
  });

  it("sends a data: URL image as bytes with its format", () => {
    expect(out.messages[0]).toEqual({
      role: "user",
      content: [
        { text: "What's the weather where this photo was taken, and in Bogotá?" },
        { image: { format: "png", source: { bytes: PNG } } },
      ],
    });
  });

  it("sends tool calls as toolUse blocks with parsed input, and tool results in one user turn before its text", () => {
    expect(out.messages[1]).toEqual({
      role: "assistant",
      content: [
        { text: "Checking both cities." },
        { toolUse: { toolUseId: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", input: { location: "Paris, France" } } },
        { toolUse: { toolUseId: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", name: "get_weather", input: { location: "Bogotá, Colombia" } } },
      ],
    });
    expect(out.messages[2]).toEqual({
      role: "user",
      content: [
        { toolResult: { toolUseId: "call_DdmO9pD3xa9XTPNJ32zg2hcA", content: [{ text: "18°C, cloudy" }] } },
        { toolResult: { toolUseId: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", content: [{ text: "14°C, rain" }] } },
        { text: "Thanks! Which is warmer?" },
      ],
    });
    expect(out.messages).toHaveLength(3);
  });

  it("sends tools as toolSpecs and required as any", () => {
    expect(out.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "get_weather",
            description: "Get the current weather for a location",
            inputSchema: { json: req.tools?.[0]?.function.parameters },
          },
        },
      ],
      toolChoice: { any: {} },
    });
  });

  it("sends max_completion_tokens, temperature, top_p and stop as inferenceConfig, and nothing of seed or penalties", () => {
    expect(out.inferenceConfig).toEqual({ maxTokens: 1024, temperature: 0.2, topP: 0.9, stopSequences: ["\n\nHuman:"] });
    expect(Object.keys(out).sort()).toEqual(["inferenceConfig", "messages", "system", "toolConfig"]);
  });
});

describe("converseRequestFromOpenai: choices and formats", () => {
  const tools: ChatCompletionRequest["tools"] = [{ type: "function", function: { name: "f" } }];
  const hi: ChatMessage[] = [{ role: "user", content: "hi" }];

  it("maps tool_choice auto and a named function; a tool without parameters gets an empty object schema", () => {
    expect(converseRequestFromOpenai(chat(hi, { tools, tool_choice: "auto" })).toolConfig).toEqual({
      tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }],
      toolChoice: { auto: {} },
    });
    const named = converseRequestFromOpenai(chat(hi, { tools, tool_choice: { type: "function", function: { name: "f" } } }));
    expect(named.toolConfig?.toolChoice).toEqual({ tool: { name: "f" } });
  });

  it("leaves the tools out for tool_choice none, unless the history holds tool blocks", () => {
    expect(converseRequestFromOpenai(chat(hi, { tools, tool_choice: "none" })).toolConfig).toBeUndefined();
    const history: ChatMessage[] = [
      ...hi,
      { role: "assistant", tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "t1", content: "" },
    ];
    const out = converseRequestFromOpenai(chat(history, { tools, tool_choice: "none" }));
    expect(out.toolConfig).toEqual({ tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }] });
    expect(out.messages[2]?.content).toEqual([{ toolResult: { toolUseId: "t1", content: [{ text: "(empty)" }] } }]);
  });

  it("sends response_format json_schema as outputConfig with the schema as a string", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    const out = converseRequestFromOpenai(
      chat(hi, { response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } } }),
    );
    expect(out.outputConfig).toEqual({
      textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(schema), name: "answer" } } },
    });
  });

  it("uses max_tokens when max_completion_tokens is absent, and a stop list as it is", () => {
    expect(converseRequestFromOpenai(chat(hi, { max_tokens: 50, stop: ["a", "b"] })).inferenceConfig).toEqual({
      maxTokens: 50,
      stopSequences: ["a", "b"],
    });
    expect(converseRequestFromOpenai(chat(hi)).inferenceConfig).toBeUndefined();
  });

  it("merges consecutive turns of one role and leaves empty text out", () => {
    const out = converseRequestFromOpenai(chat([{ role: "user", content: "a" }, { role: "user", content: "" }, { role: "user", content: "b" }]));
    expect(out.messages).toEqual([{ role: "user", content: [{ text: "a" }, { text: "b" }] }]);
  });
});

describe("converseRequestFromOpenai: what Bedrock cannot take", () => {
  it("refuses an image link, naming the field", () => {
    const err = translationError(() =>
      converseRequestFromOpenai(chat([{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x.test/a.png" } }] }])),
    );
    expect(err.param).toBe("messages[0].content[0].image_url.url");
    expect(err.message).toMatch(/base64 data: URLs/);
  });

  it("refuses an image type Bedrock does not know, n > 1 and audio parts", () => {
    const bmp = [{ role: "user" as const, content: [{ type: "image_url" as const, image_url: { url: "data:image/bmp;base64,AAAA" } }] }];
    expect(translationError(() => converseRequestFromOpenai(chat(bmp))).message).toMatch(/image\/bmp is not supported by Bedrock/);
    expect(translationError(() => converseRequestFromOpenai(chat([{ role: "user", content: "x" }], { n: 2 }))).param).toBe("n");
    const audio = [{ role: "user" as const, content: [{ type: "input_audio" as const, input_audio: { data: "AA", format: "wav" } }] }];
    expect(translationError(() => converseRequestFromOpenai(chat(audio))).param).toBe("messages[0].content[0].type");
  });
});
