import fc from "fast-check";

// fast-check arbitraries for what a provider may answer. Each shape comes clean (every field well-formed, so runs
// reach translation and a complete answer) and noisy (each field sometimes absent or replaced by any JSON value),
// and now and then as a wholly arbitrary value or non-JSON text.

const junk = fc.jsonValue({ maxDepth: 2 });
/** Wraps a field's arbitrary: as it is (clean), or sometimes any JSON value instead (noisy). */
type Field = <T>(arb: fc.Arbitrary<T>) => fc.Arbitrary<unknown>;
const clean: Field = (arb) => arb;
const noisy: Field = (arb) => fc.oneof({ arbitrary: arb, weight: 6 }, { arbitrary: junk, weight: 1 });
const text = fc.string({ maxLength: 12 });
const nat = fc.nat({ max: 100_000 });
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: (keyof T & string)[] = []) =>
  fc.record(fields, { requiredKeys: required });
/** Provider bytes: JSON of a shaped value mostly, any JSON value or non-JSON text sometimes. */
const bytesOf = (shaped: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: shaped.map((v) => JSON.stringify(v)), weight: 12 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
  );
const toolArguments = fc.oneof(text, fc.constant('{"city":"Paris"}'), fc.constant("[1]"));

// ---- OpenAI-interface provider ----

const finishReason = fc.option(fc.constantFrom("stop", "length", "tool_calls", "content_filter", "function_call", "newer_reason"));

function openaiShapes(field: Field) {
  const count = field(nat);
  const usage = partial({
    prompt_tokens: count,
    completion_tokens: count,
    total_tokens: count,
    prompt_tokens_details: field(fc.option(partial({ cached_tokens: count, cache_write_tokens: count }))),
    completion_tokens_details: field(fc.option(partial({ reasoning_tokens: count }))),
  }, ["prompt_tokens", "completion_tokens"]);
  const toolCall = partial({
    id: field(text),
    type: field(fc.constantFrom("function", "custom")),
    function: field(partial({ name: field(text), arguments: field(toolArguments) }, ["name", "arguments"])),
  }, ["id", "type", "function"]);
  // A message (answer) and a delta (chunk) carry the same text fields.
  const textFields = {
    role: field(fc.constant("assistant")),
    content: field(fc.option(text)),
    refusal: field(fc.option(text)),
    reasoning_content: field(text),
  };
  const message = partial({ ...textFields, tool_calls: field(fc.option(fc.array(toolCall, { maxLength: 3 }))) });
  const choice = partial({ index: field(fc.nat({ max: 2 })), message: field(message), finish_reason: field(finishReason) }, ["message"]);
  const root = (object: string, choices: fc.Arbitrary<unknown>) =>
    partial({ id: field(text), object: field(fc.constant(object)), model: field(text), choices: field(choices), usage: field(fc.option(usage)) }, ["id", "choices"]);
  const completion = root("chat.completion", fc.array(choice, { maxLength: 3 }));
  const toolCallDelta = partial({
    index: field(fc.nat({ max: 2 })),
    id: field(fc.option(text)),
    type: field(fc.constant("function")),
    function: field(partial({ name: field(text), arguments: field(toolArguments) })),
  });
  const delta = partial({ ...textFields, tool_calls: field(fc.option(fc.array(toolCallDelta, { maxLength: 2 }))) });
  const chunkChoice = partial({ index: field(fc.nat({ max: 2 })), delta: field(delta), finish_reason: field(finishReason) }, ["index"]);
  const chunk = root("chat.completion.chunk", fc.array(chunkChoice, { maxLength: 2 }));
  return { completion, chunk };
}

const openaiClean = openaiShapes(clean);
const openaiNoisy = openaiShapes(noisy);

/** A non-streamed answer of an OpenAI-interface provider, as the bytes it sends. */
export const openaiAnswer = bytesOf(fc.oneof(openaiClean.completion, openaiNoisy.completion));

const errorChunk = fc.record({ error: partial({ message: noisy(text), type: noisy(text), code: noisy(text) }) });
const cleanChunkEvents = fc.array(openaiClean.chunk.map((data) => ({ data })), { minLength: 1, maxLength: 8 });
const noisyChunkEvent = fc.oneof(
  { arbitrary: openaiNoisy.chunk.map((data) => ({ data })), weight: 10 },
  { arbitrary: errorChunk.map((data) => ({ data })), weight: 1 },
  { arbitrary: fc.constant({ data: "[DONE]" }), weight: 1 },
  { arbitrary: fc.oneof(junk, fc.string({ maxLength: 20 })).map((data) => ({ data })), weight: 1 },
);

/** The events of an OpenAI-interface provider's stream (SSE `data:` values: JSON values or raw text). */
export const openaiStream = fc.oneof(
  cleanChunkEvents.map((events) => [...events, { data: "[DONE]" }]),
  fc.array(noisyChunkEvent, { maxLength: 10 }),
);

