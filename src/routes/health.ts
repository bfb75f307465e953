import { Hono } from "hono";
import type { AppEnv } from "../env";

/** `GET /healthz`: the Worker runs and its config is valid (the config middleware answers 500 otherwise). */
export const health = new Hono<AppEnv>().get("/", (c) => c.json({ status: "ok" }));
