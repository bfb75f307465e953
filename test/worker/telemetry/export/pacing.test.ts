import { describe, expect, it } from "vitest";
import { collectedSpans, collectorExporter } from "../../helpers/collector";
import { requestApp } from "../../helpers/request";

// OTEL_BSP_SCHEDULE_DELAY through the whole gateway: a request whose export would start within the delay of the
// previous export waits the rest of it (in waitUntil, after its response), then its spans reach the collector.
const SERVER = 2;
const CLIENT = 3;

const env = {
  GATEWAY_CONFIG: JSON.stringify({
    model_providers: [{ model: "mock/echo", default: true }],
    auth: "none",
    tracing: { random_sampling: 100, exporters: [collectorExporter()] },
  }),
  OTEL_BSP_SCHEDULE_DELAY: "400",
};

async function traced(traceId: string): Promise<{ status: number; elapsedMs: number }> {
  const started = Date.now();
  const res = await requestApp(
    "/v1/chat/completions",
    {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }),
    },
    env,
  );
  // requestApp returns once the request's waitUntil work (the export) has ended.
  return { status: res.status, elapsedMs: Date.now() - started };
}

describe("span export pacing (OTEL_BSP_SCHEDULE_DELAY)", () => {
  it("a request right after an export waits the rest of the delay before its own, and nothing is lost", async () => {
    const first = "5ace0000000000000000000000000001";
    const second = "5ace0000000000000000000000000002";
    expect((await traced(first)).status).toBe(200);
    const paced = await traced(second);
    expect(paced.status).toBe(200);
    expect(paced.elapsedMs).toBeGreaterThanOrEqual(300);
    for (const traceId of [first, second]) {
      const kinds = (await collectedSpans(traceId)).map((s) => s.kind).sort();
      expect(kinds).toEqual([SERVER, CLIENT]);
    }
  });
});
