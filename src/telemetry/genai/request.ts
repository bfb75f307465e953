import type { Attributes } from "@opentelemetry/api";
import type { ProviderInterface, CallApi } from "../../providers/known";
import { isRecord } from "../../formats/check";
import { arr, field, int, nonEmpty, num, str, type JsonRecord } from "./read";

/**
 * Attributes of the CLIENT span for one provider call that are known before the call is made, mapped from the body
 * sent to the provider (already in the provider's interface format) per the OpenTelemetry GenAI conventions
 * (semantic-conventions v1.41 gen-ai-spans.md, "Inference" span; Anthropic refinement in anthropic.md).
 *
 * Set them when the span starts: operation, provider, model and server.address/port are the sampling-relevant ones.
 *
 * Only the fields named below are read. Identifiers of the end user (OpenAI `user`, Anthropic `metadata.user_id`)
 * are recorded only as identity.ts says (`tracing.end_user`); everything else in the body is never copied. Message content lives in genai-content.ts (opt-in).
 *
 * - gen_ai.operation.name: always `chat` (both the Chat Completions and the Messages API are chat operations).
 * - gen_ai.request.max_tokens: OpenAI `max_completion_tokens` (preferred, the current field) or `max_tokens`;
 *   Anthropic `max_tokens`.
 * - gen_ai.request.stop_sequences: OpenAI `stop` (a string or an array), Anthropic `stop_sequences`.
 * - gen_ai.request.choice.count: OpenAI `n`, only when it is not 1 (the spec's condition).
 * - gen_ai.request.stream: `true` only for streaming calls ("if and only if the request is streaming").
 * - gen_ai.output.type: only when the request asks for an output format ("if the request includes an output
 *   format"): OpenAI `response_format.type` `json_object`/`json_schema` -> `json`, `text` -> `text`; Anthropic
 *   `output_config.format.type` `json_schema` -> `json`. Absent otherwise.
 * - gen_ai.request.reasoning.level (semantic-conventions-genai; "the exact string value sent to the provider"):
 *   OpenAI `reasoning_effort`, Anthropic `output_config.effort`.
 * - openai.request.service_tier: OpenAI-interface `service_tier`, when present and not `auto` (the OpenAI
 *   conventions' condition).
 * - OpenAI Responses API (a native pass-through, `iface` "responses"): the operation is `chat` too (the OpenAI
 *   conventions' `openai.api.type` tells the two OpenAI APIs apart); max_tokens from `max_output_tokens`, the
 *   reasoning level from `reasoning.effort`, the output type from `text.format.type`; no stop sequences.
 * - gen_ai.conversation.id: not from the body. Neither the Chat Completions nor the Messages API has a conversation
 *   field, and the spec forbids inventing one (no UUIDs, trace ids or content hashes as a fallback). The Responses
 *   route sets it from the client's response chain (exchange/responses-client.ts, ExchangePlan.conversationId).
 */
export function requestAttributes(
  iface: CallApi,
  body: JsonRecord,
  opts: { providerName: string; url: string; streaming: boolean },
): Attributes {
  const attrs: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": opts.providerName,
  };
  const b: JsonRecord = isRecord(body) ? body : {};
  const model = nonEmpty(b.model);
  if (model !== undefined) attrs["gen_ai.request.model"] = model;
  Object.assign(attrs, serverAttributesOf(opts.url));

  if (iface === "responses") return Object.assign(attrs, responsesAttributes(b, opts.streaming));
  const maxTokens = iface === "openai" ? (int(b.max_completion_tokens) ?? int(b.max_tokens)) : int(b.max_tokens);
  if (maxTokens !== undefined) attrs["gen_ai.request.max_tokens"] = maxTokens;
  setNumber(attrs, "gen_ai.request.temperature", b.temperature);
  setNumber(attrs, "gen_ai.request.top_p", b.top_p);
  // Anthropic's parameter; OpenAI-compatible servers (Together, OpenRouter, vLLM) accept it too.
  setNumber(attrs, "gen_ai.request.top_k", b.top_k);

  const stops = stopSequences(iface === "openai" ? b.stop : b.stop_sequences);
  if (stops !== undefined) attrs["gen_ai.request.stop_sequences"] = stops;

  const effort = nonEmpty(iface === "openai" ? b.reasoning_effort : field(b.output_config, "effort"));
  if (effort !== undefined) attrs["gen_ai.request.reasoning.level"] = effort;

  if (iface === "openai") {
    const tier = nonEmpty(b.service_tier);
    if (tier !== undefined && tier !== "auto") attrs["openai.request.service_tier"] = tier;
    setNumber(attrs, "gen_ai.request.frequency_penalty", b.frequency_penalty);
    setNumber(attrs, "gen_ai.request.presence_penalty", b.presence_penalty);
    const seed = int(b.seed);
    if (seed !== undefined) attrs["gen_ai.request.seed"] = seed;
    const n = int(b.n);
    if (n !== undefined && n !== 1) attrs["gen_ai.request.choice.count"] = n;
  }

  if (opts.streaming) attrs["gen_ai.request.stream"] = true;
  const outputType = requestedOutputType(iface, b);
  if (outputType !== undefined) attrs["gen_ai.output.type"] = outputType;
  return attrs;
}

