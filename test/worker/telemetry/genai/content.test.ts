import type { Attributes } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { inputContentAttributes } from "../../../../src/telemetry/genai/content";
import { responseTap } from "../../../../src/telemetry/genai/response";
import { fixtures } from "../../../fixtures/translate";

/** The mapping tests look at the media itself: kept, as `tracing.capture_content_media: true` asks. */
const KEEP_MEDIA = true;

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function json(attrs: Attributes, key: string): unknown {
  const value = attrs[key];
  expect(typeof value, key).toBe("string");
  return JSON.parse(value as string);
}

// ---- the spec's JSON schemas (gen-ai-input-messages.json, gen-ai-output-messages.json,
// gen-ai-system-instructions.json, gen-ai-tool-definitions.json), as checks on the required properties ----

const isString = (v: unknown) => typeof v === "string";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Required properties per part type; a type not listed is a GenericPart (only `type` is required). */
const PART_RULES: Record<string, (p: Record<string, unknown>) => boolean> = {
  text: (p) => isString(p.content),
  reasoning: (p) => isString(p.content),
  tool_call: (p) => isString(p.name) && (p.id === null || isString(p.id)),
  tool_call_response: (p) => "response" in p && (p.id === null || isString(p.id)),
  server_tool_call: (p) => isString(p.name) && isObject(p.server_tool_call) && isString(p.server_tool_call.type),
  server_tool_call_response: (p) => isObject(p.server_tool_call_response) && isString(p.server_tool_call_response.type),
  blob: (p) => isString(p.modality) && isString(p.content) && (p.mime_type === undefined || isString(p.mime_type)),
  uri: (p) => isString(p.modality) && isString(p.uri),
  file: (p) => isString(p.modality) && isString(p.file_id),
};

function expectPart(part: unknown): void {
  expect(isObject(part), JSON.stringify(part)).toBe(true);
  const p = part as Record<string, unknown>;
  expect(isString(p.type), JSON.stringify(p)).toBe(true);
  const rule = PART_RULES[p.type as string];
  if (rule) expect(rule(p), JSON.stringify(p)).toBe(true);
}

function expectMessages(value: unknown, output: boolean): void {
  expect(Array.isArray(value)).toBe(true);
  for (const message of value as unknown[]) {
    expect(isObject(message)).toBe(true);
    const m = message as Record<string, unknown>;
    expect(isString(m.role)).toBe(true);
    expect(Array.isArray(m.parts)).toBe(true);
    for (const part of m.parts as unknown[]) expectPart(part);
    if (output) expect(isString(m.finish_reason)).toBe(true);
  }
}

function expectSystemInstructions(value: unknown): void {
  expect(Array.isArray(value)).toBe(true);
  for (const part of value as unknown[]) expectPart(part);
}

function expectToolDefinitions(value: unknown): void {
  expect(Array.isArray(value)).toBe(true);
  for (const tool of value as unknown[]) {
    expect(isObject(tool) && isString(tool.type) && isString(tool.name), JSON.stringify(tool)).toBe(true);
  }
}

