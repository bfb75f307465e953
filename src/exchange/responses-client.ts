import { GatewayError } from "../errors";
import { readAnthropicMessage, readMessageStreamEvent } from "../formats/anthropic-read";
import { isStreamErrorChunk, readChatCompletion, readChatCompletionChunk, type ReceivedChunk } from "../formats/openai-read";
import type { InputItem, ResponseObject, ResponsesRequest, ResponseStreamEvent } from "../formats/responses";
import { readResponse, readResponsesEvent } from "../formats/responses-read";
import { KNOWN_PROVIDERS } from "../providers/known";
import type { ModelRoute } from "../providers/resolve";
import { resolveItemReferences } from "../responses-store/references";
import type { Conversation, ResponsesSession } from "../responses-store/session";
import type { StreamCodec } from "../streaming/pipe";
import { encodeSse, type SseEvent } from "../streaming/sse";
import { UpstreamStreamError } from "../translate/errors";
import { openaiRequestToAnthropic } from "../translate/request-to-anthropic";
import { responsesRequestToChat } from "../translate/request-responses-to-chat";
import { anthropicResponseToOpenai } from "../translate/response";
import { chatResponseToResponses, type ResponseContext } from "../translate/response-chat-to-responses";
import { anthropicStreamToOpenai } from "../translate/stream-anthropic-to-openai";
import { chatStreamToResponses } from "../translate/stream-chat-to-responses";
import type { ClientCodec, ExchangePlan } from "./types";
import { optionalType, requireString } from "./validate";

/** One `/v1/responses` request, validated, with what the store knows of it. */
export interface ResponsesCall {
  readonly req: ResponsesRequest;
  /** The id its response gets where tracegate translates (`resp_…`). */
  readonly id: string;
  /** The conversation of `previous_response_id` from the store (loaded only for routes that translate). */
  readonly conversation?: Conversation | undefined;
}

/** Whether the provider serves the Responses API itself (providers/known.ts `responses`). */
function servesResponses({ provider }: ModelRoute): boolean {
  return provider.interface === "openai" && KNOWN_PROVIDERS[provider.provider]?.responses === true;
}

function newResponseId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `resp_${hex}`;
}

/** A Responses stream's error event: the API's `error` event (nothing of the response was sent yet). */
function errorEvent(err: GatewayError): string {
  const event = { type: "error", code: err.type, message: err.message, param: err.param ?? null, sequence_number: 0 };
  return encodeSse(JSON.stringify(event), "error");
}

const encodeEvents = (events: readonly ResponseStreamEvent[]): string =>
  events.map((e) => encodeSse(JSON.stringify(e), e.type)).join("");

/** Responses client, a provider serving `/responses`: the body and its answer pass through, read all the same. */
function passthrough({ req }: ResponsesCall, route: ModelRoute): ExchangePlan {
  return {
    upstreamBody: { ...req, model: route.upstreamModel },
    path: "/responses",
    api: "responses",
    response: readResponse,
    stream: (): StreamCodec => ({
      event(ev: SseEvent, data: unknown) {
        if (data === undefined) return ""; // `[DONE]` is no Responses event
        readResponsesEvent(data);
        return encodeSse(ev.data, ev.event);
      },
      end: () => "",
      error: errorEvent,
    }),
  };
}

/** This turn's input as items (a string is one user message), stored for the next turn. */
function inputItems(req: ResponsesRequest): readonly InputItem[] {
  if (typeof req.input === "string") return [{ type: "message", role: "user", content: req.input }];
  return req.input ?? [];
}

/**
 * Responses client, any other provider: Responses -> Chat Completions (-> Anthropic Messages), and back. The answer
 * is stored for `previous_response_id` unless the client sent `store: false`.
 */
