import { GatewayError } from "../errors";
import { UpstreamStreamError } from "../translate/stream-anthropic-to-openai";

/** An error raised while translating a stream event, as the GatewayError the client's error event carries. */
export function streamFailure(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof UpstreamStreamError) {
    return new GatewayError(502, "upstream_error", `provider stream error: ${err.message}`);
  }
  if (err instanceof SyntaxError) return new GatewayError(502, "upstream_error", "provider sent a malformed stream event");
  return new GatewayError(502, "upstream_error", "provider stream could not be translated");
}
