import type { ApiFormat, GatewayError } from "../errors";
import type { WireApi } from "../providers/known";
import type { ModelRoute } from "../providers/resolve";
import type { StreamCodec } from "../streaming/pipe";

/** How one client request travels to one provider interface and back: built per request by a codec. */
export interface ExchangePlan {
  /** The JSON body sent to the provider. */
  readonly upstreamBody: Record<string, unknown>;
  /** The provider path when not its interface's default (`/responses` for a Responses pass-through). */
  readonly path?: string;
  /** The API on the wire when not the provider's interface (a Responses pass-through): spans, the stream's end. */
  readonly wire?: WireApi;
  /** `gen_ai.conversation.id` of the call, when the client's request names a conversation. */
  readonly conversationId?: string;
  /** Provider JSON response -> client JSON response. */
  response(json: unknown): unknown;
  /** A fresh stream codec (provider SSE -> client SSE). */
  stream(): StreamCodec;
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
