import { expect } from "vitest";

// What a client may receive, checked independently of the gateway's own readers: the shapes each API's clients
// (and their SDKs) rely on.

const FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter"];
const STOP_REASONS = ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded"];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function expectOptional(value: unknown, type: "string" | "number"): void {
  if (value !== undefined && value !== null) expect(typeof value).toBe(type);
}

/** A non-streamed OpenAI chat.completion from the gateway. */
export function expectChatCompletion(json: unknown, model: string): void {
  expect(json).toMatchObject({
    id: expect.any(String),
    object: "chat.completion",
    created: expect.any(Number),
    model,
    usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
  });
  const choices = (json as { choices: unknown }).choices;
  expect(Array.isArray(choices) && choices.length === 1).toBe(true);
  const [choice] = choices as Record<string, unknown>[];
  expect(choice).toMatchObject({ index: 0, message: { role: "assistant" } });
  expect(FINISH_REASONS).toContain(choice?.finish_reason);
  const message = choice?.message as Record<string, unknown>;
  expectOptional(message.content, "string");
  expectOptional(message.reasoning_content, "string");
  for (const call of (message.tool_calls as unknown[] | undefined) ?? []) {
    expect(call).toMatchObject({ id: expect.any(String), type: "function", function: { name: expect.any(String), arguments: expect.any(String) } });
    expect(isObject(JSON.parse((call as { function: { arguments: string } }).function.arguments))).toBe(true);
  }
}

/** One streamed OpenAI chat.completion.chunk from the gateway. */
export function expectChunk(chunk: unknown, model: string): void {
  expect(chunk).toMatchObject({ id: expect.any(String), object: "chat.completion.chunk", created: expect.any(Number), model });
  for (const choice of (chunk as { choices: Record<string, unknown>[] }).choices) {
    expect(choice).toMatchObject({ index: 0, delta: expect.any(Object) });
    if (choice.finish_reason !== null) expect(FINISH_REASONS).toContain(choice.finish_reason);
    const delta = choice.delta as Record<string, unknown>;
    expectOptional(delta.content, "string");
    expectOptional(delta.reasoning_content, "string");
    for (const call of (delta.tool_calls as Record<string, unknown>[] | undefined) ?? []) {
      expect(typeof call.index).toBe("number");
      expect(isObject(call.function)).toBe(true);
    }
  }
}

/** A non-streamed Anthropic message from the gateway. */
export function expectMessage(json: unknown, model: string): void {
  expect(json).toMatchObject({
    id: expect.any(String),
    type: "message",
    role: "assistant",
    model,
    stop_sequence: null,
    usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
  });
  expect(STOP_REASONS).toContain((json as { stop_reason: unknown }).stop_reason);
  for (const block of (json as { content: Record<string, unknown>[] }).content) expectBlock(block);
}

function expectBlock(block: Record<string, unknown>): void {
  if (block.type === "text") expect(typeof block.text).toBe("string");
  // A provider's reasoning (reasoning_content / reasoning): a thinking block, as Anthropic's own.
  else if (block.type === "thinking") expect(block).toEqual({ type: "thinking", thinking: expect.any(String), signature: "" });
  else expect(block).toMatchObject({ type: "tool_use", id: expect.any(String), name: expect.any(String), input: expect.any(Object) });
}

/** One streamed Anthropic event from the gateway (other than a final error event). */
export function expectStreamEvent(received: { type: string }): void {
  const event: Record<string, unknown> = { ...received };
  switch (event.type) {
    case "message_start":
      expect(event.message).toMatchObject({ id: expect.any(String), type: "message", role: "assistant", content: [], usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) } });
      return;
    case "content_block_start":
      expect(typeof event.index).toBe("number");
      return expectBlock(event.content_block as Record<string, unknown>);
    case "content_block_delta": {
      expect(typeof event.index).toBe("number");
      const delta = event.delta as Record<string, unknown>;
      if (delta.type === "text_delta") expect(typeof delta.text).toBe("string");
      else if (delta.type === "thinking_delta") expect(typeof delta.thinking).toBe("string");
      else expect(delta).toMatchObject({ type: "input_json_delta", partial_json: expect.any(String) });
      return;
    }
    case "content_block_stop":
      expect(typeof event.index).toBe("number");
      return;
    case "message_delta":
      expect(STOP_REASONS).toContain((event.delta as { stop_reason: unknown }).stop_reason);
      expect(typeof (event.usage as { output_tokens: unknown }).output_tokens).toBe("number");
      return;
    case "message_stop":
      return;
    default:
      throw new Error(`unexpected event type in a gateway stream: ${received.type}`);
  }
}

/**
 * A whole Anthropic event stream from the gateway, in order: message_start; content blocks opened, filled and
 * closed one at a time with indexes from 0; one message_delta; message_stop. Returns each tool_use block's streamed
 * input (the model's text: OpenAI does not promise it is JSON, and fragments are streamed as they come).
 */
export function expectMessageSequence(events: readonly { type: string }[]): string[] {
  for (const event of events) expectStreamEvent(event);
  const types = events.map((e) => e.type);
  expect(types[0]).toBe("message_start");
  expect(types.at(-1)).toBe("message_stop");
  expect(types.filter((t) => t === "message_delta")).toHaveLength(1);
  expect(types.at(-2)).toBe("message_delta");
  const inputs: string[] = [];
  let open: { index: number; tool: boolean } | undefined;
  let next = 0;
  for (const event of events.slice(1, -2) as { type: string; index: number; content_block?: { type: string }; delta?: { partial_json?: string } }[]) {
    if (event.type === "content_block_start") {
      expect(open, "a block starts after the previous one stopped").toBeUndefined();
      expect(event.index).toBe(next++);
      open = { index: event.index, tool: event.content_block?.type === "tool_use" };
      if (open.tool) inputs.push("");
    } else if (event.type === "content_block_delta") {
      expect(event.index).toBe(open?.index);
      if (event.delta?.partial_json !== undefined) inputs[inputs.length - 1] += event.delta.partial_json;
    } else {
      expect(event).toMatchObject({ type: "content_block_stop", index: open?.index });
      open = undefined;
    }
  }
  expect(open, "every block is stopped before message_delta").toBeUndefined();
  return inputs;
}
