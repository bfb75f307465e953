import { describe, expect, it } from "vitest";
import { requestAttributes } from "../../../../src/telemetry/genai/request";
import { fixtures } from "../../../fixtures/translate";

const OPENAI = { providerName: "openai", url: "https://api.openai.com/v1/chat/completions", streaming: false };
const ANTHROPIC = { providerName: "anthropic", url: "https://api.anthropic.com/v1/messages", streaming: false };

describe("requestAttributes: OpenAI Chat Completions", () => {
  it("maps a realistic streaming request, attribute by attribute", () => {
    const attrs = requestAttributes("openai", fixtures.openaiRequestAgent(), { ...OPENAI, streaming: true });
    expect(attrs).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "claude-fast",
      "server.address": "api.openai.com",
      "server.port": 443,
      "gen_ai.request.max_tokens": 1024,
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.stop_sequences": ["\n\nHuman:"],
      "gen_ai.request.frequency_penalty": 0.5,
      "gen_ai.request.presence_penalty": 0.1,
      "gen_ai.request.seed": 42,
      "gen_ai.request.stream": true,
    });
  });

  it("never copies end-user identifiers or other request fields (user, logprobs, tools, messages)", () => {
    const attrs = requestAttributes("openai", fixtures.openaiRequestAgent(), OPENAI);
    const values = JSON.stringify(Object.values(attrs));
    expect(values).not.toContain("user-1234");
    expect(values).not.toContain("weather");
    for (const key of Object.keys(attrs)) expect(key).toMatch(/^(gen_ai\.(operation|provider|request|output)\.|server\.)/);
  });

  it("max_tokens: max_completion_tokens wins, the deprecated max_tokens is the fallback", () => {
    const both = { model: "gpt-4o", max_completion_tokens: 500, max_tokens: 100 };
    expect(requestAttributes("openai", both, OPENAI)["gen_ai.request.max_tokens"]).toBe(500);
    expect(requestAttributes("openai", { model: "gpt-4o", max_tokens: 100 }, OPENAI)["gen_ai.request.max_tokens"]).toBe(100);
    expect(requestAttributes("openai", { model: "gpt-4o" }, OPENAI)).not.toHaveProperty("gen_ai.request.max_tokens");
  });

  it("stop: a string or an array of strings; empty or non-string values are not recorded", () => {
    const stop = (value: unknown) => requestAttributes("openai", { model: "m", stop: value }, OPENAI)["gen_ai.request.stop_sequences"];
    expect(stop("END")).toEqual(["END"]);
    expect(stop(["a", "b"])).toEqual(["a", "b"]);
    expect(stop(["a", 3, null, "b"])).toEqual(["a", "b"]);
    expect(stop([])).toBeUndefined();
    expect(stop(null)).toBeUndefined();
    expect(stop(7)).toBeUndefined();
  });

  it("choice.count only when n is not 1", () => {
    expect(requestAttributes("openai", { model: "m", n: 3 }, OPENAI)["gen_ai.request.choice.count"]).toBe(3);
    expect(requestAttributes("openai", { model: "m", n: 1 }, OPENAI)).not.toHaveProperty("gen_ai.request.choice.count");
    expect(requestAttributes("openai", { model: "m" }, OPENAI)).not.toHaveProperty("gen_ai.request.choice.count");
  });

  it("stream is recorded only for streaming calls (true), never as false", () => {
    expect(requestAttributes("openai", { model: "m", stream: true }, { ...OPENAI, streaming: true })["gen_ai.request.stream"]).toBe(true);
    expect(requestAttributes("openai", { model: "m", stream: false }, OPENAI)).not.toHaveProperty("gen_ai.request.stream");
  });

  it("output.type only when the request asks for a format: json_object/json_schema -> json, text -> text", () => {
    const type = (response_format: unknown) =>
      requestAttributes("openai", { model: "m", response_format }, OPENAI)["gen_ai.output.type"];
    expect(type({ type: "json_object" })).toBe("json");
    expect(type({ type: "json_schema", json_schema: { name: "x", schema: {} } })).toBe("json");
    expect(type({ type: "text" })).toBe("text");
    expect(type(undefined)).toBeUndefined();
    expect(type("json")).toBeUndefined();
    expect(requestAttributes("openai", { model: "m" }, OPENAI)).not.toHaveProperty("gen_ai.output.type");
  });

  it("top_k of an OpenAI-compatible server is recorded; gen_ai.conversation.id never is (no standard field)", () => {
    const attrs = requestAttributes("openai", { model: "m", top_k: 50, conversation_id: "c1", user: "u" }, OPENAI);
    expect(attrs["gen_ai.request.top_k"]).toBe(50);
    expect(attrs).not.toHaveProperty("gen_ai.conversation.id");
  });
});

