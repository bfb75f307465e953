import { Hono } from "hono";
import type { AppEnv } from "../env";
import { GatewayError } from "../errors";
import { handleModelCall } from "../exchange/handle";
import { responsesClient } from "../exchange/responses-client";
import { responsesSession } from "../responses-store/session";

function notStored(id: string): GatewayError {
  return GatewayError.notFound(
    `no response "${id}" found; tracegate keeps the responses it translated (a provider serving the Responses API keeps its own)`,
    "response_id",
  );
}

/**
 * `POST /v1/responses`: the OpenAI Responses API, to any provider (passed through or translated).
 * `GET` / `DELETE /v1/responses/{id}`: a response tracegate stored for the calling client (translated ones only).
 */
export const responses = new Hono<AppEnv>()
  .post("/", (c) => handleModelCall(c, responsesClient(responsesSession(c))))
  .get("/:id", async (c) => {
    const id = c.req.param("id");
    const text = await responsesSession(c).response(id);
    if (text === undefined) throw notStored(id);
    return new Response(text, { headers: { "content-type": "application/json" } });
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await responsesSession(c).remove(id))) throw notStored(id);
    return c.json({ id, object: "response.deleted", deleted: true });
  });
