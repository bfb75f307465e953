import { describe, expect, it } from "vitest";
import { inputContentAttributes } from "../../../../src/telemetry/genai/content";
import { capContent } from "../../../../src/telemetry/genai/content-limits";
import { requestAttributes } from "../../../../src/telemetry/genai/request";
import { toLatestGenAi } from "../../../../src/telemetry/genai/semconv";
import { redactQuery } from "../../../../src/telemetry/url-attributes";

const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe("capContent: captured content within its own cap, with a visible marker", () => {
  it("leaves a value within the cap as it is", () => {
    const value = JSON.stringify([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    expect(capContent(value, 16 * 1024)).toBe(value);
  });

  it("cuts a longer value to the cap in UTF-8 bytes and says how long it was", () => {
    const value = "x".repeat(40_000);
    const out = capContent(value, 16 * 1024);
    expect(utf8(out)).toBeLessThanOrEqual(16 * 1024);
    expect(out.endsWith("…[truncated by tracegate: 40000 bytes]")).toBe(true);
    expect(out.startsWith("x".repeat(16_000))).toBe(true);
  });

  it("never splits a multi-byte character", () => {
    const out = capContent("é".repeat(1000), 101);
    expect(utf8(out)).toBeLessThanOrEqual(101);
    expect(out).not.toContain("\uFFFD");
    expect(out).toMatch(/^é+…\[truncated by tracegate: 2000 bytes\]$/);
  });
});

describe("base64 media in captured messages: a placeholder unless asked for", () => {
  const image = "A".repeat(933_336); // a 700,002-byte image in base64
  const openai = {
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } },
          { type: "input_audio", input_audio: { format: "wav", data: "UklGRg==" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
        ],
      },
    ],
  };

  it("OpenAI data URLs and audio: {type, modality, mime_type, bytes}, URLs kept", () => {
    const attrs = inputContentAttributes("openai", openai);
    const json = String(attrs["gen_ai.input.messages"]);
    expect(json.length).toBeLessThan(1000);
    expect(JSON.parse(json)).toEqual([
      {
        role: "user",
        parts: [
          { type: "text", content: "what is this?" },
          { type: "blob", modality: "image", mime_type: "image/png", content: "", bytes: 700_002 },
          { type: "blob", modality: "audio", mime_type: "audio/wav", content: "", bytes: 4 },
          { type: "uri", modality: "image", uri: "https://example.com/cat.png" },
        ],
      },
    ]);
  });

  it("Anthropic base64 sources, in messages, tool results and system instructions", () => {
    const source = { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" };
    const attrs = inputContentAttributes("anthropic", {
      system: [{ type: "text", text: "Read it." }],
      messages: [
        { role: "user", content: [{ type: "document", source }] },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "image", source: { ...source, media_type: "image/jpeg" } }] }],
        },
      ],
    });
    const messages = JSON.parse(String(attrs["gen_ai.input.messages"])) as unknown;
    expect(JSON.stringify(messages)).not.toContain("JVBERi0xLjQK");
    expect(messages).toEqual([
      { role: "user", parts: [{ type: "blob", modality: "document", mime_type: "application/pdf", content: "", bytes: 9 }] },
      {
        role: "user",
        parts: [
          {
            type: "tool_call_response",
            id: "t1",
            response: [{ type: "blob", modality: "image", mime_type: "image/jpeg", content: "", bytes: 9 }],
          },
        ],
      },
    ]);
  });

  it("kept as sent when tracing.capture_content_media is true", () => {
    const json = String(inputContentAttributes("openai", openai, true)["gen_ai.input.messages"]);
    expect(json).toContain(image);
  });
});

describe("request attributes: reasoning effort and service tier", () => {
  const opts = { providerName: "openai", url: "https://api.openai.com/v1/chat/completions", streaming: false };
  it("OpenAI reasoning_effort and service_tier (not `auto`)", () => {
    const attrs = requestAttributes("openai", { model: "o4-mini", reasoning_effort: "high", service_tier: "flex" }, opts);
    expect(attrs).toMatchObject({ "gen_ai.request.reasoning.level": "high", "openai.request.service_tier": "flex" });
    const auto = requestAttributes("openai", { model: "o4-mini", service_tier: "auto" }, opts);
    expect(auto["openai.request.service_tier"]).toBeUndefined();
  });
  it("Anthropic output_config.effort", () => {
    const attrs = requestAttributes("anthropic", { model: "claude", output_config: { effort: "medium" } }, opts);
    expect(attrs["gen_ai.request.reasoning.level"]).toBe("medium");
    expect(attrs["openai.request.service_tier"]).toBeUndefined();
  });
});

describe("toLatestGenAi: the newest GenAI convention names", () => {
  it("cache_creation -> cache_write; a whole top_k stays, a fractional one is left out", () => {
    const attrs = { "gen_ai.usage.cache_creation.input_tokens": 25, "gen_ai.request.top_k": 40, "gen_ai.usage.input_tokens": 100 };
    toLatestGenAi(attrs);
    expect(attrs).toEqual({ "gen_ai.usage.cache_write.input_tokens": 25, "gen_ai.request.top_k": 40, "gen_ai.usage.input_tokens": 100 });
    const fractional = { "gen_ai.request.top_k": 0.5 };
    toLatestGenAi(fractional);
    expect(fractional).toEqual({});
  });
});

describe("redactQuery", () => {
  it("redacts secret-looking keys (any case, percent-encoded names too) and keeps the rest as it arrived", () => {
    expect(redactQuery("API_KEY=1&q=a%20b&x-goog-signature=2&%74oken=3&flag&empty=")).toBe(
      "API_KEY=REDACTED&q=a%20b&x-goog-signature=REDACTED&%74oken=REDACTED&flag&empty=",
    );
  });
});
