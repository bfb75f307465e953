import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import "../../loopback/context";
import { receivedBy, scriptAnswer, SPAN_KIND, spansOf, traceIdOf } from "../../loopback/client";
import { requestApp } from "../../helpers/request";

// tracing.keep (issue 13): requests the head decision dropped are recorded until they end, then exported when a
// rule matches their outcome. Against the scripted provider and the OTLP collector on loopback.
const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");

const OK = JSON.stringify({
  id: "c1",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const DOWN = { status: 500, body: JSON.stringify({ error: { message: "down", type: "server_error" } }) };

function envWith(tracing: Record<string, unknown>, extra: Record<string, unknown> = {}, entry: Record<string, unknown> = {}) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "openai/*", base_url: provider, access_key: "sk-loopback", retry: { attempts: 1 }, ...entry },
      ],
      auth: "none",
      tracing: { exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }], ...tracing },
      ...extra,
    }),
  };
}

const chat = (model: string, env: Record<string, string>, headers: Record<string, string> = {}) =>
  requestApp(
    "/v1/chat/completions",
    {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    },
    env,
  );

/** The trace-flags of a traceparent-shaped header (`00-<trace>-<span>-<flags>`). */
const flagsOf = (header: string | null | undefined) => header?.split("-")[3];

/**
 * The spans exported for `traceId` once `settled` (a later request's trace) has arrived: requestApp returns after
 * the request's waitUntil export, so by then anything exported for the earlier trace is at the collector.
 */
async function spansBefore(traceId: string, settled: string, settledCount: number) {
  expect(await spansOf(settled, settledCount)).toHaveLength(settledCount);
  return await spansOf(traceId, 0);
}

