import { Hono } from "hono";
import type { AppEnv } from "../env";
import { anthropicClient } from "../exchange/anthropic-client";
import { countTokensClient } from "../exchange/count-tokens-client";
import { handleModelCall } from "../exchange/handle";

/**
 * `POST /v1/messages`: the Anthropic Messages API, to any provider; `POST /v1/messages/count_tokens`: Anthropic's
 * token count, to Anthropic-interface providers.
 */
export const messages = new Hono<AppEnv>()
  .post("/", (c) => handleModelCall(c, anthropicClient))
  .post("/count_tokens", (c) => handleModelCall(c, countTokensClient));