/** The Responses API's request fields (see requestAttributes). */
function responsesAttributes(b: JsonRecord, streaming: boolean): Attributes {
  const attrs: Attributes = { "openai.api.type": "responses" };
  const maxTokens = int(b.max_output_tokens);
  if (maxTokens !== undefined) attrs["gen_ai.request.max_tokens"] = maxTokens;
  setNumber(attrs, "gen_ai.request.temperature", b.temperature);
  setNumber(attrs, "gen_ai.request.top_p", b.top_p);
  const effort = nonEmpty(field(b.reasoning, "effort"));
  if (effort !== undefined) attrs["gen_ai.request.reasoning.level"] = effort;
  const tier = nonEmpty(b.service_tier);
  if (tier !== undefined && tier !== "auto") attrs["openai.request.service_tier"] = tier;
  if (streaming) attrs["gen_ai.request.stream"] = true;
  const type = str(field(field(b.text, "format"), "type"));
  if (type === "json_object" || type === "json_schema") attrs["gen_ai.output.type"] = "json";
  else if (type === "text") attrs["gen_ai.output.type"] = "text";
  return attrs;
}

// Provider URLs come from the config, so a handful of distinct strings: parsed once each instead of a URL object per
// call. Bounded: cleared when full, in case URLs ever vary per request.
const SERVER_CACHE_LIMIT = 64;
const serverCache = new Map<string, Readonly<Attributes>>();

/** server.address / server.port of a provider URL (cached per URL; also the metrics' attributes). */
export function serverAttributesOf(url: string): Readonly<Attributes> {
  let attrs = serverCache.get(url);
  if (attrs === undefined) {
    if (serverCache.size >= SERVER_CACHE_LIMIT) serverCache.clear();
    attrs = serverAttributes(url);
    serverCache.set(url, attrs);
  }
  return attrs;
}

/** server.address / server.port of the provider endpoint; nothing for a URL that does not parse. */
function serverAttributes(url: string): Attributes {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  // URL.hostname keeps IPv6 literals in brackets; server.address is the bare address.
  const address = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (address === "") return {};
  const attrs: Attributes = { "server.address": address };
  const port = parsed.port !== "" ? Number(parsed.port) : defaultPort(parsed.protocol);
  if (port !== undefined) attrs["server.port"] = port;
  return attrs;
}

function defaultPort(protocol: string): number | undefined {
  if (protocol === "https:") return 443;
  if (protocol === "http:") return 80;
  return undefined;
}

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  const n = num(value);
  if (n !== undefined) attrs[key] = n;
}

function stopSequences(value: unknown): string[] | undefined {
  const single = str(value);
  if (single !== undefined) return [single];
  const list = arr(value)?.filter((s): s is string => typeof s === "string");
  return list !== undefined && list.length > 0 ? list : undefined;
}

function requestedOutputType(iface: ProviderInterface, b: JsonRecord): string | undefined {
  if (iface === "openai") {
    const type = str(field(b.response_format, "type"));
    if (type === "json_object" || type === "json_schema") return "json";
    if (type === "text") return "text";
    return undefined;
  }
  return str(field(field(b.output_config, "format"), "type")) === "json_schema" ? "json" : undefined;
}
