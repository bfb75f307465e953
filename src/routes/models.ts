import { Hono } from "hono";
import type { AppEnv } from "../env";
import { listModels } from "../providers/resolve";

/** `GET /v1/models`: configured models and aliases in the OpenAI list format. */
export const models = new Hono<AppEnv>().get("/", (c) =>
  c.json({
    object: "list",
    data: listModels(c.get("config")).map((m) => ({ id: m.id, object: "model", created: 0, owned_by: m.ownedBy })),
  }),
);
