import { describe, expect, it } from "vitest";
import type { ExportTarget } from "../../../../src/telemetry/export/config";
import { exportBuffered, MAX_EXPORT_BATCH } from "../../../../src/telemetry/export/loop";
import { SpanBuffer } from "../../../../src/telemetry/sdk/span-buffer";
import type { SpanData } from "../../../../src/telemetry/sdk/span-data";
import { spanData } from "../span-fixture";

const target: ExportTarget = { url: "http://collector.test/v1/traces", headers: {}, protocol: "http/json", compression: "none", timeoutMs: 1000 };

function span(i: number): SpanData {
  return spanData({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: (i + 1).toString(16).padStart(16, "0"), name: `s${i}` });
}

/** A collector stand-in that counts the spans of each POST (OTLP/JSON bodies); `answered` may hold a POST back. */
function countingDeps(answered: (post: number) => Promise<void> = async () => {}) {
  const posts: number[] = [];
  const deps = {
    fetch: async (_url: RequestInfo | URL, init?: RequestInit) => {
      const raw = init?.body;
      const text = raw instanceof Uint8Array ? new TextDecoder().decode(raw) : String(raw);
      const body = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
      posts.push(body.resourceSpans[0]?.scopeSpans[0]?.spans.length ?? 0);
      await answered(posts.length);
      return new Response(null, { status: 200 });
    },
    log: () => {},
  };
  return { posts, deps };
}

describe("exportBuffered", () => {
  it("keeps one export in flight: requests ending meanwhile ride on it, and it drains what they added", async () => {
    const buffer = new SpanBuffer(100);
    let release: () => void = () => {};
    // The first POST is slow.
    const { posts, deps } = countingDeps((post) => (post === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve()));
    buffer.add([span(0)]);
    const leader = exportBuffered(buffer, [target], { attributes: {} }, deps);
    while (posts.length === 0) await new Promise((r) => setTimeout(r, 1)); // the leader's POST is under way
    for (let i = 1; i <= 5; i++) {
      buffer.add([span(i)]);
      await exportBuffered(buffer, [target], { attributes: {} }, deps); // returns at once: an export is running
    }
    expect(posts).toEqual([1]);
    release();
    await leader;
    expect(posts).toEqual([1, 5]); // the five followers' spans went out in one POST
    expect(buffer.size).toBe(0);
    // With nothing in flight the next request exports itself.
    buffer.add([span(9)]);
    await exportBuffered(buffer, [target], { attributes: {} }, deps);
    expect(posts).toEqual([1, 5, 1]);
  });

  it("paces exports: one that would start within the delay of the last waits, and carries every span that came meanwhile", async () => {
    const buffer = new SpanBuffer(100);
    const { posts, deps } = countingDeps();
    buffer.add([span(0)]);
    await exportBuffered(buffer, [target], { attributes: {} }, deps, { delayMs: 0 }); // sets the last export's start
    expect(posts).toEqual([1]);
    const waitedFrom = Date.now();
    buffer.add([span(1)]);
    const paced = exportBuffered(buffer, [target], { attributes: {} }, deps, { delayMs: 300 });
    for (let i = 2; i <= 4; i++) {
      buffer.add([span(i)]);
      await exportBuffered(buffer, [target], { attributes: {} }, deps, { delayMs: 300 }); // rides on the paced export
    }
    expect(posts).toEqual([1]); // the paced export is still waiting its turn
    await paced;
    expect(posts).toEqual([1, 4]);
    expect(Date.now() - waitedFrom).toBeGreaterThanOrEqual(250);
  });

  it("starts a full batch at once, however long the delay", async () => {
    const buffer = new SpanBuffer(4 * MAX_EXPORT_BATCH);
    const { posts, deps } = countingDeps();
    buffer.add([span(0)]);
    await exportBuffered(buffer, [target], { attributes: {} }, deps, { delayMs: 0 });
    const from = Date.now();
    buffer.add([span(1)]);
    const paced = exportBuffered(buffer, [target], { attributes: {} }, deps, { delayMs: 10_000 });
    buffer.add(Array.from({ length: MAX_EXPORT_BATCH }, (_, i) => span(i + 2)));
    await exportBuffered(buffer, [target], { attributes: {} }, deps, { delayMs: 10_000 }); // wakes the waiting export
    await paced;
    expect(posts).toEqual([1, MAX_EXPORT_BATCH + 1]);
    expect(Date.now() - from).toBeLessThan(5_000);
  });
});