describe("requestAttributes: Anthropic Messages", () => {
  it("maps a realistic streaming request, attribute by attribute", () => {
    const attrs = requestAttributes("anthropic", fixtures.anthropicRequestAgent(), { ...ANTHROPIC, streaming: true });
    expect(attrs).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "gpt-fast",
      "server.address": "api.anthropic.com",
      "server.port": 443,
      "gen_ai.request.max_tokens": 2048,
      "gen_ai.request.temperature": 0.7,
      "gen_ai.request.top_p": 0.95,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["</answer>"],
      "gen_ai.request.stream": true,
    });
  });

  it("never copies metadata.user_id, system, tools or messages", () => {
    const values = JSON.stringify(Object.values(requestAttributes("anthropic", fixtures.anthropicRequestAgent(), ANTHROPIC)));
    expect(values).not.toContain("user-5678");
    expect(values).not.toContain("coding agent");
    expect(values).not.toContain("bash");
  });

  it("OpenAI-only fields are not read from an Anthropic body; output_config json_schema -> json", () => {
    const body = {
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      seed: 1,
      n: 2,
      stop: "x",
      frequency_penalty: 1,
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    };
    expect(requestAttributes("anthropic", body, ANTHROPIC)).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "server.address": "api.anthropic.com",
      "server.port": 443,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.output.type": "json",
    });
  });
});

describe("requestAttributes: server.address / server.port", () => {
  const server = (url: string) => {
    const attrs = requestAttributes("openai", { model: "m" }, { providerName: "p", url, streaming: false });
    return [attrs["server.address"], attrs["server.port"]];
  };

  it("explicit port, else 443 for https and 80 for http", () => {
    expect(server("http://localhost:11434/v1/chat/completions")).toEqual(["localhost", 11434]);
    expect(server("https://api.groq.com/openai/v1/chat/completions")).toEqual(["api.groq.com", 443]);
    expect(server("http://mock.tracegate.invalid/v1/chat/completions")).toEqual(["mock.tracegate.invalid", 80]);
    expect(server("https://gw.example.com:8443/v1")).toEqual(["gw.example.com", 8443]);
  });

  it("IP literals: IPv6 without brackets", () => {
    expect(server("http://[::1]:8080/v1")).toEqual(["::1", 8080]);
    expect(server("http://10.1.2.80/v1")).toEqual(["10.1.2.80", 80]);
  });

  it("an unparsable URL records neither (and does not throw)", () => {
    expect(server("not a url")).toEqual([undefined, undefined]);
    expect(server("")).toEqual([undefined, undefined]);
  });
});

describe("requestAttributes: odd shapes never throw", () => {
  it("wrong types are skipped, the required attributes stay", () => {
    const body = {
      model: 5,
      temperature: "hot",
      top_p: null,
      top_k: Number.NaN,
      max_tokens: 1.5,
      stop: { a: 1 },
      n: "2",
      seed: 1.5,
      frequency_penalty: Infinity,
      response_format: null,
      output_config: [],
    };
    for (const iface of ["openai", "anthropic"] as const) {
      expect(requestAttributes(iface, body, OPENAI)).toEqual({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "server.address": "api.openai.com",
        "server.port": 443,
      });
    }
  });

  it("a body that is not an object at runtime", () => {
    for (const body of [null, undefined, 42, "x", [1, 2]]) {
      const attrs = requestAttributes("openai", body as unknown as Record<string, unknown>, OPENAI);
      expect(attrs["gen_ai.operation.name"]).toBe("chat");
      expect(attrs).not.toHaveProperty("gen_ai.request.model");
    }
  });
});