describe("inputContentAttributes: OpenAI Chat Completions", () => {
  const attrs = inputContentAttributes("openai", fixtures.openaiRequestAgent(), KEEP_MEDIA);

  it("input messages in order; system/developer messages stay in the chat history with their role", () => {
    expect(json(attrs, "gen_ai.input.messages")).toEqual([
      { role: "system", parts: [{ type: "text", content: "You are a weather assistant." }] },
      { role: "developer", parts: [{ type: "text", content: "Answer in metric units." }] },
      {
        role: "user",
        parts: [
          { type: "text", content: "What's the weather where this photo was taken, and in Bogotá?" },
          { type: "blob", modality: "image", mime_type: "image/png", content: PNG },
          { type: "uri", modality: "image", uri: "https://upload.wikimedia.org/wikipedia/commons/a/a8/Tour_Eiffel_Wikimedia_Commons.jpg" },
        ],
      },
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Checking both cities." },
          { type: "tool_call", id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", arguments: { location: "Paris, France" } },
          { type: "tool_call", id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", name: "get_weather", arguments: { location: "Bogotá, Colombia" } },
        ],
      },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", response: "18°C, cloudy" }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_7bKx2pQm3Vn8Lr1Tz0YcWsHa", response: "14°C, rain" }] },
      { role: "user", parts: [{ type: "text", content: "Thanks! Which is warmer?" }] },
    ]);
    expect(attrs).not.toHaveProperty("gen_ai.system_instructions");
  });

  it("tool definitions: function tools flattened to {type, name, description, parameters}", () => {
    expect(json(attrs, "gen_ai.tool.definitions")).toEqual([
      {
        type: "function",
        name: "get_weather",
        description: "Get the current weather for a location",
        parameters: {
          type: "object",
          properties: { location: { type: "string", description: "City and country" } },
          required: ["location"],
          additionalProperties: false,
        },
      },
    ]);
  });

  it("only the three content attributes; no user id or request settings", () => {
    expect(Object.keys(attrs).sort()).toEqual(["gen_ai.input.messages", "gen_ai.tool.definitions"]);
    expect(JSON.stringify(attrs)).not.toContain("user-1234");
  });

  it("audio, files, legacy function calls, refusals and unknown parts", () => {
    const body = {
      model: "gpt-4o-audio-preview",
      messages: [
        {
          role: "user",
          name: "alice",
          content: [
            { type: "input_audio", input_audio: { data: "UklGRiQAAABXQVZF", format: "wav" } },
            { type: "input_audio", input_audio: { data: "SUQzBAAAAAAA", format: "mp3" } },
            { type: "file", file: { file_id: "file-6F2ksmvXxt4VdoqmHRw6kL" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQK" } },
            { type: "video_url", video_url: { url: "https://example.com/v.mp4" } },
          ],
        },
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: '{"q":"otel"}' } },
        { role: "function", name: "lookup", content: "found" },
        { role: "assistant", content: [{ type: "refusal", refusal: "No." }] },
      ],
      tools: [
        { type: "custom", custom: { name: "grammar_tool", format: { type: "text" } } },
        { type: "function", function: { name: "noop" } },
      ],
    };
    const out = inputContentAttributes("openai", body, KEEP_MEDIA);
    expect(json(out, "gen_ai.input.messages")).toEqual([
      {
        role: "user",
        parts: [
          { type: "blob", modality: "audio", mime_type: "audio/wav", content: "UklGRiQAAABXQVZF" },
          { type: "blob", modality: "audio", mime_type: "audio/mpeg", content: "SUQzBAAAAAAA" },
          { type: "file", modality: "document", file_id: "file-6F2ksmvXxt4VdoqmHRw6kL" },
          { type: "blob", modality: "document", mime_type: "application/pdf", content: "JVBERi0xLjQK" },
          { type: "video_url" },
        ],
      },
      { role: "assistant", parts: [{ type: "tool_call", id: null, name: "lookup", arguments: { q: "otel" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: null, response: "found" }] },
      { role: "assistant", parts: [{ type: "text", content: "No." }] },
    ]);
    expect(JSON.stringify(out)).not.toContain("alice");
    expect(json(out, "gen_ai.tool.definitions")).toEqual([
      { type: "custom", name: "grammar_tool" },
      { type: "function", name: "noop" },
    ]);
  });

  it("tool-call arguments that are not valid JSON are kept as the string", () => {
    const body = {
      messages: [{ role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{oops" } }] }],
    };
    expect(json(inputContentAttributes("openai", body), "gen_ai.input.messages")).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "f", arguments: "{oops" }] },
    ]);
  });
});

