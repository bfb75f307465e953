import type { Context } from "hono";
import { DEFAULT_RESPONSES_STORE } from "../config/validate-responses";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import type { InputItem, OutputItem, ResponseObject } from "../formats/responses";
import type { ResponsesStore } from "./store";

/** A conversation read back for `previous_response_id`. */
export interface Conversation {
  /** The id of its first response. */
  readonly id: string;
  /** Every earlier turn's input and output items, oldest first. */
  readonly items: readonly InputItem[];
}

/** The request's view of its client's stored responses (see store.ts). */
export interface ResponsesSession {
  /** The conversation up to `id`; undefined when this client has no such (unexpired) response. */
  conversation(id: string): Promise<Conversation | undefined>;
  /** Stores a translated response after the call; the client's next request finds it. */
  save(response: ResponseObject, input: readonly InputItem[], conversation: string | undefined): void;
  /** The stored response object (JSON text), or undefined. */
  response(id: string): Promise<string | undefined>;
  remove(id: string): Promise<boolean>;
}

function storeOf(c: Context<AppEnv>): DurableObjectStub<ResponsesStore> {
  const namespace = c.env.RESPONSES_STORE;
  if (!namespace) {
    throw GatewayError.configError(
      "the Responses store is not bound: add the RESPONSES_STORE Durable Object binding of wrangler.toml to the Worker",
    );
  }
  // One object per client: another client's response ids are not found, whatever they are.
  return namespace.get(namespace.idFromName(`client:${c.get("clientName") ?? ""}`));
}

/** The session of one request (the store is reached only when a method is called). */
export function responsesSession(c: Context<AppEnv>): ResponsesSession {
  return {
    async conversation(id) {
      const chain = await storeOf(c).chain(id);
      if (!chain) return undefined;
      const items: InputItem[] = [];
      for (const turn of chain.items) items.push(...(JSON.parse(turn) as InputItem[]));
      return { id: chain.conversation, items };
    },
    save(response, input, conversation) {
      // Reasoning summaries are not sent back to chat models (request-responses-to-chat.ts): not stored either.
      const output = response.output.filter((item: OutputItem) => item.type !== "reasoning");
      const turn = {
        id: response.id,
        previous: response.previous_response_id,
        conversation: conversation ?? response.id,
        items: JSON.stringify([...input, ...output]),
        response: JSON.stringify(response),
      };
      const limits = c.get("config").responsesStore ?? DEFAULT_RESPONSES_STORE;
      // Started before the client has the response's end, so the client's next request finds it.
      c.executionCtx.waitUntil(
        storeOf(c)
          .put(turn, limits)
          .catch((err: unknown) => console.error("tracegate: storing a response failed", err)),
      );
    },
    async response(id) {
      return (await storeOf(c).response(id)) ?? undefined;
    },
    remove: (id) => storeOf(c).remove(id),
  };
}
