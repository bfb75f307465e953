import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpanKind } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port.mjs";
import { runNode, type Proc } from "./processes";

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

  it("puts an app instrumented with the OpenTelemetry JS SDK at the root of the gateway's trace", async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "support-bot" }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver}/v1/traces` }))],
    });
    const span = provider.getTracer("app").startSpan("answer-question", { kind: SpanKind.INTERNAL });
    const { traceId, spanId } = span.spanContext();
    const res = await fetch(`${gateway}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-${spanId}-01` },
      body: JSON.stringify({ model: "mock/echo", stream: true, messages: [{ role: "user", content: "hello there" }] }),
    });
    await res.text();
    span.end();
    await provider.shutdown();
    let order: { spanId: string; depth: number }[] = [];
    let spans: { spanId: string; name: string; service: string; events: { name: string }[] }[] = [];
    const deadline = Date.now() + 15_000;
    while (order.length < 3 && Date.now() < deadline) {
      const r = await fetch(`${receiver}/api/traces/${traceId}`);
      if (r.ok) ({ order, spans } = (await r.json()) as { order: typeof order; spans: typeof spans });
      if (order.length < 3) await new Promise((done) => setTimeout(done, 200));
    }
    const named = order.map((o) => {
      const s = spans.find((x) => x.spanId === o.spanId);
      return [o.depth, s?.service, s?.name];
    });
    expect(named).toEqual([
      [0, "support-bot", "answer-question"],
      [1, "tracegate", "POST /v1/chat/completions"],
      [2, "tracegate", "chat echo"],
    ]);
    expect(spans.find((s) => s.name === "chat echo")?.events.map((e) => e.name)).toContain("gen_ai.first_chunk");
  });

  it("stops both processes on SIGTERM", async () => {
    const code = await proc.stop();
    expect(code).toBe(0);
    await expect(fetch(`${gateway}/healthz`)).rejects.toThrow();
    await expect(fetch(`${receiver}/api/traces`)).rejects.toThrow();
  });
});