describe("inputContentAttributes: Anthropic Messages", () => {
  const attrs = inputContentAttributes("anthropic", fixtures.anthropicRequestAgent(), KEEP_MEDIA);

  it("system -> gen_ai.system_instructions (cache_control not copied)", () => {
    expect(json(attrs, "gen_ai.system_instructions")).toEqual([
      { type: "text", content: "You are a coding agent." },
      { type: "text", content: "Work in /repo." },
    ]);
    expect(json(inputContentAttributes("anthropic", { system: "Be brief.", messages: [] }), "gen_ai.system_instructions")).toEqual([
      { type: "text", content: "Be brief." },
    ]);
  });

  it("messages: image blob, thinking -> reasoning, tool_use -> tool_call, tool_result -> tool_call_response", () => {
    expect(json(attrs, "gen_ai.input.messages")).toEqual([
      {
        role: "user",
        parts: [
          { type: "text", content: "List the files, then take a screenshot." },
          { type: "blob", modality: "image", mime_type: "image/png", content: PNG },
        ],
      },
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "I need ls first." },
          { type: "text", content: "Running ls." },
          { type: "tool_call", id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", name: "bash", arguments: { command: "ls" } },
          { type: "tool_call", id: "toolu_01Ww4ZbC3eDT1hJ8JnCF6uLr", name: "screenshot", arguments: {} },
        ],
      },
      {
        role: "user",
        parts: [
          { type: "tool_call_response", id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", response: "README.md\nsrc" },
          {
            type: "tool_call_response",
            id: "toolu_01Ww4ZbC3eDT1hJ8JnCF6uLr",
            response: [
              { type: "text", content: "captured" },
              { type: "uri", modality: "image", uri: "https://example.com/shot.png" },
            ],
          },
          { type: "text", content: "What do you see?" },
        ],
      },
    ]);
  });

  it("tool definitions: client tools as functions with their input_schema as parameters", () => {
    expect(json(attrs, "gen_ai.tool.definitions")).toEqual([
      {
        type: "function",
        name: "bash",
        description: "Run a shell command",
        parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
      },
      { type: "function", name: "screenshot", parameters: { type: "object", properties: {} } },
    ]);
  });

  it("never copies metadata.user_id, signatures or cache_control", () => {
    const text = JSON.stringify(attrs);
    expect(text).not.toContain("user-5678");
    expect(text).not.toContain("EqQBCgIY");
    expect(text).not.toContain("ephemeral");
  });

  it("documents, server tools, redacted thinking", () => {
    const body = {
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjcK" }, title: "Q3" },
            { type: "document", source: { type: "url", url: "https://example.com/report.pdf" } },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "Plain notes." } },
            { type: "image", source: { type: "file", file_id: "file_011CNha8iCJcU1wXNR6q4V8w" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4a" },
            { type: "server_tool_use", id: "srvtoolu_01", name: "web_search", input: { query: "otel genai" } },
            { type: "web_search_tool_result", tool_use_id: "srvtoolu_01", content: [{ type: "web_search_result", url: "https://opentelemetry.io", title: "OTel" }] },
            { type: "text", text: "Found it." },
          ],
        },
      ],
      tools: [
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
        { type: "custom", name: "calc", description: "Arithmetic", input_schema: { type: "object" } },
      ],
    };
    const out = inputContentAttributes("anthropic", body, KEEP_MEDIA);
    expect(json(out, "gen_ai.input.messages")).toEqual([
      {
        role: "user",
        parts: [
          { type: "blob", modality: "document", mime_type: "application/pdf", content: "JVBERi0xLjcK" },
          { type: "uri", modality: "document", uri: "https://example.com/report.pdf" },
          { type: "text", content: "Plain notes." },
          { type: "file", modality: "image", file_id: "file_011CNha8iCJcU1wXNR6q4V8w" },
        ],
      },
      {
        role: "assistant",
        parts: [
          { type: "server_tool_call", id: "srvtoolu_01", name: "web_search", server_tool_call: { type: "web_search", input: { query: "otel genai" } } },
          {
            type: "server_tool_call_response",
            id: "srvtoolu_01",
            server_tool_call_response: {
              type: "web_search_tool_result",
              content: [{ type: "web_search_result", url: "https://opentelemetry.io", title: "OTel" }],
            },
          },
          { type: "text", content: "Found it." },
        ],
      },
    ]);
    expect(out).not.toHaveProperty("gen_ai.system_instructions");
    expect(json(out, "gen_ai.tool.definitions")).toEqual([
      { type: "web_search_20250305", name: "web_search" },
      { type: "function", name: "calc", description: "Arithmetic", parameters: { type: "object" } },
    ]);
  });
});

