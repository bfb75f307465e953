import { writeFileSync } from "node:fs";
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../../viewer/receiver.js";
import { KNOWN, KNOWN_TRACE_ID, otlpJson, postJson } from "./otlp-body";

// The pages in real headless Chromium (the binary @sparticuz/chromium ships in its npm package).
// TRACEGATE_UPDATE_SCREENSHOT=1 also writes docs/waterfall.png.
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
let browser: Browser;
let page: Page;
const ERR_TRACE = "5020000000000000000000000000000a";
const recent = Date.now() - 30_000;

beforeAll(async () => {
  receiver = await startReceiver({ port: 0 });
  await postJson(receiver.url, otlpJson(KNOWN));
  await postJson(
    receiver.url,
    otlpJson(
      [
        { traceId: ERR_TRACE, spanId: "e000000000000001", name: "POST /v1/messages", kind: 2, startMs: 0, durationMs: 60, attributes: { "http.response.status_code": 502 }, statusCode: 2 },
        {
          traceId: ERR_TRACE,
          spanId: "e000000000000002",
          parentSpanId: "e000000000000001",
          name: "chat claude-x",
          kind: 3,
          startMs: 3,
          durationMs: 50,
          attributes: { "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-x", "error.type": "502" },
          statusCode: 2,
        },
      ],
      recent,
    ),
  );
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args, "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    headless: true,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  page.setDefaultTimeout(10_000);
}, 90_000);

/** Each row matching `selector`: [its `attr` attribute, ...the text of its cells]. */
async function rowsOf(selector: string, attr: string): Promise<(string | null)[][]> {
  const rows = [];
  for (const row of await page.locator(selector).all()) rows.push([await row.getAttribute(attr), ...(await row.locator("td").allTextContents())]);
  return rows;
}

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
});

describe("trace list", () => {
  it("shows the traces with root, model, status, duration and tokens, newest first", async () => {
    await page.goto(`${receiver.url}/`);
    await page.waitForSelector(`tr.trace-row[data-trace-id="${KNOWN_TRACE_ID}"]`);
    const rows = await rowsOf("tr.trace-row", "data-trace-id");
    expect(rows.map((r) => r[0])).toEqual([ERR_TRACE, KNOWN_TRACE_ID]);
    expect(rows[1]?.slice(2)).toEqual(["support-bot: answer-question", "openai/gpt-4o-mini", "200", "420 ms", "12 → 40", "3", "4bf92f35", "unknown"]);
    expect(rows[0]?.[4]).toBe("502");
    expect(await page.getAttribute(`tr[data-trace-id="${ERR_TRACE}"] td:nth-child(4)`, "class")).toBe("s5xx");
  });

  it("filters by text and by key=value", async () => {
    await page.fill("#filter", "provider=anthropic");
    await expect.poll(() => page.locator("tr.trace-row").count()).toBe(1);
    expect(await page.getAttribute("tr.trace-row", "data-trace-id")).toBe(ERR_TRACE);
    await page.fill("#filter", "support-bot");
    await expect.poll(async () => (await rowsOf("tr.trace-row", "data-trace-id")).map((r) => r[0])).toEqual([KNOWN_TRACE_ID]);
    await page.fill("#filter", "");
    await expect.poll(() => page.locator("tr.trace-row").count()).toBe(2);
  });

  it("refreshes on its own when a new trace arrives", async () => {
    const traceId = "8880000000000000000000000000000d";
    await postJson(receiver.url, otlpJson([{ traceId, spanId: "8000000000000001", name: "late arrival", startMs: 0, durationMs: 5 }], Date.now()));
    await page.waitForSelector(`tr.trace-row[data-trace-id="${traceId}"]`, { timeout: 6_000 });
  });
});

