import { Hono } from "hono";
import type { AppEnv } from "../env";
import { embeddingsClient } from "../exchange/embeddings-client";
import { handleModelCall } from "../exchange/handle";

/** `POST /v1/embeddings`: OpenAI's Embeddings API, to providers that serve embeddings. */
export const embeddings = new Hono<AppEnv>().post("/", (c) => handleModelCall(c, embeddingsClient));
