import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collectedSpans, collectorExporter } from "../helpers/collector";
import { requestApp } from "../helpers/request";

// Model rate limits match the model a request resolved to (issue 11 D5), however the client named it. Provider calls
// are counted as the CLIENT spans the gateway exported to the loopback collector: one per call to the (built-in)
// provider, each request with its own trace id.
const CLIENT = 3;
const KEY = "tg-model-limits-key-01";

/**
 * A config with `gpt-4o` and `backup` on the built-in provider, aliases to them, and the given rules. Buckets are per
 * client name: each test has its own, so tests with the same rule do not share a bucket.
 */
function envWith(client: string, ratelimits: unknown[]) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "mock/gpt-4o", name: "four-o" },
        { model: "mock/backup" },
      ],
      model_aliases: { fast: { target: "mock/gpt-4o" }, sturdy: { targets: ["mock/gpt-4o", "mock/backup"] } },
      auth: { keys: [{ name: client, key: "$KEY" }] },
      tracing: { random_sampling: 100, exporters: [collectorExporter()] },
      ratelimits,
    }),
    KEY,
    RATE_LIMITER: (workerEnv as { RATE_LIMITER?: unknown }).RATE_LIMITER,
  };
}

let requests = 0;
const traceIds: string[] = [];

async function call(e: Record<string, unknown>, model: string, path = "/v1/chat/completions") {
  const traceId = `5a7e${(++requests).toString(16).padStart(28, "0")}`;
  traceIds.push(traceId);
  const body = { model, max_tokens: 5, messages: [{ role: "user", content: "hello there" }] };
  const res = await requestApp(
    path,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEY, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify(body),
    },
    e,
  );
  return { res, traceId };
}

/** Provider calls the given requests made: their CLIENT spans as the collector received them. */
async function providerCalls(ids: readonly string[]): Promise<number> {
  let calls = 0;
  for (const id of ids) calls += (await collectedSpans(id)).filter((s) => s.kind === CLIENT).length;
  return calls;
}

describe("a model rate limit, however the model is named (D5)", () => {
  it("shares one bucket between the full name, an alias, the bare name and the entry's name", async () => {
    // The rule itself names the model by its alias: it is resolved like a client's model name.
    const e = envWith("spellings", [{ model: "fast", limit: { requests: 3, unit: "hour" } }]);
    const first = traceIds.length;
    const statuses: number[] = [];
    for (const model of ["mock/gpt-4o", "fast", "gpt-4o", "four-o"]) {
      for (let i = 0; i < 5; i++) statuses.push((await call(e, model)).res.status);
    }
    expect(statuses).toEqual([200, 200, 200, ...Array<number>(17).fill(429)]);
    expect(await providerCalls(traceIds.slice(first))).toBe(3);
    const limited = await call(e, "gpt-4o", "/v1/messages");
    expect(limited.res.status).toBe(429);
    expect(Number(limited.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.res.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    // Another model is not limited by the rule.
    expect((await call(e, "mock/backup")).res.status).toBe(200);
  });

  it("skips a fallback target whose limit is full and answers from the next one", async () => {
    const e = envWith("fallback", [{ model: "mock/gpt-4o", limit: { requests: 1, unit: "day" } }]);
    const first = await call(e, "sturdy");
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("x-tracegate-model")).toBe("mock/gpt-4o");
    const second = await call(e, "sturdy");
    expect(second.res.status).toBe(200);
    expect(second.res.headers.get("x-tracegate-model")).toBe("mock/backup");
    // The limited target was not called: one provider call per request.
    expect(await providerCalls([first.traceId, second.traceId])).toBe(2);
    // The refusal is on the SERVER span, and the fallback's CLIENT span says why it was tried (issue 12).
    const spans = await collectedSpans(second.traceId);
    expect(spans.find((s) => s.kind === 2)?.attributes["tracegate.ratelimit.refused"]).toEqual(["mock/gpt-4o"]);
    expect(spans.find((s) => s.kind === CLIENT)?.attributes["tracegate.fallback.reason"]).toBe("rate_limited");
    // With no fallback left, the client gets the 429.
    const direct = await call(e, "four-o");
    expect(direct.res.status).toBe(429);
    expect(Number(direct.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await providerCalls([direct.traceId])).toBe(0);
  });

  it("counts a rule covering several targets once per request", async () => {
    const e = envWith("once", [
      { model: "mock/gpt-4o", limit: { requests: 1, unit: "day" } },
      // The alias rule covers both targets: tried in one request, it still counts one request.
      { model: "sturdy", limit: { requests: 2, unit: "day" } },
      { model: "mock/backup", limit: { tokens: 10, unit: "day" } },
    ]);
    expect((await call(e, "four-o")).res.status).toBe(200);
    const fellBack = await call(e, "sturdy");
    expect(fellBack.res.status).toBe(200);
    expect(fellBack.res.headers.get("x-tracegate-model")).toBe("mock/backup");
    expect(await providerCalls([fellBack.traceId])).toBe(1);
    // Two requests counted by the alias rule: the third is refused, whichever target it names.
    const third = await call(e, "mock/backup");
    expect(third.res.status).toBe(429);
    expect(await providerCalls([third.traceId])).toBe(0);
  });

  it("adds the tokens to the buckets of the target that answered", async () => {
    const e = envWith("tokens", [
      { model: "mock/gpt-4o", limit: { requests: 1, unit: "day" } },
      { model: "mock/backup", limit: { tokens: 10, unit: "day" } },
    ]);
    expect((await call(e, "four-o")).res.status).toBe(200);
    const fellBack = await call(e, "sturdy");
    expect(fellBack.res.status).toBe(200);
    expect(fellBack.res.headers.get("x-tracegate-model")).toBe("mock/backup");
    const used = ((await fellBack.res.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    expect(used).toBeGreaterThan(10);
    // requestApp waited for the request's background work: the backup's token bucket holds that usage now.
    expect((await call(e, "mock/backup")).res.status).toBe(429);
  });
});
