import type { ApiFormat, GatewayError } from "../errors";
import type { ModelRoute } from "../providers/resolve";
import type { StreamCodec } from "../streaming/pipe";

/** How one client request travels to one provider interface and back: built per request by a codec. */
export interface ExchangePlan {
  /** The JSON body sent to the provider. */
  readonly upstreamBody: Record<string, unknown>;
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
  plan(req: Req, route: ModelRoute, clientModel: string): ExchangePlan;
  /** The client-format error event that ends a stream. */
  streamError(err: GatewayError): string;
}
