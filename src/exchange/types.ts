import type { Attributes } from "@opentelemetry/api";
import type { ApiFormat, GatewayError } from "../errors";
import type { ResponseTap } from "../telemetry/genai/response";
import type { CallApi } from "../providers/known";
import type { ModelRoute } from "../providers/resolve";
import type { StreamCodec } from "../streaming/pipe";

/** How one client request travels to one provider interface and back: built per request by a codec. */
export interface ExchangePlan {
  /** The JSON body sent to the provider. */
  readonly upstreamBody: Record<string, unknown>;
  /** The API of the call when not the provider's interface (a Responses pass-through): spans, the stream's end. */
  readonly api?: CallApi;
  /** `gen_ai.conversation.id` of the call, when the client's request names a conversation. */
  readonly conversationId?: string;
  /** Provider JSON response -> client JSON response. */
  response(json: unknown): unknown;
  /** A fresh stream codec (provider SSE -> client SSE); absent for calls that are never streamed. */
  readonly stream?: () => StreamCodec;
  /** The provider path relative to base_url when not the interface's default (`/embeddings`, `/responses`). */
  readonly path?: string;
  /** What the call is when it is not a chat: its span's name, attributes and response tap. */
  readonly operation?: CallOperation;
}

/** A provider call other than a chat (embeddings, token counts), as its CLIENT span records it. */
export interface CallOperation {
  /** The span name's first word (`embeddings` in `embeddings text-embedding-3-small`). */
  readonly spanName: string;
  /** The span's attributes known before the call, from the body sent. */
  attributes(body: Record<string, unknown>, target: { providerName: string; url: string }): Attributes;
  /** Watches the answer for the span and the token rate limits; undefined: nothing to record. */
  tap(): ResponseTap | undefined;
}

/** What a client format needs to talk to a provider interface. */
export interface ClientCodec<Req> {
  readonly format: ApiFormat;
  /** Checks the client body; throws a 400 GatewayError naming the field. */
  validate(body: Record<string, unknown>): Req;
  /**
   * Completes a validated request with what it needs from elsewhere before any attempt (the Responses route: the
   * stored conversation of `previous_response_id`), knowing the routes it will try.
   */
  prepare?(req: Req, routes: readonly ModelRoute[]): Promise<Req>;
  plan(req: Req, route: ModelRoute, clientModel: string): ExchangePlan;
  /** The client-format error event that ends a stream. */
  streamError(err: GatewayError): string;
}
