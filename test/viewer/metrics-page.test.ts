import { writeFileSync } from "node:fs";
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../../viewer/receiver.js";
import { metricsJson, type MinuteSpec } from "./metrics-body";
import { otlpJson, postJson } from "./otlp-body";

// The Metrics view and the cost columns in real headless Chromium. TRACEGATE_UPDATE_SCREENSHOT=1 also writes
// docs/viewer-metrics.png.
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
let browser: Browser;
let page: Page;
const now = Date.now();
const COSTLY_TRACE = "c05700000000000000000000000000a1";

/** 30 minutes of traffic for two models, with a slow, failing stretch in the middle. */
function history(): MinuteSpec[] {
  const minutes: MinuteSpec[] = [];
  for (let i = 29; i >= 0; i--) {
    const atMs = now - i * 60_000;
    const busy = 20 + Math.round(10 * Math.sin(i / 4));
    const incident = i >= 12 && i <= 15;
    minutes.push({
      atMs,
      model: "gpt-4o-mini",
      durationsS: Array.from({ length: busy }, (_, k) => (incident ? 2.4 : 0.6) + (k % 5) * 0.1),
      errors: incident ? 4 : i % 7 === 0 ? 1 : 0,
      inputTokens: busy * 420,
      outputTokens: busy * 160,
      costUsd: busy * 0.00016,
      firstChunkS: Array.from({ length: busy }, (_, k) => (incident ? 0.9 : 0.25) + (k % 3) * 0.03),
    });
    minutes.push({
      atMs,
      model: "claude-sonnet-4",
      durationsS: Array.from({ length: 6 }, (_, k) => 1.8 + k * 0.2),
      errors: 0,
      inputTokens: 6 * 900,
      outputTokens: 6 * 350,
      costUsd: 6 * 0.008,
      firstChunkS: Array.from({ length: 6 }, () => 0.6),
    });
  }
  return minutes;
}

beforeAll(async () => {
  receiver = await startReceiver({ port: 0 });
  const res = await fetch(`${receiver.url}/v1/metrics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(metricsJson(history())) });
  expect(res.status).toBe(200);
  await postJson(
    receiver.url,
    otlpJson(
      [
        { traceId: COSTLY_TRACE, spanId: "c000000000000001", name: "POST /v1/chat/completions", kind: 2, startMs: 0, durationMs: 900, attributes: { "http.response.status_code": 200 } },
        {
          traceId: COSTLY_TRACE,
          spanId: "c000000000000002",
          parentSpanId: "c000000000000001",
          name: "chat gpt-4o",
          kind: 3,
          startMs: 5,
          durationMs: 880,
          attributes: { "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 200, "gen_ai.usage.cost": 0.0045 },
        },
      ],
      now - 20_000,
    ),
  );
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args, "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    headless: true,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
});

describe("the Metrics view", () => {
  it("shows totals over every request and charts of requests, tokens, cost, duration and first chunk", async () => {
    await page.goto(`${receiver.url}/metrics`);
    await page.waitForSelector('#metric-totals [data-total="requests"] b');
    const totals = Object.fromEntries(
      await Promise.all((await page.locator("#metric-totals td").all()).map(async (td) => [await td.getAttribute("data-total"), await td.locator("b").textContent()])),
    );
    const minutes = history();
    const sum = (f: (m: MinuteSpec) => number) => minutes.reduce((n, m) => n + f(m), 0);
    expect(totals).toEqual({
      requests: sum((m) => m.durationsS.length).toLocaleString("en-US"),
      errors: sum((m) => m.errors).toLocaleString("en-US"),
      "input tokens": sum((m) => m.inputTokens).toLocaleString("en-US"),
      "output tokens": sum((m) => m.outputTokens).toLocaleString("en-US"),
      cost: `$${sum((m) => m.costUsd).toFixed(4)}`,
    });
    for (const id of ["requests", "tokens", "cost", "duration", "first-chunk"]) {
      const lines = page.locator(`[data-chart="${id}"] polyline`);
      expect(await lines.count()).toBeGreaterThan(0);
      const points = (await lines.first().getAttribute("points")) ?? "";
      expect(points.split(" ")).toHaveLength(30);
    }
    expect(await page.locator("#metric-models tr[data-model] td:first-child").allTextContents()).toEqual(["gpt-4o-mini", "claude-sonnet-4"]);
    expect(await page.getAttribute("#nav-metrics", "class")).toBe("active");
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe("PNG");
    if (process.env.TRACEGATE_UPDATE_SCREENSHOT === "1") writeFileSync("docs/viewer-metrics.png", shot);
  });

  it("shows cost per trace and per model from the spans' gen_ai.usage.cost", async () => {
    await page.goto(receiver.url);
    const row = page.locator(`tr.trace-row[data-trace-id="${COSTLY_TRACE}"]`);
    await row.waitFor();
    expect(await row.locator("td").last().textContent()).toBe("$0.0045");
    await page.goto(`${receiver.url}/models`);
    const model = page.locator('tr[data-model="openai/gpt-4o"]');
    await model.waitFor();
    expect(await model.locator("td").last().textContent()).toBe("$0.0045");
  });
});
