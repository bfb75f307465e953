import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { errorResponse, GatewayError } from "../errors";
import { findModel, listModels } from "../providers/resolve";

interface ListedModel {
  readonly id: string;
  readonly ownedBy: string;
}

/**
 * When the models came to be, as far as the gateway knows: the upload time of the deployed Worker version (the
 * `version_metadata` binding's `timestamp`), the same in every isolate of a deploy and changed by a deploy, which is
 * when the list can change. Without the binding (or without a usable timestamp) the current time: a real value, as
 * for a list that was made on request.
 */
function createdMs(env: AppEnv["Bindings"]): number {
  const metadata = env.CF_VERSION_METADATA;
  const timestamp = typeof metadata === "object" && metadata !== null ? (metadata as { timestamp?: unknown }).timestamp : undefined;
  const ms = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
  return Number.isNaN(ms) || ms <= 0 ? Date.now() : ms;
}

/** The Anthropic SDK sends `anthropic-version` on every request: such a client gets Anthropic's model objects. */
const wantsAnthropic = (c: Context<AppEnv>): boolean => c.req.header("anthropic-version") !== undefined;

function openaiModel(m: ListedModel, createdAt: number) {
  return { id: m.id, object: "model", created: Math.floor(createdAt / 1000), owned_by: m.ownedBy };
}

function anthropicModel(m: ListedModel, createdAt: number) {
  return { type: "model", id: m.id, display_name: m.id, created_at: new Date(createdAt).toISOString() };
}

/**
 * `GET /v1/models`: configured models and aliases, in OpenAI's list format, or Anthropic's (one page: `has_more`
 * false) for a client sending `anthropic-version`. `GET /v1/models/{id}`: one of them (or a model a `provider/*`
 * entry serves), 404 in the client's API envelope when there is none.
 */
export const models = new Hono<AppEnv>()
  .get("/", (c) => {
    const listed = listModels(c.get("config"));
    const createdAt = createdMs(c.env);
    if (!wantsAnthropic(c)) return c.json({ object: "list", data: listed.map((m) => openaiModel(m, createdAt)) });
    return c.json({
      data: listed.map((m) => anthropicModel(m, createdAt)),
      has_more: false,
      first_id: listed[0]?.id ?? null,
      last_id: listed.at(-1)?.id ?? null,
    });
  })
  .get("/:id{.+}", (c) => {
    const id = c.req.param("id");
    const model = findModel(c.get("config"), id);
    const anthropic = wantsAnthropic(c);
    if (!model) return errorResponse(anthropic ? "anthropic" : "openai", GatewayError.notFound(`model "${id}" does not exist`, "model"));
    const createdAt = createdMs(c.env);
    return c.json(anthropic ? anthropicModel(model, createdAt) : openaiModel(model, createdAt));
  });
