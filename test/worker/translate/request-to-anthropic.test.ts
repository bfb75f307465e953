import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest, ChatMessage } from "../../../src/formats/openai";
import { openaiRequestToAnthropic } from "../../../src/translate/request-to-anthropic";
import { fixtures, PNG, translationError } from "../../fixtures/translate";


const chat = (messages: ChatMessage[], extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: "claude-fast",
  messages,
  ...extra,
});

describe("openaiRequestToAnthropic: the recorded agent conversation", () => {
  const req = fixtures.openaiRequestAgent();
  const out = openaiRequestToAnthropic(req, "claude-sonnet-4-5-20250929");

  it("sends the upstream model and every system/developer message, in order, as system blocks", () => {
    expect(out.model).toBe("claude-sonnet-4-5-20250929");
    expect(out.system).toEqual([
      { type: "text", text: "You are a weather assistant." },
      { type: "text", text: "Answer in metric units." },
    ]);
  });

  it("turns data: URLs into base64 images and http(s) URLs into url images", () => {
    expect(out.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What's the weather where this photo was taken, and in Bogotá?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        {
          type: "image",
          source: { type: "url", url: "https://upload.wikimedia.org/wikipedia/commons/a/a8/Tour_Eiffel_Wikimedia_Commons.jpg" },
        },
      ],
    });
  });

  it("turns tool_calls into tool_use blocks with parsed input", () => {
    expect(out.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Checking both cities." },
        { type: "tool_use", id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", input: { location: "Paris, France" } },
        { type: "tool_use", id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", name: "get_weather", input: { location: "Bogotá, Colombia" } },
      ],
    });
  });

  it("merges consecutive tool messages and the following user message into one user turn", () => {
    expect(out.messages).toHaveLength(3);
    expect(out.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", content: "18°C, cloudy" },
        { type: "tool_result", tool_use_id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", content: [{ type: "text", text: "14°C, rain" }] },
        { type: "text", text: "Thanks! Which is warmer?" },
      ],
    });
  });

  it("maps tools, tool_choice required -> any, parallel_tool_calls false -> disable_parallel_tool_use", () => {
    expect(out.tools).toEqual([
      {
        name: "get_weather",
        description: "Get the current weather for a location",
        input_schema: {
          type: "object",
          properties: { location: { type: "string", description: "City and country" } },
          required: ["location"],
          additionalProperties: false,
        },
      },
    ]);
    expect(out.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  it("maps sampling fields and drops those Anthropic has no field for", () => {
    expect(out).toMatchObject({
      max_tokens: 1024,
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ["\n\nHuman:"],
      metadata: { user_id: "user-1234" },
      stream: true,
    });
    const keys = ["max_tokens", "messages", "metadata", "model", "stop_sequences", "stream", "system", "temperature"];
    expect(Object.keys(out).sort()).toEqual([...keys, "tool_choice", "tools", "top_p"].sort());
  });

  it("does not modify the client's request", () => {
    expect(req).toEqual(fixtures.openaiRequestAgent());
  });
});

describe("openaiRequestToAnthropic: rules", () => {
  const user = (content: string): ChatMessage => ({ role: "user", content });

  it("takes max_completion_tokens, then max_tokens, then 4096", () => {
    expect(openaiRequestToAnthropic(chat([user("a")], { max_completion_tokens: 300, max_tokens: 200 }), "m").max_tokens).toBe(300);
    expect(openaiRequestToAnthropic(chat([user("a")], { max_tokens: 200 }), "m").max_tokens).toBe(200);
    expect(openaiRequestToAnthropic(chat([user("a")]), "m").max_tokens).toBe(4096);
  });

  it("keeps a single system string as a string, and plain user strings as they are", () => {
    const out = openaiRequestToAnthropic(chat([{ role: "system", content: "Be brief." }, user("hi")]), "m");
    expect(out.system).toBe("Be brief.");
    expect(out.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(openaiRequestToAnthropic(chat([user("hi")]), "m").system).toBeUndefined();
  });

  it("maps a stop array as it is and omits the unset fields", () => {
    const out = openaiRequestToAnthropic(chat([user("a")], { stop: ["END", "STOP"] }), "m");
    expect(out.stop_sequences).toEqual(["END", "STOP"]);
    expect(out).not.toHaveProperty("metadata");
    expect(out).not.toHaveProperty("temperature");
    expect(out).not.toHaveProperty("tools");
  });

  it("rejects n > 1 with a TranslationError naming n, and accepts n = 1", () => {
    const err = translationError(() => openaiRequestToAnthropic(chat([user("a")], { n: 3 }), "m"));
    expect(err.param).toBe("n");
    expect(err.message).toContain("send 3 requests");
    expect(openaiRequestToAnthropic(chat([user("a")], { n: 1 }), "m").messages).toHaveLength(1);
  });

  it("maps each tool_choice form", () => {
    const tools: ChatCompletionRequest["tools"] = [{ type: "function", function: { name: "f" } }];
    const choice = (tool_choice: ChatCompletionRequest["tool_choice"]) =>
      openaiRequestToAnthropic(chat([user("a")], { tools, tool_choice }), "m").tool_choice;
    expect(choice("auto")).toEqual({ type: "auto" });
    expect(choice("none")).toEqual({ type: "none" });
    expect(choice("required")).toEqual({ type: "any" });
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({ type: "tool", name: "f" });
    expect(choice(undefined)).toBeUndefined();
    // A tool without parameters still gets the object schema Anthropic requires.
    expect(openaiRequestToAnthropic(chat([user("a")], { tools }), "m").tools).toEqual([
      { name: "f", input_schema: { type: "object", properties: {} } },
    ]);
  });

  it("turns arguments that are empty, invalid or not an object into {}", () => {
    const call = (args: string) => ({ id: "call_1", type: "function" as const, function: { name: "f", arguments: args } });
    const out = openaiRequestToAnthropic(
      chat([user("a"), { role: "assistant", content: null, tool_calls: [call(""), call("{not json"), call("[1,2]")] }]),
      "m",
    );
    const blocks = out.messages[1]?.content;
    expect(Array.isArray(blocks) && blocks.map((b) => (b.type === "tool_use" ? b.input : b))).toEqual([{}, {}, {}]);
  });

  it("merges consecutive same-role messages and puts tool results before text", () => {
    const out = openaiRequestToAnthropic(
      chat([
        user("one"),
        user("two"),
        { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        user("while the tool ran"),
        { role: "tool", tool_call_id: "c1", content: "done" },
        { role: "assistant", content: "a" },
        { role: "assistant", content: [{ type: "text", text: "b" }] },
      ]),
      "m",
    );
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "one" }, { type: "text", text: "two" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "f", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "done" },
          { type: "text", text: "while the tool ran" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
    ]);
  });

  it("rejects images Anthropic cannot take and non-text parts, naming the field", () => {
    const image = (url: string): ChatMessage => ({ role: "user", content: [{ type: "image_url", image_url: { url } }] });
    const bmp = translationError(() => openaiRequestToAnthropic(chat([image("data:image/bmp;base64,Qk0=")]), "m"));
    expect(bmp.param).toBe("messages[0].content[0].image_url.url");
    expect(bmp.message).toContain("image/bmp");
    expect(translationError(() => openaiRequestToAnthropic(chat([image("ftp://x/y.png")]), "m")).param).toBe(
      "messages[0].content[0].image_url.url",
    );
    const audio: ChatMessage = { role: "user", content: [{ type: "input_audio", input_audio: { data: "AAA", format: "wav" } }] };
    const err = translationError(() => openaiRequestToAnthropic(chat([audio]), "m"));
    expect(err.param).toBe("messages[0].content[0].type");
    expect(err.message).toContain("input_audio");
  });

  it("maps a json_schema response_format to output_config.format and keeps cache_control on parts", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } } };
    const out = openaiRequestToAnthropic(
      chat([{ role: "user", content: [{ type: "text", text: "q", cache_control: { type: "ephemeral" } }] }], {
        response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
      }),
      "m",
    );
    expect(out.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(out.messages[0]?.content).toEqual([{ type: "text", text: "q", cache_control: { type: "ephemeral" } }]);
  });
});