// ---- Anthropic-interface provider ----

const stopReason = fc.option(fc.constantFrom("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "newer_reason"));

function anthropicShapes(field: Field) {
  const count = field(nat);
  const usage = partial({
    input_tokens: count,
    output_tokens: count,
    cache_read_input_tokens: field(fc.option(fc.nat({ max: 1000 }))),
    cache_creation_input_tokens: field(fc.option(fc.nat({ max: 1000 }))),
    output_tokens_details: field(fc.option(partial({ thinking_tokens: count }))),
  }, ["input_tokens", "output_tokens"]);
  const block = fc.oneof(
    partial({ type: fc.constant("text"), text: field(text) }, ["type", "text"]),
    partial({ type: fc.constant("thinking"), thinking: field(text), signature: field(text) }, ["type", "thinking"]),
    partial({ type: fc.constant("tool_use"), id: field(text), name: field(text), input: field(fc.dictionary(text, junk, { maxKeys: 2 })) }, ["type", "id", "name", "input"]),
    partial({ type: field(fc.constantFrom("redacted_thinking", "server_tool_use", "web_search_tool_result")), data: junk }, ["type"]),
  );
  const message = (content: fc.Arbitrary<unknown>) =>
    partial({
      id: field(text),
      type: field(fc.constant("message")),
      role: field(fc.constant("assistant")),
      model: field(text),
      content: field(content),
      stop_reason: field(stopReason),
      usage: field(usage),
    }, ["id", "content", "usage"]);
  const delta = fc.oneof(
    partial({ type: fc.constant("text_delta"), text: field(text) }, ["type", "text"]),
    partial({ type: fc.constant("input_json_delta"), partial_json: field(toolArguments) }, ["type", "partial_json"]),
    partial({ type: fc.constant("thinking_delta"), thinking: field(text) }, ["type", "thinking"]),
    partial({ type: fc.constant("signature_delta"), signature: field(text) }, ["type"]),
  );
  const index = field(fc.nat({ max: 3 }));
  const content = fc.oneof(
    { arbitrary: fc.record({ type: fc.constant("content_block_start"), index, content_block: field(block) }), weight: 3 },
    { arbitrary: fc.record({ type: fc.constant("content_block_delta"), index, delta: field(delta) }), weight: 5 },
    { arbitrary: fc.record({ type: fc.constant("content_block_stop"), index }), weight: 2 },
    { arbitrary: fc.constant({ type: "ping" }), weight: 1 },
  );
  const messageDelta = partial({
    type: fc.constant("message_delta"),
    delta: field(partial({ stop_reason: field(stopReason) })),
    usage: field(partial({ output_tokens: count, input_tokens: count })),
  }, ["type"]);
  return { answer: message(fc.array(block, { maxLength: 4 })), start: message(fc.constant([])), content, messageDelta };
}

const anthropicClean = anthropicShapes(clean);
const anthropicNoisy = anthropicShapes(noisy);

/** A non-streamed answer of an Anthropic-interface provider, as the bytes it sends. */
export const anthropicAnswer = bytesOf(fc.oneof(anthropicClean.answer, anthropicNoisy.answer));

/** An event as SSE sends it: named by its type when it has a plain one. */
const named = (data: unknown) => {
  const type = typeof data === "object" && data !== null && "type" in data ? data.type : undefined;
  return { event: typeof type === "string" && /^\w+$/.test(type) ? type : "message", data };
};

/** message_start, content events, message_delta and message_stop, each well-formed (the content in any order). */
const cleanMessageEvents = fc
  .tuple(anthropicClean.start, fc.array(anthropicClean.content, { maxLength: 8 }), anthropicClean.messageDelta)
  .map(([message, content, end]) => [{ type: "message_start", message }, ...content, end, { type: "message_stop" }].map(named));
const noisyMessageEvent = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant("message_start"), message: anthropicNoisy.start }).map(named), weight: 2 },
  { arbitrary: anthropicNoisy.content.map(named), weight: 10 },
  { arbitrary: anthropicNoisy.messageDelta.map(named), weight: 2 },
  { arbitrary: fc.constant(named({ type: "message_stop" })), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant("error"), error: noisy(partial({ type: noisy(text), message: noisy(text) })) }).map(named), weight: 1 },
  { arbitrary: fc.oneof(junk, fc.record({ type: text })).map(named), weight: 1 },
  { arbitrary: fc.string({ maxLength: 20 }).map((data) => ({ event: "message", data })), weight: 1 },
);

/** The events of an Anthropic-interface provider's stream. */
export const anthropicStream = fc.oneof(cleanMessageEvents, fc.array(noisyMessageEvent, { maxLength: 10 }));
