import type { ModelPrice } from "./price";
import { PRICE_ROWS } from "./table";

function buildIndex(): ReadonlyMap<string, ReadonlyMap<string, ModelPrice>> {
  const built = new Map<string, Map<string, ModelPrice>>();
  for (const [provider, rows] of Object.entries(PRICE_ROWS)) {
    const models = new Map<string, ModelPrice>();
    for (const [names, input, output, cacheRead, cacheWrite] of rows) {
      const price: ModelPrice = { input, output, cacheRead, cacheWrite };
      for (const name of names.split(" ")) models.set(name, price);
    }
    built.set(provider, models);
  }
  return built;
}

/** Each provider's table as a map from model name to price (about 100 names, built once per isolate). */
const INDEX = buildIndex();

/**
 * A dated or moving suffix that names the same priced family: `-2024-08-06`, `-20250929`, `-0709`, `-2603`,
 * `-latest`, `-preview`, `-001`. Stripped one at a time from the end until a name in the table matches.
 */
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4}|latest|preview|exp)$/;

/** Look-ups remembered per isolate, at most; then forgotten all at once (model names come from clients too). */
const REMEMBERED = 512;
// A deliberate, bounded isolate cache: every priced call looks its model up (for the span, Server-Timing and the
// metrics), and a miss costs a lower-casing and a regular expression per suffix tried. null: no price.
const remembered = new Map<string, ModelPrice | null>();

/**
 * The bundled price of `model` at `provider` (its `gen_ai.provider.name`), or undefined (unknown). Case-insensitive;
 * Gemini's `models/` prefix is dropped; a dated snapshot (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`) has its
 * family's price. Nothing else is guessed: `gpt-4o-audio-preview` is not `gpt-4o`.
 */
export function bundledPrice(provider: string, model: string): ModelPrice | undefined {
  const key = `${provider}\u0000${model}`;
  const known = remembered.get(key);
  if (known !== undefined) return known ?? undefined;
  const price = lookUp(provider, model);
  if (remembered.size >= REMEMBERED) remembered.clear();
  remembered.set(key, price ?? null);
  return price;
}

function lookUp(provider: string, model: string): ModelPrice | undefined {
  const models = INDEX.get(provider);
  if (!models) return undefined;
  let name = model.toLowerCase();
  if (name.startsWith("models/")) name = name.slice(7);
  for (let i = 0; i < 4; i++) {
    const price = models.get(name);
    if (price) return price;
    const stripped = name.replace(SNAPSHOT_SUFFIX, "");
    if (stripped === name) return undefined;
    name = stripped;
  }
  return undefined;
}

/**
 * The price of one call: the configured `pricing:` (alias target, else provider entry) when there is one, else the
 * bundled price of the model that answered (`gen_ai.response.model`), else of the model asked for. Undefined: unknown.
 */
export function callPrice(
  configured: ModelPrice | undefined,
  provider: string,
  responseModel: string | undefined,
  requestModel: string,
): ModelPrice | undefined {
  if (configured) return configured;
  return (responseModel === undefined ? undefined : bundledPrice(provider, responseModel)) ?? bundledPrice(provider, requestModel);
}
