import { Hono } from "hono";
import type { AppEnv } from "../env";
import { handleModelCall } from "../exchange/handle";
import { responsesClient } from "../exchange/responses-client";
import { responsesSession } from "../responses-store/session";

/** `POST /v1/responses`: the OpenAI Responses API, to any provider (passed through or translated). */
export const responses = new Hono<AppEnv>().post("/", (c) => handleModelCall(c, responsesClient(responsesSession(c))));
