import { Hono } from "hono";
import type { AppEnv } from "../../src/env";
import { GatewayError } from "../../src/errors";
import { parseJson, readBodyText } from "../../src/exchange/request-body";
import { callUpstream, type Fetcher } from "../../src/exchange/upstream";

const networkFetch: Fetcher = (url, init) => fetch(url, init);

interface Hop {
  readonly url: string;
  readonly arguments: unknown;
}

function hopsOf(value: unknown): Hop[] {
  if (!Array.isArray(value)) throw GatewayError.invalidRequest("body: expected an array of {url, arguments}");
  return value.map((item: unknown, i) => {
    if (typeof item !== "object" || item === null || !("url" in item) || typeof item.url !== "string") {
      throw GatewayError.invalidRequest(`[${i}].url: expected a string`, `[${i}].url`);
    }
    return { url: item.url, arguments: "arguments" in item ? item.arguments : [] };
  });
}

/**
 * `POST /v1/_conformance/tracecontext`: the W3C trace-context test-suite contract (w3c/trace-context test/README.md).
 * Each `{url, arguments}` is POSTed through the same upstream call, CLIENT span and propagation as provider calls,
 * so the suite tests exactly the code that talks to providers.
 *
 * Test-only: it POSTs to any URL the caller names (behind client auth, as every /v1 route). It is mounted only by
 * the test Worker entry (test/conformance/worker.ts) and is never part of the deployed bundle.
 */
export const conformance = new Hono<AppEnv>().post("/tracecontext", async (c) => {
  const text = await readBodyText(c.req.raw, c.get("config").maxBodyBytes);
  const hops = hopsOf(parseJson(text));
  for (const hop of hops) {
    const exchange = await callUpstream({
      url: hop.url,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hop.arguments),
      clientSignal: c.req.raw.signal,
      timeoutMs: 10_000,
      send: networkFetch,
      trace: c.get("trace"),
      call: { name: "POST", attributes: { "http.request.method": "POST", "url.full": hop.url }, propagate: true },
    });
    await exchange.response.arrayBuffer().catch(() => undefined);
    exchange.settle({ kind: "complete" });
  }
  return c.json({ ok: true });
});
