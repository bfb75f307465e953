import type { ApiFormat } from "../errors";
import type { ProviderInterface } from "../providers/known";

/** A provider header's value as the client's API has it (a reset time is an RFC 3339 date at Anthropic, a duration at OpenAI). */
type Convert = (value: string, now: number) => string | undefined;

/** Where a provider header goes in the client's answer: its name there, and how its value changes. */
interface Passed {
  readonly name: string;
  readonly convert?: Convert;
}

/** OpenAI's rate-limit header and Anthropic's for the same quantity (`x-ratelimit-remaining-tokens` ⇄ …). */
const RATE_LIMIT_PAIRS: readonly (readonly [openai: string, anthropic: string])[] = ["requests", "tokens"].flatMap((what) =>
  ["limit", "remaining", "reset"].map((field) => [`x-ratelimit-${field}-${what}`, `anthropic-ratelimit-${what}-${field}`] as const),
);

/** Headers passed as they are whatever the APIs: the provider's wait, and its timing. */
const AS_THEY_ARE = ["retry-after", "retry-after-ms", "openai-processing-ms"];

/** Every name a client may receive from a provider through the gateway (CORS exposes these to browser pages). */
export const PASSED_HEADER_NAMES: readonly string[] = [
  ...AS_THEY_ARE,
  "x-request-id",
  "request-id",
  ...RATE_LIMIT_PAIRS.flat(),
  ...["input-tokens", "output-tokens"].flatMap((what) =>
    ["limit", "remaining", "reset"].map((field) => `anthropic-ratelimit-${what}-${field}`),
  ),
];

/** Go-style durations as OpenAI writes resets (`1s`, `6m0s`, `20ms`, `1h2m3.5s`) in milliseconds. */
function durationMs(value: string): number | undefined {
  const parts = value.trim().match(/(\d+(?:\.\d+)?)(ms|h|m|s)/g);
  if (!parts || parts.join("") !== value.trim()) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let ms = 0;
  for (const part of parts) {
    const [, amount = "0", suffix = "s"] = /^(\d+(?:\.\d+)?)(ms|h|m|s)$/.exec(part) ?? [];
    ms += Number(amount) * (unit[suffix] ?? 0);
  }
  return ms;
}

const resetAsDate: Convert = (value, now) => {
  const ms = durationMs(value);
  return ms === undefined ? undefined : new Date(now + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
};

const resetAsDuration: Convert = (value, now) => {
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : `${Math.max(0, Math.ceil((at - now) / 1000))}s`;
};

/** The passing table from one provider API to one client API, built once per pair (there are four). */
function table(from: ProviderInterface, to: ApiFormat): ReadonlyMap<string, Passed> {
  const map = new Map<string, Passed>();
  for (const name of AS_THEY_ARE) map.set(name, { name });
  if (from === to) {
    map.set("x-request-id", { name: "x-request-id" });
    map.set("request-id", { name: "request-id" });
    return map;
  }
  // Each SDK reads its own API's request-id header (openai: `_request_id`; Anthropic: `request-id`).
  const [requestIdFrom, requestIdTo] = from === "anthropic" ? ["request-id", "x-request-id"] : ["x-request-id", "request-id"];
  map.set(requestIdFrom, { name: requestIdTo });
  for (const [openai, anthropic] of RATE_LIMIT_PAIRS) {
    const reset = openai.startsWith("x-ratelimit-reset-");
    if (from === "anthropic") map.set(anthropic, { name: openai, convert: reset ? resetAsDuration : undefined });
    else map.set(openai, { name: anthropic, convert: reset ? resetAsDate : undefined });
  }
  return map;
}

const TABLES: Readonly<Record<ProviderInterface, Readonly<Record<ApiFormat, ReadonlyMap<string, Passed>>>>> = {
  openai: { openai: table("openai", "openai"), anthropic: table("openai", "anthropic") },
  anthropic: { openai: table("anthropic", "openai"), anthropic: table("anthropic", "anthropic") },
};

/**
 * The provider's headers a client may see, under the client API's names: the provider's wait (`retry-after`,
 * `retry-after-ms`), its request id and its rate-limit state. An allowlist: never `set-cookie`, hop-by-hop or
 * anything else the provider sent. Written into `into` (the answer's header record); one pass over the headers.
 */
export function passProviderHeaders(
  upstream: Headers,
  from: ProviderInterface,
  to: ApiFormat,
  into: Record<string, string>,
  now = Date.now(),
): Record<string, string> {
  const passing = TABLES[from][to];
  upstream.forEach((value, name) => {
    const passed = passing.get(name);
    if (passed) {
      const converted = passed.convert ? passed.convert(value, now) : value;
      if (converted !== undefined) into[passed.name] = converted;
    } else if ((name.startsWith("x-ratelimit-") || name.startsWith("anthropic-ratelimit-")) && into[name] === undefined) {
      // Rate-limit headers with no name in the client's API (Anthropic's input/output tokens, a provider's own): as they are.
      into[name] = value;
    }
  });
  return into;
}
