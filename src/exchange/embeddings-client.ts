import { GatewayError } from "../errors";
import { readEmbeddings, type EmbeddingsRequest } from "../formats/embeddings-read";
import { EmbeddingsTap, embeddingsAttributes } from "../telemetry/genai/operations";
import { openaiClient } from "./openai-client";
import type { CallOperation, ClientCodec } from "./types";
import { optionalType, requireString } from "./validate";

/** The embeddings CLIENT span: `embeddings {model}` with the conventions' embeddings attributes. */
const EMBEDDINGS: CallOperation = {
  spanName: "embeddings",
  attributes: embeddingsAttributes,
  tap: () => new EmbeddingsTap(),
};

/**
 * `POST /v1/embeddings` (OpenAI's format) to a provider that serves `/embeddings`: the body passes through with the
 * provider's model name, the answer is read (checked) and passed on as the provider wrote it. A model whose provider
 * has no embeddings (Anthropic) is a 400 naming it, before any call.
 */
export const embeddingsClient: ClientCodec<EmbeddingsRequest> = {
  format: "openai",
  validate(body) {
    requireString(body, "model");
    const input = body.input;
    if (input === undefined) throw GatewayError.invalidRequest("input: required", "input");
    if (typeof input !== "string" && !Array.isArray(input)) {
      throw GatewayError.invalidRequest("input: expected a string or an array", "input");
    }
    optionalType(body, "dimensions", "number");
    if (body.stream !== undefined) throw GatewayError.invalidRequest("stream: embeddings are not streamed", "stream");
    return body as EmbeddingsRequest;
  },
  plan(req, route, clientModel) {
    const { provider } = route;
    if (!provider.embeddings) {
      throw GatewayError.invalidRequest(
        `model "${clientModel}" has no embeddings: its provider "${provider.provider}" does not serve /embeddings; ` +
          "name a model of a provider that does (openai, mistral, together, gemini, ollama, an OpenAI-compatible server)",
        "model",
      );
    }
    return { upstreamBody: { ...req, model: route.upstreamModel }, path: "/embeddings", response: readEmbeddings, operation: EMBEDDINGS };
  },
  streamError: openaiClient.streamError,
};
