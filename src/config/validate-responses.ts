import { expectPositiveInteger } from "./check";
import { mapping, withDefault } from "./schema";

/** How long a stored response stays usable as `previous_response_id`: 30 days, as OpenAI keeps them. */
const DEFAULT_STORE_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Stored responses per client; past it the oldest go first. */
const DEFAULT_STORE_MAX_ITEMS = 1000;

/** The store's settings when the config has no `responses:` key. */
export const DEFAULT_RESPONSES_STORE = { ttlSeconds: DEFAULT_STORE_TTL_SECONDS, maxItems: DEFAULT_STORE_MAX_ITEMS };

/**
 * `responses:` the conversation store of `/v1/responses` where tracegate translates (providers that serve the
 * Responses API keep their own): `store_ttl_seconds` (default 30 days) and `max_items` per client (default 1000).
 */
export const validateResponses = mapping({
  store_ttl_seconds: withDefault(expectPositiveInteger, DEFAULT_STORE_TTL_SECONDS),
  max_items: withDefault(expectPositiveInteger, DEFAULT_STORE_MAX_ITEMS),
});
