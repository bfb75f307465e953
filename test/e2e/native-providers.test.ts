import Anthropic from "@anthropic-ai/sdk";
import { generateKeyPairSync, verify } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNativeProviders, VERTEX_TOKEN, type NativeProviders, type NativeRequest } from "./harness/native-providers";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// Issue 15: Azure OpenAI, the Gemini API and Vertex AI behind the gateway under `wrangler dev`, reached by the
// official SDKs, against loopback providers speaking each real wire format (URL, auth header, body, SSE shape).
let native: NativeProviders;
let gateway: DevServer;
let openai: OpenAI;
let anthropic: Anthropic;
const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

beforeAll(async () => {
  native = await startNativeProviders();
  const serviceAccount = {
    type: "service_account",
    client_email: "gateway@proj-1.iam.gserviceaccount.com",
    private_key_id: "key-1",
    private_key: privateKey,
    token_uri: `${native.url}/token`,
  };
  const config = {
    model_providers: [
      { model: "azure_openai/chat-deploy", base_url: native.url, access_key: "$AZURE_KEY", azure: { api_version: "2024-10-21" } },
      { model: "azure_openai/v1-deploy", name: "azure-v1", base_url: `${native.url}/openai/v1`, access_key: "$AZURE_KEY" },
      { model: "google/*", base_url: `${native.url}/v1beta`, access_key: "$GEMINI_KEY" },
      {
        model: "vertex_ai/*",
        base_url: `${native.url}/v1`,
        vertex: { project: "proj-1", location: "europe-west4", service_account: "$GCP_SERVICE_ACCOUNT" },
      },
    ],
    auth: "none",
  };
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify(config),
    AZURE_KEY: "azure-loopback-key",
    GEMINI_KEY: "gemini-loopback-key",
    GCP_SERVICE_ACCOUNT: JSON.stringify(serviceAccount),
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "client-key", maxRetries: 0 });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await native?.close();
});

const lastTo = (pattern: RegExp): NativeRequest => {
  const found = native.received.filter((r) => pattern.test(r.path)).at(-1);
  if (!found) throw new Error(`nothing reached ${pattern}`);
  return found;
};

interface Case {
  readonly model: string;
  readonly reply: string;
  readonly usage: { prompt: number; completion: number; cached: number; reasoning?: number };
  readonly path: (stream: boolean) => RegExp;
}

const CASES: Case[] = [
  {
    model: "azure_openai/chat-deploy",
    reply: "azure chat-deploy: hello there",
    usage: { prompt: 9, completion: 4, cached: 2 },
    path: () => /^\/openai\/deployments\/chat-deploy\/chat\/completions\?api-version=2024-10-21$/,
  },
  {
    model: "azure-v1",
    reply: "azure v1-deploy: hello there",
    usage: { prompt: 9, completion: 4, cached: 2 },
    path: () => /^\/openai\/v1\/chat\/completions$/,
  },
  {
    model: "google/gemini-2.5-flash",
    reply: "native gemini-2.5-flash: hello there",
    usage: { prompt: 12, completion: 8, cached: 4, reasoning: 3 },
    path: (stream) => (stream ? /^\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/ : /^\/v1beta\/models\/gemini-2\.5-flash:generateContent$/),
  },
  {
    model: "vertex_ai/gemini-2.5-pro",
    reply: "native gemini-2.5-pro: hello there",
    usage: { prompt: 12, completion: 8, cached: 4, reasoning: 3 },
    path: (stream) =>
      new RegExp(`^/v1/projects/proj-1/locations/europe-west4/publishers/google/models/gemini-2\\.5-pro:${stream ? "streamGenerateContent\\?alt=sse" : "generateContent"}$`),
  },
];

describe.each(CASES)("$model", ({ model, reply, usage, path }) => {
  it("OpenAI SDK, not streamed: the answer and usage, cached and reasoning tokens included", async () => {
    const res = await openai.chat.completions.create({ model, messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello there" }] });
    expect(res.choices[0]?.message.content).toBe(reply);
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage).toMatchObject({ prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion });
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(usage.cached);
    if (usage.reasoning !== undefined) expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(usage.reasoning);
    expect(lastTo(path(false)).method).toBe("POST");
  });

  it("OpenAI SDK, streamed: the text in chunks, usage in the last chunk", async () => {
    const stream = await openai.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hello there" }] });
    let text = "";
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      last = chunk;
    }
    expect(text).toBe(reply);
    expect(last?.usage).toMatchObject({ prompt_tokens: usage.prompt, completion_tokens: usage.completion });
    expect(lastTo(path(true)).method).toBe("POST");
  });

  it("Anthropic SDK, not streamed and streamed: the answer and usage (cached tokens apart)", async () => {
    const msg = await anthropic.messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: "hello there" }] });
    expect(msg.content).toEqual([expect.objectContaining({ type: "text", text: reply })]);
    expect(msg.usage).toMatchObject({ input_tokens: usage.prompt - usage.cached, output_tokens: usage.completion, cache_read_input_tokens: usage.cached });
    const stream = anthropic.messages.stream({ model, max_tokens: 100, messages: [{ role: "user", content: "hello there" }] });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: "text", text: reply })]);
    expect(final.usage.output_tokens).toBe(usage.completion);
    expect(lastTo(path(true)).method).toBe("POST");
  });
});

