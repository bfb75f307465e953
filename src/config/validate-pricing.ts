import type { ModelPrice } from "../pricing/price";
import { expectNumberIn, type Issues } from "./check";
import { mapping, optional, required } from "./schema";

/** A price in USD per million tokens: 0 (free) up to an amount no model comes near. */
const price = (value: unknown, path: string, issues: Issues) =>
  expectNumberIn(value, 0, 100_000, path, issues);

const readPricing = mapping({
  input: required(price, "required: USD per million input tokens, e.g. 2.5"),
  output: required(price, "required: USD per million output tokens, e.g. 10"),
  cache_read: optional(price),
  cache_write: optional(price),
  reasoning: optional(price),
});

/**
 * `pricing:` of a `model_providers` entry or an alias target: USD per million tokens, replacing the bundled price
 * table for the calls it routes. `cache_read`/`cache_write` default to `input`, `reasoning` to `output`.
 */
export function pricingOf(value: unknown, path: string, issues: Issues): ModelPrice | undefined {
  const read = readPricing(value, path, issues);
  if (read?.input === undefined || read.output === undefined) return undefined;
  const out: { -readonly [K in keyof ModelPrice]: ModelPrice[K] } = { input: read.input, output: read.output };
  if (read.cache_read !== undefined) out.cacheRead = read.cache_read;
  if (read.cache_write !== undefined) out.cacheWrite = read.cache_write;
  if (read.reasoning !== undefined) out.reasoning = read.reasoning;
  return out;
}
