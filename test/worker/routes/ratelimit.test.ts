import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requestApp } from "../helpers/request";
import { validateConfig } from "../../../src/config/validate";

const KEYS = { ALICE_KEY: "tg-alice-key-000000", BOB_KEY: "tg-bob-key-11111111" };

function envWith(ratelimits: unknown[]) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "mock/echo", default: true }, { model: "mock/*" }],
      auth: { keys: [{ name: "alice", key: "$ALICE_KEY" }, { name: "bob", key: "$BOB_KEY" }] },
      ratelimits,
    }),
    ...KEYS,
    RATE_LIMITER: (workerEnv as { RATE_LIMITER?: unknown }).RATE_LIMITER,
  };
}

function call(e: Record<string, unknown>, key: string, opts: { headers?: Record<string, string>; path?: string; model?: string } = {}) {
  const path = opts.path ?? "/v1/chat/completions";
  const body = { model: opts.model ?? "mock/echo", max_tokens: 5, messages: [{ role: "user", content: "hello there" }] };
  return requestApp(
    path,
    { method: "POST", headers: { "content-type": "application/json", "x-api-key": key, ...opts.headers }, body: JSON.stringify(body) },
    e,
  );
}

describe("ratelimits", () => {
  it("limits requests per client name and answers 429 with Retry-After in the route's format", async () => {
    const e = envWith([{ limit: { requests: 2, unit: "hour" } }]);
    expect((await call(e, KEYS.ALICE_KEY)).status).toBe(200);
    expect((await call(e, KEYS.ALICE_KEY, { path: "/v1/messages" })).status).toBe(200);
    const limited = await call(e, KEYS.ALICE_KEY, { path: "/v1/messages" });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await limited.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    // Bob has his own bucket.
    expect((await call(e, KEYS.BOB_KEY)).status).toBe(200);
  });

  it("applies a rule only to its model", async () => {
    const e = envWith([{ model: "mock/limited", limit: { requests: 1, unit: "hour" } }]);
    expect((await call(e, KEYS.BOB_KEY, { model: "mock/limited" })).status).toBe(200);
    expect((await call(e, KEYS.BOB_KEY, { model: "mock/limited" })).status).toBe(429);
    expect((await call(e, KEYS.BOB_KEY, { model: "mock/other" })).status).toBe(200);
  });

  it("counts per header value with Plano's selector form; an exact value limits only that value", async () => {
    const e = envWith([
      { selector: { key: "x-org-id", value: "*" }, limit: { requests: 1, unit: "hour" } },
      { selector: { key: "x-tier", value: "free" }, limit: { requests: 1, unit: "day" } },
    ]);
    expect((await call(e, KEYS.ALICE_KEY, { headers: { "x-org-id": "org-a" } })).status).toBe(200);
    expect((await call(e, KEYS.ALICE_KEY, { headers: { "x-org-id": "org-a" } })).status).toBe(429);
    expect((await call(e, KEYS.ALICE_KEY, { headers: { "x-org-id": "org-b" } })).status).toBe(200);
    expect((await call(e, KEYS.ALICE_KEY, { headers: { "x-tier": "free" } })).status).toBe(200);
    expect((await call(e, KEYS.ALICE_KEY, { headers: { "x-tier": "free" } })).status).toBe(429);
    expect((await call(e, KEYS.ALICE_KEY, { headers: { "x-tier": "pro" } })).status).toBe(200);
  });

  it("counts the tokens a call actually used, after the response", async () => {
    const e = envWith([{ selector: { key: "x-team", value: "*" }, limit: { tokens: 10, unit: "hour" } }]);
    const first = await call(e, KEYS.BOB_KEY, { headers: { "x-team": "t1" } });
    expect(first.status).toBe(200);
    const used = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    expect(used).toBeGreaterThan(10);
    // The usage is added from waitUntil-style background work: poll until the bucket shows it.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await call(e, KEYS.BOB_KEY, { headers: { "x-team": "t1" } })).status;
    }
    expect(status).toBe(429);
  });

  it("reports bad rules with key paths", () => {
    const result = validateConfig({
      model_providers: [{ model: "mock/echo" }],
      ratelimits: [{ limit: { unit: "week" } }, { selector: { value: "*" }, limit: { requests: 0, unit: "minute" } }, "x"],
    });
    expect(result.ok ? [] : result.errors).toEqual([
      "ratelimits[0].limit: set requests and/or tokens",
      "ratelimits[1].selector.key: expected a non-empty string, got nothing",
      "ratelimits[1].limit.requests: expected a positive integer, got 0",
      "ratelimits[2]: expected a mapping, got a string",
    ]);
  });
});
