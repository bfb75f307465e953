import { errorBody, type GatewayError } from "../errors";
import { readAnthropicMessage, readMessageStreamEvent } from "../formats/anthropic-read";
import type { ChatCompletionRequest } from "../formats/openai";
import { isStreamErrorChunk, readChatCompletion, readChatCompletionChunk } from "../formats/openai-read";
import type { ModelRoute } from "../providers/resolve";
import type { StreamCodec } from "../streaming/pipe";
import { encodeSse, type SseEvent } from "../streaming/sse";
import { JSON_MODE_TOOL, usesJsonModeTool } from "../translate/json-mode";
import { openaiRequestToAnthropic } from "../translate/request-to-anthropic";
import { anthropicResponseToOpenai } from "../translate/response";
import { anthropicStreamToOpenai } from "../translate/stream-anthropic-to-openai";
import type { ClientCodec, ExchangePlan } from "./types";
import { optionalType, requireMessages, requireString } from "./validate";

const DONE = "data: [DONE]\n\n";

/** `"usage":null` as a provider writes it when asked for usage (OpenAI puts it last), with the comma that joins it. */
const NULL_USAGE = /,\s*"usage"\s*:\s*null(?=\s*[,}])|"usage"\s*:\s*null\s*,/;

/**
 * The chunk's text without the `"usage": null` the gateway's own `include_usage` added: cut from the provider's text
 * (not re-serialized), so the client gets the bytes the provider would have sent it. A `"usage"` inside a string
 * is escaped (`\"usage\"`) and never matches.
 */
function withoutNullUsage(data: string): string {
  const match = NULL_USAGE.exec(data);
  return match ? data.slice(0, match.index) + data.slice(match.index + match[0].length) : data;
}

function encodeError(err: GatewayError): string {
  return encodeSse(JSON.stringify(errorBody("openai", err)));
}

/**
 * OpenAI client, OpenAI-interface provider: the body passes through, only `model` and usage reporting change.
 * Answers and chunks are read (checked) all the same, so a malformed one is a 502 or an error event, not a client
 * SDK's crash.
 */
function passthrough(req: ChatCompletionRequest, route: ModelRoute): ExchangePlan {
  const clientWantsUsage = req.stream_options?.include_usage === true;
  const upstreamBody: Record<string, unknown> = { ...req, model: route.upstreamModel };
  // Ask for usage so it is always known (spans, token limits); strip it again if the client did not ask.
  if (req.stream === true) upstreamBody.stream_options = { ...req.stream_options, include_usage: true };
  return {
    upstreamBody,
    response: readChatCompletion,
    stream: (): StreamCodec => ({
      event(ev: SseEvent, data: unknown) {
        if (data === undefined) return "";
        const chunk = readChatCompletionChunk(data);
        if (clientWantsUsage || isStreamErrorChunk(chunk) || chunk.usage === undefined) return encodeSse(ev.data);
        if (chunk.usage === null) return encodeSse(withoutNullUsage(ev.data));
        const { usage: _usage, ...rest } = chunk;
        if (rest.choices.length === 0) return "";
        return encodeSse(JSON.stringify(rest));
      },
      end: () => DONE,
      error: encodeError,
    }),
  };
}

/** OpenAI client, Anthropic-interface provider: translate both ways. */
function toAnthropic(req: ChatCompletionRequest, route: ModelRoute, clientModel: string): ExchangePlan {
  const upstreamBody = openaiRequestToAnthropic(req, route.upstreamModel);
  const jsonTool = usesJsonModeTool(upstreamBody) ? JSON_MODE_TOOL : undefined;
  return {
    upstreamBody: { ...upstreamBody },
    response: (json) => anthropicResponseToOpenai(readAnthropicMessage(json), clientModel, Math.floor(Date.now() / 1000), jsonTool),
    stream: (): StreamCodec => {
      const translator = anthropicStreamToOpenai({
        clientModel,
        includeUsage: req.stream_options?.include_usage === true,
        created: Math.floor(Date.now() / 1000),
        jsonTool,
      });
      const encode = (chunks: readonly unknown[]) => chunks.map((c) => encodeSse(JSON.stringify(c))).join("");
      return {
        event(_ev: SseEvent, data: unknown) {
          if (data === undefined) return "";
          return encode(translator.push(readMessageStreamEvent(data)));
        },
        end: () => encode(translator.end()) + DONE,
        error: encodeError,
      };
    },
  };
}

export const openaiClient: ClientCodec<ChatCompletionRequest> = {
  format: "openai",
  validate(body) {
    requireString(body, "model");
    requireMessages(body);
    optionalType(body, "stream", "boolean");
    optionalType(body, "stream_options", "object");
    return body as unknown as ChatCompletionRequest;
  },
  plan(req, route, clientModel) {
    return route.provider.interface === "anthropic" ? toAnthropic(req, route, clientModel) : passthrough(req, route);
  },
  streamError: encodeError,
};