function translated(call: ResponsesCall, route: ModelRoute, clientModel: string, session: ResponsesSession): ExchangePlan {
  const { req, conversation } = call;
  const chat = responsesRequestToChat(req, route.upstreamModel, conversation?.items);
  const anthropic = route.provider.interface === "anthropic";
  const createdAt = Math.floor(Date.now() / 1000);
  const ctx: ResponseContext = { id: call.id, createdAt, model: clientModel, request: req };
  const keep = (response: ResponseObject | undefined) => {
    if (response && req.store !== false) session.save(response, inputItems(req), conversation?.id);
  };
  return {
    upstreamBody: anthropic ? { ...openaiRequestToAnthropic(chat, route.upstreamModel) } : { ...chat },
    ...(conversation ? { conversationId: conversation.id } : {}),
    response(json) {
      const completion = anthropic ? anthropicResponseToOpenai(readAnthropicMessage(json), clientModel, createdAt) : readChatCompletion(json);
      const response = chatResponseToResponses(completion, ctx);
      keep(response);
      return response;
    },
    stream(): StreamCodec {
      const translator = chatStreamToResponses(ctx);
      const fromAnthropic = anthropic ? anthropicStreamToOpenai({ clientModel, includeUsage: true, created: createdAt }) : undefined;
      const push = (chunks: readonly ReceivedChunk[]) => chunks.flatMap((chunk) => translator.push(chunk));
      return {
        event(_ev: SseEvent, data: unknown) {
          if (data === undefined) return "";
          if (fromAnthropic) return encodeEvents(push(fromAnthropic.push(readMessageStreamEvent(data))));
          const chunk = readChatCompletionChunk(data);
          if (isStreamErrorChunk(chunk)) {
            const { type, message } = chunk.error;
            throw new UpstreamStreamError(String(type ?? "api_error"), String(message ?? "the provider reported an error"));
          }
          return encodeEvents(translator.push(chunk));
        },
        end() {
          const events = [...push(fromAnthropic?.end() ?? []), ...translator.end()];
          keep(translator.final);
          return encodeEvents(events);
        },
        error: (err) => encodeEvents(translator.fail(err.type, err.message)),
      };
    },
  };
}

function validate(body: Record<string, unknown>): ResponsesRequest {
  requireString(body, "model");
  const input = body.input;
  if (input !== undefined && typeof input !== "string" && !Array.isArray(input)) {
    throw GatewayError.invalidRequest("input: expected a string or an array of items", "input");
  }
  if (Array.isArray(input)) {
    input.forEach((item: unknown, i) => {
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        throw GatewayError.invalidRequest(`input[${i}]: expected an object`, `input[${i}]`);
      }
    });
  }
  optionalType(body, "stream", "boolean");
  optionalType(body, "store", "boolean");
  const previous = body.previous_response_id;
  if (previous != null && typeof previous !== "string") {
    throw GatewayError.invalidRequest("previous_response_id: expected a string", "previous_response_id");
  }
  return body as unknown as ResponsesRequest;
}

/**
 * The client codec of `/v1/responses` for one request (it reaches the request's conversation store): passed through
 * to providers that serve the Responses API, translated for every other provider.
 */
export function responsesClient(session: ResponsesSession): ClientCodec<ResponsesCall> {
  return {
    format: "openai",
    validate: (body) => ({ req: validate(body), id: newResponseId() }),
    async prepare(call, routes) {
      // Providers serving the Responses API keep their own state: the store is read only for routes translated.
      if (routes.every(servesResponses)) return call;
      const req = await resolveItemReferences(call.req, session);
      const previous = req.previous_response_id;
      return { ...call, req, conversation: previous ? await session.conversation(previous) : undefined };
    },
    plan(call, route, clientModel) {
      if (servesResponses(route)) return passthrough(call, route);
      const previous = call.req.previous_response_id;
      if (previous && !call.conversation) {
        throw GatewayError.notFound(`previous_response_id: no response "${previous}" found`, "previous_response_id");
      }
      return translated(call, route, clientModel, session);
    },
    streamError: errorEvent,
  };
}
