import { Hono } from "hono";
import type { AppEnv } from "../env";
import { handleModelCall } from "../exchange/handle";
import { openaiClient } from "../exchange/openai-client";

/** `POST /v1/chat/completions`: the OpenAI Chat Completions API, to any provider. */
export const chatCompletions = new Hono<AppEnv>().post("/", (c) => handleModelCall(c, openaiClient));