describe.each(CASES)("$model through the Responses API (translated via Chat Completions)", ({ model, reply, usage, path }) => {
  it("OpenAI SDK responses.create, not streamed and streamed: the text and usage, cached tokens included", async () => {
    const res = await openai.responses.create({ model, instructions: "be brief", input: "hello there" });
    expect(res.output_text).toBe(reply);
    expect(res.status).toBe("completed");
    expect(res.usage).toMatchObject({ input_tokens: usage.prompt, output_tokens: usage.completion, total_tokens: usage.prompt + usage.completion });
    expect(res.usage?.input_tokens_details.cached_tokens).toBe(usage.cached);
    expect(lastTo(path(false)).method).toBe("POST");
    const stream = await openai.responses.create({ model, input: "hello there", stream: true });
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe(reply);
    expect(completed?.usage).toMatchObject({ input_tokens: usage.prompt, output_tokens: usage.completion });
    expect(lastTo(path(true)).method).toBe("POST");
  });
});

describe("what reached the providers", () => {
  it("Azure: the deployment in the path, api-version, the key in api-key (no Authorization), trace context", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await openai.chat.completions.create({ model: "azure_openai/chat-deploy", messages: [{ role: "user", content: "hi" }] }, { headers: { traceparent } });
    const req = lastTo(/^\/openai\/deployments\/chat-deploy\//);
    expect(req.headers["api-key"]).toBe("azure-loopback-key");
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers.traceparent).toBe(traceparent); // tracing is off in this config: forwarded as it came
    expect(req.body).toMatchObject({ model: "chat-deploy", messages: [{ role: "user", content: "hi" }] });
  });

  it("Gemini: x-goog-api-key, contents/systemInstruction/generationConfig/functionDeclarations, a tool call back", async () => {
    const res = await openai.chat.completions.create({
      model: "google/gemini-2.5-flash",
      max_tokens: 50,
      temperature: 0.2,
      messages: [{ role: "developer", content: "be brief" }, { role: "user", content: "weather?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    });
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(res.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    const req = lastTo(/^\/v1beta\/models\/gemini-2\.5-flash:generateContent$/);
    expect(req.headers["x-goog-api-key"]).toBe("gemini-loopback-key");
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toEqual({
      contents: [{ role: "user", parts: [{ text: "weather?" }] }],
      systemInstruction: { parts: [{ text: "be brief" }] },
      tools: [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } }] }],
      generationConfig: { temperature: 0.2, maxOutputTokens: 50 },
    });
  });

  it("Gemini's 429 reaches the client as a 429 with its message", async () => {
    const err = await openai.chat.completions.create({ model: "google/fail-429", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).message).toContain("Resource has been exhausted");
  });

  it("Vertex AI: a JWT signed with the service account's key, exchanged once for the token the calls carry", async () => {
    await openai.chat.completions.create({ model: "vertex_ai/gemini-2.5-pro", messages: [{ role: "user", content: "hi" }] });
    const assertions = (await (await fetch(`${native.url}/assertions`)).json()) as string[];
    expect(assertions.length).toBe(1); // cached: every Vertex call of this file used the one token
    const [header, claims, signature] = (assertions[0] ?? "").split(".");
    const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    expect(decode(header)).toEqual({ alg: "RS256", typ: "JWT", kid: "key-1" });
    const body = decode(claims);
    expect(body).toMatchObject({ iss: "gateway@proj-1.iam.gserviceaccount.com", aud: `${native.url}/token`, scope: "https://www.googleapis.com/auth/cloud-platform" });
    expect(Number(body.exp) - Number(body.iat)).toBe(3600);
    const signed = Buffer.from(`${header}.${claims}`);
    expect(verify("RSA-SHA256", signed, publicKey, Buffer.from(signature ?? "", "base64url"))).toBe(true);
    expect(lastTo(/^\/v1\/projects\/proj-1\//).headers.authorization).toBe(`Bearer ${VERTEX_TOKEN}`);
  });
});
