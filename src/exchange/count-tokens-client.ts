import { GatewayError } from "../errors";
import type { MessagesRequest } from "../formats/anthropic";
import { readTokenCount } from "../formats/anthropic-read";
import { countTokensAttributes } from "../telemetry/genai/operations";
import { anthropicClient } from "./anthropic-client";
import type { CallOperation, ClientCodec } from "./types";
import { requireMessages, requireString } from "./validate";

/** The token count's CLIENT span: `count_tokens {model}`; nothing in its answer is usage. */
const COUNT_TOKENS: CallOperation = { spanName: "count_tokens", attributes: countTokensAttributes, tap: () => undefined };

/**
 * `POST /v1/messages/count_tokens` (Anthropic's format) to an Anthropic-interface provider: the body passes through
 * with the provider's model name and the answer (`{input_tokens}`) is read and passed on. Other providers have no
 * token count: a 400 naming the model, before any call.
 */
export const countTokensClient: ClientCodec<Omit<MessagesRequest, "max_tokens">> = {
  format: "anthropic",
  validate(body) {
    requireString(body, "model");
    requireMessages(body);
    if (body.stream !== undefined) throw GatewayError.invalidRequest("stream: a token count is not streamed", "stream");
    return body as unknown as MessagesRequest;
  },
  plan(req, route, clientModel) {
    if (route.provider.interface !== "anthropic") {
      throw GatewayError.invalidRequest(
        `model "${clientModel}" has no token count: its provider "${route.provider.provider}" speaks the OpenAI API; ` +
          "count_tokens needs a model of an Anthropic-interface provider",
        "model",
      );
    }
    return {
      upstreamBody: { ...req, model: route.upstreamModel },
      path: "/messages/count_tokens",
      response: readTokenCount,
      operation: COUNT_TOKENS,
    };
  },
  streamError: anthropicClient.streamError,
};
