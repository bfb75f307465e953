import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, runNode, type Proc } from "./processes";

// `npm start` end to end: scripts/start.mjs runs wrangler dev and the receiver on free ports; one chat completion
// to the gateway shows up as a trace in the receiver's API; SIGTERM stops both.
let proc: Proc;
let gateway: string;
let receiver: string;
const persist = mkdtempSync(join(tmpdir(), "tracegate-start-"));

beforeAll(async () => {
  const [port, receiverPort, inspector] = await Promise.all([freePort(), freePort(), freePort()]);
  gateway = `http://127.0.0.1:${port}`;
  receiver = `http://127.0.0.1:${receiverPort}`;
  proc = runNode(
    ["scripts/start.mjs", "--port", String(port), "--receiver-port", String(receiverPort), "--", "--inspector-port", String(inspector), "--persist-to", persist],
  );
  await proc.waitFor("Ctrl-C stops both.");
});

afterAll(async () => {
  await proc?.stop();
  rmSync(persist, { recursive: true, force: true });
});

interface Summary {
  traceId: string;
  root: string;
  model: string;
  httpStatus: number | null;
  spanCount: number;
}

describe("npm start", () => {
  it("prints where to look", () => {
    expect(proc.output()).toContain(`gateway   ${gateway}`);
    expect(proc.output()).toContain(`traces    ${receiver}`);
    expect(proc.output()).toMatch(/\[gateway\] .*Ready on/);
    expect(proc.output()).toContain("[traces]  tracegate: OTLP/HTTP receiver on");
  });

  it("records a chat completion sent to the gateway as a trace in the receiver", async () => {
    const traceId = "7af7651916cd43dd8448eb211c80319c";
    const res = await fetch(`${gateway}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    let found: Summary | undefined;
    const deadline = Date.now() + 15_000;
    while (!found && Date.now() < deadline) {
      const list = (await (await fetch(`${receiver}/api/traces`)).json()) as { traces: Summary[] };
      found = list.traces.find((t) => t.traceId === traceId && t.spanCount >= 2);
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toMatchObject({ root: "POST /v1/chat/completions", httpStatus: 200, spanCount: 2 });
    expect(found?.model).toMatch(/mock\/echo$/);
  });

  it("stops both processes on SIGTERM", async () => {
    const code = await proc.stop();
    expect(code).toBe(0);
    await expect(fetch(`${gateway}/healthz`)).rejects.toThrow();
    await expect(fetch(`${receiver}/api/traces`)).rejects.toThrow();
  });
});
