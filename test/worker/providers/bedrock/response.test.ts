import { describe, expect, it } from "vitest";
import { FormatError } from "../../../../src/formats/check";
import { openaiErrorResponse } from "../../../../src/providers/bedrock/errors";
import { chatCompletionFromConverse, finishReasonFromConverse } from "../../../../src/providers/bedrock/response";

const MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

function converseAnswer(overrides: Record<string, unknown> = {}) {
  return {
    output: {
      message: {
        role: "assistant",
        content: [
          { text: "Let me check." },
          { toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { location: "Paris" } } },
        ],
      },
    },
    stopReason: "tool_use",
    usage: { inputTokens: 10, outputTokens: 20, totalTokens: 130, cacheReadInputTokens: 60, cacheWriteInputTokens: 40 },
    metrics: { latencyMs: 321 },
    ...overrides,
  };
}

describe("chatCompletionFromConverse", () => {
  const out = chatCompletionFromConverse(converseAnswer(), MODEL, "chatcmpl-1", 1700000000);

  it("gives the text and the tool uses as tool_calls with JSON arguments", () => {
    expect(out).toMatchObject({ id: "chatcmpl-1", object: "chat.completion", created: 1700000000, model: MODEL });
    expect(out.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Let me check.",
          refusal: null,
          tool_calls: [{ id: "tooluse_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }],
        },
        finish_reason: "tool_calls",
        logprobs: null,
      },
    ]);
  });

  it("counts the cache reads and writes into prompt_tokens and names them in the details", () => {
    expect(out.usage).toEqual({
      prompt_tokens: 110,
      completion_tokens: 20,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 40 },
    });
  });

  it("gives null content for an answer with no text and no cache details beyond cached_tokens 0", () => {
    const plain = converseAnswer({
      output: { message: { role: "assistant", content: [] } },
      stopReason: "end_turn",
      usage: { inputTokens: 3, outputTokens: 0, totalTokens: 3 },
    });
    const completion = chatCompletionFromConverse(plain, MODEL, "c", 1);
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.usage?.prompt_tokens_details).toEqual({ cached_tokens: 0 });
  });

  it("is a FormatError naming the field when the answer has the wrong shape", () => {
    const cases: [unknown, string][] = [
      [converseAnswer({ stopReason: 3 }), "stopReason: expected a string"],
      [converseAnswer({ usage: { inputTokens: "1", outputTokens: 2 } }), "usage.inputTokens: expected a number"],
      [converseAnswer({ usage: { inputTokens: 1 } }), "usage.outputTokens: required"],
      [converseAnswer({ output: {} }), "output.message: required"],
      [converseAnswer({ output: { message: { content: [{ toolUse: { name: "f" } }] } } }), "output.message.content[0].toolUse.toolUseId: required"],
    ];
    for (const [body, detail] of cases) {
      expect(() => chatCompletionFromConverse(body, MODEL, "c", 1)).toThrow(FormatError);
      expect(() => chatCompletionFromConverse(body, MODEL, "c", 1)).toThrow(detail);
    }
  });
});

describe("finishReasonFromConverse", () => {
  it("maps every Converse stop reason", () => {
    const reasons = ["end_turn", "stop_sequence", "max_tokens", "tool_use", "content_filtered", "guardrail_intervened", "model_context_window_exceeded", "newer_reason"];
    expect(reasons.map(finishReasonFromConverse)).toEqual(["stop", "stop", "length", "tool_calls", "content_filter", "content_filter", "length", "stop"]);
  });
});

describe("openaiErrorResponse", () => {
  it("keeps the status and retry-after, names the exception from x-amzn-ErrorType, and types it for OpenAI", async () => {
    const headers = new Headers({ "x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", "retry-after": "2" });
    const res = openaiErrorResponse(429, headers, '{"message":"Too many requests, please wait before trying again."}');
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({
      error: { message: "Too many requests, please wait before trying again.", type: "rate_limit_error", param: null, code: "ThrottlingException" },
    });
  });

  it("falls back to the body's __type, then the status, and to a message naming the exception", async () => {
    const typed = openaiErrorResponse(400, new Headers(), '{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"}');
    expect(await typed.json()).toEqual({ error: { message: "bad", type: "invalid_request_error", param: null, code: "ValidationException" } });
    const bare = openaiErrorResponse(503, new Headers(), "<html>busy</html>");
    expect(await bare.json()).toEqual({
      error: { message: "Bedrock InternalServerException", type: "server_error", param: null, code: "InternalServerException" },
    });
  });
});