describe("tracing.keep", () => {
  it("keep keeps a failed request at 0% sampling and drops a healthy one", async () => {
    const env = envWith({ random_sampling: 0, keep: { errors: true } });
    const healthy = await scriptAnswer({ body: OK });
    const failing = await scriptAnswer(DOWN);
    const healthyRes = await chat(`openai/${healthy}`, env);
    const failedRes = await chat(`openai/${failing}`, env);
    expect(healthyRes.status).toBe(200);
    expect(failedRes.status).toBeGreaterThanOrEqual(500);

    const kept = await spansOf(traceIdOf(failedRes), 2);
    expect(kept.map((s) => s.kind).sort()).toEqual([SPAN_KIND.SERVER, SPAN_KIND.CLIENT]);
    for (const span of kept) {
      expect(span.attributes["tracegate.sampling.reason"]).toBe("error");
      // No adjusted count: no `th` (nor any `ot` entry: the gateway started the trace and dropped it at the head).
      expect(span.traceState).not.toMatch(/th:/);
      // Recorded though not sampled (the specification's RECORD_ONLY): the flags are the head decision's.
      expect(span.flags & 0x01).toBe(0);
    }
    expect(kept.find((s) => s.kind === SPAN_KIND.CLIENT)?.attributes["gen_ai.request.model"]).toBe(failing);
    expect(await spansBefore(traceIdOf(healthyRes), traceIdOf(failedRes), 2)).toEqual([]);

    // What left before the outcome was known says what the head decision said: not sampled.
    expect(flagsOf(failedRes.headers.get("traceresponse"))).toBe("02");
    const [call] = await receivedBy(failing);
    expect(flagsOf(call?.traceparent)).toBe("02");
    expect(call?.traceparent?.split("-")[1]).toBe(traceIdOf(failedRes));
  });

  it("keeps a slow request and drops a fast one", async () => {
    const env = envWith({ random_sampling: 0, keep: { slower_than_ms: 100 } });
    const fast = await scriptAnswer({ body: OK });
    const slow = await scriptAnswer({ body: OK, delayMs: 250 });
    const fastRes = await chat(`openai/${fast}`, env);
    const slowRes = await chat(`openai/${slow}`, env);
    const kept = await spansOf(traceIdOf(slowRes), 2);
    expect(kept.map((s) => s.attributes["tracegate.sampling.reason"])).toEqual(["slow", "slow"]);
    expect(await spansBefore(traceIdOf(fastRes), traceIdOf(slowRes), 2)).toEqual([]);
  });

  it("keeps a costly request (the price times the provider's usage) and drops a cheap one", async () => {
    // USD per million tokens: OK's usage (1 in, 1 out) costs $0.20; ten times that usage costs $2.
    const env = envWith({ random_sampling: 0, keep: { costlier_than_usd: 1 } }, {}, { pricing: { input: 100_000, output: 100_000 } });
    const cheap = await scriptAnswer({ body: OK });
    const costly = await scriptAnswer({ body: OK.replace('"prompt_tokens":1,"completion_tokens":1,"total_tokens":2', '"prompt_tokens":10,"completion_tokens":10,"total_tokens":20') });
    const cheapRes = await chat(`openai/${cheap}`, env);
    const costlyRes = await chat(`openai/${costly}`, env);
    const kept = await spansOf(traceIdOf(costlyRes), 2);
    expect(kept.map((s) => s.attributes["tracegate.sampling.reason"])).toEqual(["costly", "costly"]);
    expect(kept.find((s) => s.kind === SPAN_KIND.CLIENT)?.attributes["gen_ai.usage.cost"]).toBeCloseTo(2, 9);
    expect(await spansBefore(traceIdOf(cheapRes), traceIdOf(costlyRes), 2)).toEqual([]);
  });

  it("keeps a request whose first target failed and a fallback answered, with errors off", async () => {
    const failing = await scriptAnswer(DOWN);
    const healthy = await scriptAnswer({ body: OK });
    const env = envWith(
      { random_sampling: 0, keep: { fallbacks: true } },
      { model_aliases: { sturdy: { targets: [`openai/${failing}`, `openai/${healthy}`] } } },
    );
    const res = await chat("sturdy", env);
    expect(res.status).toBe(200);
    const kept = await spansOf(traceIdOf(res), 3);
    expect(kept).toHaveLength(3);
    expect(new Set(kept.map((s) => s.attributes["tracegate.sampling.reason"]))).toEqual(new Set(["fallback"]));
  });

  it("a trusted caller's decision stands: its unsampled failure is not kept, its sampled trace carries no reason", async () => {
    const env = envWith({ random_sampling: 0, trust_incoming_sampling: true, keep: { errors: true } });
    const failing = await scriptAnswer(DOWN);
    const dropped = await chat(`openai/${failing}`, env, {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-02",
    });
    const sampled = await chat(`openai/${failing}`, env, {
      traceparent: "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03",
      tracestate: "ot=th:0",
    });
    const spans = await spansOf(traceIdOf(sampled), 2);
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes["tracegate.sampling.reason"]).toBeUndefined();
      expect(span.traceState).toBe("ot=th:0");
    }
    expect(await spansBefore(traceIdOf(dropped), traceIdOf(sampled), 2)).toEqual([]);
  });

  it("with trust_incoming_sampling false, a caller's dropped failure is kept, its th erased, other entries kept", async () => {
    const env = envWith({ random_sampling: 0, trust_incoming_sampling: false, keep: { errors: true } });
    const failing = await scriptAnswer(DOWN);
    const res = await chat(`openai/${failing}`, env, {
      traceparent: "00-2af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03",
      tracestate: "ot=th:8;rv:ffffffffffffff,vendor=kept",
    });
    expect(traceIdOf(res)).toBe("2af7651916cd43dd8448eb211c80319c");
    const spans = await spansOf(traceIdOf(res), 2);
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes["tracegate.sampling.reason"]).toBe("error");
      expect(span.traceState).toBe("ot=rv:ffffffffffffff,vendor=kept");
    }
    expect(flagsOf(res.headers.get("traceresponse"))).toBe("02");
    const [call] = await receivedBy(failing);
    expect(call?.tracestate).toBe("ot=rv:ffffffffffffff,vendor=kept");
  });
});
