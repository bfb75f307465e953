import { describe, expect, it } from "vitest";
import { FormatError } from "../../../src/formats/check";
import type { ChatCompletionRequest } from "../../../src/formats/openai";
import { readGenerateContent, readGenerateContentEvent } from "../../../src/providers/gemini/read";
import { openaiRequestToGemini } from "../../../src/providers/gemini/request";
import { geminiResponseToOpenai } from "../../../src/providers/gemini/response";
import { geminiStreamToOpenai } from "../../../src/providers/gemini/stream";
import { TranslationError } from "../../../src/translate/errors";

// The pure Gemini translation (providers/gemini/): what the Gemini wire gets for an OpenAI request, and what an
// OpenAI client gets for Gemini's answers and streams.

const request = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({ model: "m", messages: [], ...extra });

describe("OpenAI request -> generateContent", () => {
  it("a tool round trip: the call as functionCall, its result as functionResponse named by the call", () => {
    const body = openaiRequestToGemini(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "weather?" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
          { role: "user", content: "thanks" },
        ],
        tool_choice: { type: "function", function: { name: "get_weather" } },
        stop: "END",
        reasoning_effort: "low",
        response_format: { type: "json_schema", json_schema: { name: "w", schema: { type: "object" } } },
      }),
    );
    expect(body).toEqual({
      contents: [
        { role: "user", parts: [{ text: "weather?" }, { inlineData: { mimeType: "image/png", data: "AAAA" } }] },
        { role: "model", parts: [{ functionCall: { id: "call_1", name: "get_weather", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { id: "call_1", name: "get_weather", response: { result: "sunny" } } }, { text: "thanks" }] },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
      generationConfig: {
        stopSequences: ["END"],
        responseMimeType: "application/json",
        responseJsonSchema: { type: "object" },
        thinkingConfig: { thinkingBudget: 1024 },
      },
    });
  });

  it("what Gemini cannot take is a 400 naming the field", () => {
    const orphan = request({ messages: [{ role: "tool", tool_call_id: "nope", content: "x" }] });
    expect(() => openaiRequestToGemini(orphan)).toThrow(new TranslationError("messages[0].tool_call_id: no earlier assistant tool call has this id", "messages[0].tool_call_id"));
    const ftp = request({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] });
    expect(() => openaiRequestToGemini(ftp)).toThrow(TranslationError);
  });
});

describe("generateContent answer -> chat.completion", () => {
  it("finish reasons, thought summaries apart, a blocked prompt as content_filter", () => {
    const answer = readGenerateContent({
      candidates: [{ content: { parts: [{ text: "why", thought: true }, { text: "cut" }] }, finishReason: "MAX_TOKENS" }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, thoughtsTokenCount: 1 },
    });
    const out = geminiResponseToOpenai(answer, "gemini-x", 7);
    expect(out.choices[0]).toMatchObject({ message: { content: "cut", reasoning_content: "why" }, finish_reason: "length" });
    expect(out.usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 3,
      total_tokens: 6,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 1 },
    });
    expect(out).toMatchObject({ id: "gemini-7", model: "gemini-x", created: 7 });
    const blocked = geminiResponseToOpenai(readGenerateContent({ promptFeedback: { blockReason: "SAFETY" } }), "m", 1);
    expect(blocked.choices).toEqual([{ index: 0, message: { role: "assistant", content: "", refusal: null }, finish_reason: "content_filter", logprobs: null }]);
  });

  it("a malformed answer or event names the field", () => {
    expect(() => readGenerateContent({ candidates: [{ content: { parts: [{ text: 5 }] } }] })).toThrow(
      new FormatError("answer", "candidates[0].content.parts[0].text: expected a string"),
    );
    expect(() => readGenerateContentEvent({ usageMetadata: { promptTokenCount: "3" } })).toThrow(
      new FormatError("stream event", "usageMetadata.promptTokenCount: expected a number"),
    );
  });
});

describe("streamGenerateContent events -> chunks", () => {
  it("role once, text per event, a finish chunk, usage last from the final running total", () => {
    const t = geminiStreamToOpenai({ model: "m", created: 1 });
    const first = t.push(readGenerateContentEvent({ responseId: "r1", candidates: [{ content: { parts: [{ text: "Hel" }] } }], usageMetadata: { promptTokenCount: 4 } }));
    const second = t.push(
      readGenerateContentEvent({ candidates: [{ content: { parts: [{ text: "lo" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2 } }),
    );
    expect([...first, ...second].map((c) => [c.id, c.choices[0]?.delta, c.choices[0]?.finish_reason])).toEqual([
      ["r1", { role: "assistant", content: "Hel" }, null],
      ["r1", { content: "lo" }, null],
      ["r1", {}, "stop"],
    ]);
    expect(t.end()).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } });
  });

  it("function calls get stable indexes across events; a stream without a finish is cut short (no end)", () => {
    const t = geminiStreamToOpenai({ model: "m", created: 1 });
    const call = (name: string) => readGenerateContentEvent({ responseId: "r", candidates: [{ content: { parts: [{ functionCall: { name, args: {} } }] } }] });
    const chunks = [...t.push(call("a")), ...t.push(call("b"))];
    expect(chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0])).toEqual([
      { index: 0, id: "call_r_0", type: "function", function: { name: "a", arguments: "{}" } },
      { index: 1, id: "call_r_1", type: "function", function: { name: "b", arguments: "{}" } },
    ]);
    expect(t.end()).toBeUndefined();
  });
});
