import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import "../loopback/context";
import { completionText, scriptAnswer, SPAN_KIND, spansOf, traceIdOf } from "../loopback/client";
import { requestApp } from "../helpers/request";

// The gateway's own decisions on the spans (issue 12): why an attempt follows a failed one, the delay it waited, and
// what a rate limit refused. Against the scripted provider and collector on loopback.
const provider = inject("loopbackProvider");
const collector = inject("loopbackCollector");

const OK = completionText("ok");

function envWith(extra: Record<string, unknown>) {
  return {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [
        { model: "openai/*", base_url: provider, access_key: "sk-loopback", retry: { attempts: 2, backoff_ms: 10, on_status: [500] } },
      ],
      auth: "none",
      tracing: { random_sampling: 100, exporters: [{ endpoint: `${collector}/v1/traces`, protocol: "http/json" }] },
      ...extra,
    }),
  };
}

const chat = (model: string, env: Record<string, string>) =>
  requestApp(
    "/v1/chat/completions",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }) },
    env,
  );

describe("the gateway's decisions on spans", () => {
  it("a retry carries the failure it follows and the delay it waited; a fallback the failure it follows", async () => {
    const failing = await scriptAnswer({ status: 500, body: JSON.stringify({ error: { message: "down", type: "server_error" } }) });
    const healthy = await scriptAnswer({ body: OK });
    const env = envWith({ model_aliases: { sturdy: { targets: [`openai/${failing}`, `openai/${healthy}`] } } });
    const res = await chat("sturdy", env);
    expect(res.status).toBe(200);
    const spans = await spansOf(traceIdOf(res), 4);
    const calls = spans.filter((s) => s.kind === SPAN_KIND.CLIENT).sort((a, b) => Number(a.attributes["tracegate.attempt"]) - Number(b.attributes["tracegate.attempt"]));
    expect(calls.map((s) => [s.attributes["tracegate.fallback.reason"], s.attributes["tracegate.retry.delay_ms"]])).toEqual([
      [undefined, undefined],
      ["500", 10],
      ["500", undefined],
    ]);
    const server = spans.find((s) => s.kind === SPAN_KIND.SERVER);
    expect(server?.attributes["tracegate.request.model"]).toBe("sturdy");
    expect(server?.attributes["tracegate.ratelimit.refused"]).toBeUndefined();
  });
});
