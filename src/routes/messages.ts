import { Hono } from "hono";
import type { AppEnv } from "../env";
import { anthropicClient } from "../exchange/anthropic-client";
import { handleModelCall } from "../exchange/handle";

/** `POST /v1/messages`: the Anthropic Messages API, to any provider. */
export const messages = new Hono<AppEnv>().post("/", (c) => handleModelCall(c, anthropicClient));