describe("trace page", () => {
  it("opens from the list and draws one bar per span, nested by parent", async () => {
    await page.click(`tr.trace-row[data-trace-id="${KNOWN_TRACE_ID}"]`);
    await page.waitForURL(`**/trace/${KNOWN_TRACE_ID}`);
    await page.waitForSelector(".bar");
    const bars = [];
    for (const bar of await page.locator(".bar").all()) {
      bars.push({ id: await bar.getAttribute("data-span-id"), parent: await bar.getAttribute("data-parent-id"), depth: Number(await bar.getAttribute("data-depth")) });
    }
    expect(bars).toEqual([
      { id: "a000000000000001", parent: "", depth: 0 },
      { id: "b000000000000002", parent: "a000000000000001", depth: 1 },
      { id: "c000000000000003", parent: "b000000000000002", depth: 2 },
    ]);
    // On the time axis: each child starts after and ends before its parent; labels are indented by depth.
    const boxes = await Promise.all(bars.map(async (b) => (await page.locator(`.bar[data-span-id="${b.id}"]`).boundingBox())!));
    for (let i = 1; i < boxes.length; i++) {
      const [parent, child] = [boxes[i - 1]!, boxes[i]!];
      expect(child.x).toBeGreaterThan(parent.x);
      expect(child.x + child.width).toBeLessThan(parent.x + parent.width + 0.5);
    }
    const total = boxes[0]!.width;
    expect(boxes[2]!.width / total).toBeCloseTo(380 / 420, 2);
    const styles = await Promise.all((await page.locator(".wf-row[data-row-span-id] .wf-label").all()).map((l) => l.getAttribute("style")));
    const indents = styles.map((st) => parseFloat(/padding-left:\s*([\d.]+)px/.exec(st ?? "")?.[1] ?? "NaN"));
    expect(indents).toEqual([8, 24, 40]);
    // The first chunk is marked on the model span, 180 ms into the 380 ms call.
    const mark = (await page.locator('.first-chunk[data-span-id="c000000000000003"]').boundingBox())!;
    expect(mark.x - boxes[2]!.x).toBeCloseTo((180 / 420) * total, -1);
    expect(await page.locator(".first-chunk").count()).toBe(1);
  });

  it("shows the attributes and events of the bar clicked", async () => {
    await page.click('.bar[data-span-id="c000000000000003"]');
    await page.waitForSelector('#detail[data-span-id="c000000000000003"]');
    const attrs = Object.fromEntries((await rowsOf("#attributes tr", "data-attr")).map((r) => [r[0], r[2]]));
    expect(attrs).toMatchObject({
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.output_tokens": "40",
      "gen_ai.response.finish_reasons": '["stop"]',
      "gen_ai.response.time_to_first_chunk": "0.18",
    });
    expect(await page.textContent("#events")).toContain("gen_ai.first_chunk");
    expect(await page.textContent("#detail h2")).toBe("chat gpt-4o-mini");
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe("PNG");
    if (process.env.TRACEGATE_UPDATE_SCREENSHOT === "1") writeFileSync("docs/waterfall.png", shot);
    await page.click('.bar[data-span-id="b000000000000002"]');
    await page.waitForSelector('#detail[data-span-id="b000000000000002"] [data-attr="http.response.status_code"]');
  });

  it("adds spans that arrive later without a reload", async () => {
    const traceId = "9990000000000000000000000000000e";
    await postJson(receiver.url, otlpJson([{ traceId, spanId: "9000000000000002", parentSpanId: "9000000000000001", name: "child first", startMs: 10, durationMs: 5 }], Date.now()));
    await page.goto(`${receiver.url}/trace/${traceId}`);
    await page.waitForSelector(".bar");
    expect(await page.getAttribute(".bar", "data-depth")).toBe("0");
    await postJson(receiver.url, otlpJson([{ traceId, spanId: "9000000000000001", name: "parent later", startMs: 0, durationMs: 30 }], Date.now()));
    await expect.poll(() => page.locator(".bar").count(), { timeout: 6_000 }).toBe(2);
    expect(await Promise.all((await page.locator(".bar").all()).map((b) => b.getAttribute("data-depth")))).toEqual(["0", "1"]);
  });
});

describe("models page", () => {
  it("summarises requests, errors and latency per model", async () => {
    await page.goto(`${receiver.url}/models`);
    await page.waitForSelector('tr[data-model="anthropic/claude-x"]');
    const cells = await page.locator('tr[data-model="anthropic/claude-x"] td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(["anthropic/claude-x", "1", "1"]);
    expect(cells[5]).toBe("50 ms");
    expect(await page.locator('tr[data-model="openai/gpt-4o-mini"]').count()).toBe(0); // January, outside the last hour
    await page.selectOption("#since", "all");
    await page.waitForSelector('tr[data-model="openai/gpt-4o-mini"]');
    const known = await page.locator('tr[data-model="openai/gpt-4o-mini"] td').allTextContents();
    expect(known).toEqual(["openai/gpt-4o-mini", "1", "0", "12", "40", "380 ms", "380 ms", "180 ms", "200.0", "unknown"]);
  });
});
