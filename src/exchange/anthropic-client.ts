import { errorBody, GatewayError } from "../errors";
import type { MessagesRequest } from "../formats/anthropic";
import { readAnthropicMessage, readMessageStreamEvent } from "../formats/anthropic-read";
import { readChatCompletion, readChatCompletionChunk } from "../formats/openai-read";
import type { ModelRoute } from "../providers/resolve";
import type { StreamCodec } from "../streaming/pipe";
import { encodeSse, type SseEvent } from "../streaming/sse";
import { anthropicRequestToOpenai } from "../translate/request-to-openai";
import { openaiResponseToAnthropic } from "../translate/response";
import { openaiStreamToAnthropic } from "../translate/stream-openai-to-anthropic";
import type { ClientCodec, ExchangePlan } from "./types";
import { optionalType, requireInteger, requireMessages, requireString } from "./validate";

function encodeError(err: GatewayError): string {
  return encodeSse(JSON.stringify(errorBody("anthropic", err)), "error");
}

/**
 * Anthropic client, Anthropic-interface provider: the answer and events pass through as they are, read (checked)
 * all the same, so a malformed one is a 502 or an error event, not a client SDK's crash.
 */
function passthrough(req: MessagesRequest, route: ModelRoute): ExchangePlan {
  return {
    upstreamBody: { ...req, model: route.upstreamModel },
    response: readAnthropicMessage,
    stream: (): StreamCodec => ({
      event(ev: SseEvent, data: unknown) {
        if (data !== undefined) readMessageStreamEvent(data);
        return encodeSse(ev.data, ev.event ?? "message");
      },
      end: () => "",
      error: encodeError,
    }),
  };
}

/** Anthropic client, OpenAI-interface provider: translate both ways. */
function toOpenai(req: MessagesRequest, route: ModelRoute, clientModel: string): ExchangePlan {
  const upstreamBody: Record<string, unknown> = { ...anthropicRequestToOpenai(req, route.upstreamModel) };
  if (req.stream === true) upstreamBody.stream_options = { include_usage: true };
  return {
    upstreamBody,
    response: (json) => openaiResponseToAnthropic(readChatCompletion(json), clientModel),
    stream: (): StreamCodec => {
      const translator = openaiStreamToAnthropic({ clientModel });
      const encode = (events: readonly { type: string }[]) =>
        events.map((e) => encodeSse(JSON.stringify(e), e.type)).join("");
      return {
        event(_ev: SseEvent, data: unknown) {
          if (data === undefined) return "";
          return encode(translator.push(readChatCompletionChunk(data)));
        },
        end: () => encode(translator.end()),
        error: encodeError,
      };
    },
  };
}

export const anthropicClient: ClientCodec<MessagesRequest> = {
  format: "anthropic",
  validate(body) {
    requireString(body, "model");
    requireInteger(body, "max_tokens");
    requireMessages(body);
    optionalType(body, "stream", "boolean");
    if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) {
      throw GatewayError.invalidRequest("system: expected a string or an array of text blocks", "system");
    }
    return body as unknown as MessagesRequest;
  },
  plan(req, route, clientModel) {
    return route.provider.interface === "openai" ? toOpenai(req, route, clientModel) : passthrough(req, route);
  },
  streamError: encodeError,
};
