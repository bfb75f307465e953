import chromium from "@sparticuz/chromium";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium as playwright, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// A page served from another loopback origin calls the gateway with fetch, streaming, in real headless Chromium:
// CORS lets it in, and the page can read traceresponse and the Server-Timing entries.
const CLIENT_KEY = "tg-browser-key-0123456789";
let provider: MockProvider;
let gateway: DevServer;
let pageServer: Server;
let pageOrigin: string;
let browser: Browser;

beforeAll(async () => {
  provider = await startMockProvider({ chunkDelayMs: 10 });
  pageServer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>"));
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  gateway = await startWranglerDev({
    CLIENT_KEY,
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "openai/*", access_key: "sk-x", base_url: provider.url }],
      auth: { keys: [{ name: "browser-app", key: "$CLIENT_KEY" }] },
      cors: { allow_origins: [pageOrigin] },
      tracing: { random_sampling: 100, exporters: [{ endpoint: "http://127.0.0.1:9/v1/traces" }] },
    }),
  });
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    // @sparticuz/chromium's defaults switch web security off; CORS is what this test is about, so keep it on.
    args: [...chromium.args.filter((a) => a !== "--disable-web-security"), "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    headless: true,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await provider?.close();
  await new Promise((r) => pageServer?.close(r));
});

describe("a browser page on another origin", () => {
  it("streams a completion through CORS and reads traceresponse and Server-Timing", async () => {
    const page = await browser.newPage();
    await page.goto(pageOrigin);
    const traceId = "7af7651916cd43dd8448eb211c80319c";
    const result = await page.evaluate(
      async ({ url, key, traceparent }) => {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}`, traceparent },
          body: JSON.stringify({ model: "openai/gpt-test", stream: true, messages: [{ role: "user", content: "hi" }] }),
        });
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let text = "";
        let chunks = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks++;
          text += decoder.decode(value, { stream: true });
        }
        await new Promise((r) => setTimeout(r, 100)); // the resource entry is recorded after the body ends
        // Runs in the page: the project's tsconfig has no DOM lib, so the Resource Timing shape is spelled out.
        type Timing = { name: string; serverTiming: { name: string; description: string }[] };
        const timings = (performance as unknown as { getEntriesByType(type: string): Timing[] }).getEntriesByType("resource");
        const entry = timings.filter((e) => e.name.endsWith("/v1/chat/completions")).at(-1);
        return {
          status: res.status,
          chunks,
          text,
          traceresponse: res.headers.get("traceresponse"),
          model: res.headers.get("x-tracegate-model"),
          serverTiming: entry?.serverTiming.map((t) => ({ name: t.name, description: t.description })) ?? [],
        };
      },
      { url: gateway.url, key: CLIENT_KEY, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    );
    expect(result.status).toBe(200);
    expect(result.chunks).toBeGreaterThan(1);
    expect(result.text).toContain("Hello");
    expect(result.text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(result.traceresponse).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(result.model).toBe("openai/gpt-test");
    expect(result.serverTiming).toContainEqual({ name: "trace", description: result.traceresponse });
  });

  it("is refused by the browser without a key (401) and for an origin that is not listed", async () => {
    const page = await browser.newPage();
    await page.goto(pageOrigin);
    const status = await page.evaluate(async (url) => {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-test", messages: [{ role: "user", content: "hi" }] }),
      });
      return res.status;
    }, gateway.url);
    expect(status).toBe(401);
    const other = await browser.newPage();
    await other.goto("about:blank");
    const blocked = await other.evaluate(async (url) => {
      try {
        await fetch(`${url}/v1/models`, { headers: { authorization: "Bearer x" } });
        return "read";
      } catch {
        return "blocked";
      }
    }, gateway.url);
    expect(blocked).toBe("blocked");
  });
});
