import type { ProviderConfig } from "../config/types";
import type { UpstreamInit } from "../exchange/upstream";

/**
 * The seam for a provider whose wire is neither OpenAI Chat Completions nor Anthropic Messages (Gemini, Vertex AI,
 * Workers AI, Bedrock, the built-in mock). To the rest of the pipeline such a provider speaks the OpenAI interface:
 * the client codecs plan an OpenAI Chat Completions request, and its adapter sends that request in the provider's own
 * API and answers exactly as an OpenAI provider would. So codecs, readers, response taps, token limits, retries and
 * fallbacks work unchanged.
 */
export interface WireRequest {
  /** The OpenAI-style URL the pipeline built: the provider's base URL + `/chat/completions`. */
  readonly url: string;
  /**
   * What `fetch` would get: POST, the JSON body, the abort signal (timeout, client gone), `redirect: "manual"`, and
   * lower-case headers: content-type, accept, traceparent/tracestate (when propagated), the configured `headers`,
   * and the provider key as `authorization: Bearer <key>` (the resolved `access_key`, or the client's own with
   * `passthrough_auth`; absent without a key). The adapter maps the key to its native auth.
   */
  readonly init: UpstreamInit;
  /** The OpenAI Chat Completions body (the object `init.body` serializes), to translate without parsing it again. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The validated provider entry: its base URL, model and provider-specific settings. */
  readonly provider: ProviderConfig;
  /** The model the provider receives (`route.upstreamModel`: for a wildcard entry, the one the client named). */
  readonly model: string;
  /** The Worker's bindings: secrets named by `$VAR` in the config, and bindings such as `AI`. */
  readonly env: Readonly<Record<string, unknown>>;
  /** `limits.max_response_bytes`: a native answer read whole (to translate it) is read up to this size. */
  readonly maxResponseBytes: number;
}

/**
 * A provider's native API behind the OpenAI interface. `send` answers like an OpenAI Chat Completions server:
 * - success, not streamed: a JSON `chat.completion`;
 * - success, streamed (`body.stream === true`): `content-type: text/event-stream` with `chat.completion.chunk`
 *   events, the last with a `finish_reason`, then a chunk with `usage` (and no choices), then `data: [DONE]`;
 *   translated per native event as it arrives (never the whole stream buffered);
 * - a native error: an OpenAI error body (`{"error": {"message", "type", "code"}}`) with the provider's status and
 *   its `retry-after` header, so retries (`on_status`), Retry-After and the client's error envelope keep working;
 * - a provider that cannot be reached: a rejected promise, as `fetch` rejects (the pipeline maps it to a 502);
 * - its own findings: a thrown GatewayError (bad config), TranslationError (a request the native API cannot express:
 *   400) or FormatError (a malformed native answer: 502), ending the CLIENT span with that error.
 */
export interface WireAdapter {
  /**
   * The URL the request really goes to (`url.full` and `server.address` on the CLIENT span, and the host named in
   * errors). Built without secrets: never a key in the query.
   */
  endpoint(provider: ProviderConfig, model: string, streaming: boolean): string;
  send(request: WireRequest): Promise<Response>;
}