describe("captured content follows the spec's JSON schemas", () => {
  it("inputs, system instructions and tool definitions (both interfaces)", () => {
    const openai = inputContentAttributes("openai", fixtures.openaiRequestAgent());
    expectMessages(json(openai, "gen_ai.input.messages"), false);
    expectToolDefinitions(json(openai, "gen_ai.tool.definitions"));
    const anthropic = inputContentAttributes("anthropic", fixtures.anthropicRequestAgent());
    expectMessages(json(anthropic, "gen_ai.input.messages"), false);
    expectSystemInstructions(json(anthropic, "gen_ai.system_instructions"));
    expectToolDefinitions(json(anthropic, "gen_ai.tool.definitions"));
  });

  it("output messages, streamed and not (both interfaces)", () => {
    const taps = [];
    for (const [iface, events] of [
      ["openai", fixtures.openaiStreamToolCalls()],
      ["anthropic", fixtures.anthropicStreamToolUse()],
      ["anthropic", fixtures.anthropicStreamThinking()],
      ["anthropic", fixtures.anthropicStreamError()],
    ] as const) {
      const tap = responseTap(iface, { captureContent: true });
      for (const event of events) tap.observeEvent(event);
      taps.push(tap);
    }
    const openai = responseTap("openai", { captureContent: true });
    openai.observeResponse(fixtures.openaiCompletionToolCalls());
    const anthropic = responseTap("anthropic", { captureContent: true });
    anthropic.observeResponse(fixtures.anthropicMessageToolUse());
    for (const tap of [...taps, openai, anthropic]) expectMessages(json(tap.attributes(true), "gen_ai.output.messages"), true);
  });
});

describe("inputContentAttributes: odd shapes never throw", () => {
  it("no messages, no system, no tools: nothing recorded", () => {
    expect(inputContentAttributes("openai", {})).toEqual({});
    expect(inputContentAttributes("anthropic", { system: "", tools: [] })).toEqual({ "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "" }]) });
    expect(inputContentAttributes("anthropic", { system: [], messages: "hi", tools: "none" })).toEqual({});
  });

  it("junk messages, parts and tools are skipped", () => {
    const body = {
      messages: [
        null,
        5,
        "user",
        { content: "no role" },
        { role: "user", content: [null, 3, { type: 9 }, { type: "text" }, { type: "image_url" }, { type: "image_url", image_url: { url: "data:image/png,notbase64" } }] },
        { role: "assistant", content: 7, tool_calls: [null, { function: null }, { id: 3, function: { name: 5, arguments: 6 } }], function_call: "x" },
        { role: "tool", content: null },
      ],
      system: [{ type: "text", text: 5 }, null, { nope: 1 }],
      tools: [null, 3, {}, { type: 5 }, { type: "function", function: "x" }, { name: 4 }],
    };
    for (const iface of ["openai", "anthropic"] as const) {
      const out = inputContentAttributes(iface, body);
      const messages = json(out, "gen_ai.input.messages");
      expectMessages(messages, false);
      expect((messages as unknown[]).length).toBe(3);
      if (out["gen_ai.tool.definitions"] !== undefined) expectToolDefinitions(json(out, "gen_ai.tool.definitions"));
      if (out["gen_ai.system_instructions"] !== undefined) expectSystemInstructions(json(out, "gen_ai.system_instructions"));
    }
  });

  it("a body that is not an object at runtime", () => {
    for (const body of [null, undefined, 42, "x", []]) {
      expect(inputContentAttributes("anthropic", body as unknown as Record<string, unknown>)).toEqual({});
    }
  });
});
