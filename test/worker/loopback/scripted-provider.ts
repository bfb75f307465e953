import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback, type LoopbackServer } from "../../fixtures/loopback-server";
import type { OtlpReceiver } from "../../e2e/harness/otlp-receiver";
import type { QueriedSpan, ReceivedCall, ReceivedRequest, ScriptedAnswer, ScriptedDelivery } from "./context";

/** How long a span query waits for a trace's spans to arrive before answering with what it has. */
const SPAN_WAIT_MS = 10_000;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function spansOf(receiver: OtlpReceiver, traceId: string): QueriedSpan[] {
  return receiver.spans
    .filter((s) => s.traceId === traceId)
    .map(({ name, kind, traceState, flags, status, attributes, events, request }) => ({
      name,
      kind,
      traceId,
      traceState,
      flags,
      status,
      attributes,
      events: events.map((e) => ({ name: e.name, timeNs: String(e.timeNs) })),
      request,
    }));
}

/** Answers once the trace has `count` spans (awaited arrival, polled on the receiver), or with what it has. */
async function querySpans(receiver: OtlpReceiver, url: URL, res: ServerResponse): Promise<void> {
  const traceId = url.searchParams.get("trace") ?? "";
  const count = Number(url.searchParams.get("count") ?? "1");
  const deadline = Date.now() + SPAN_WAIT_MS;
  let spans = spansOf(receiver, traceId);
  while (spans.length < count && Date.now() < deadline) {
    await receiver.waitForSpans(receiver.spans.length + 1, deadline - Date.now()).catch(() => undefined);
    spans = spansOf(receiver, traceId);
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(spans));
}

/** `answer.body`, then each of `answer.chunks` after a pause, recording how far it got (the gateway may hang up). */
async function streamChunks(res: ServerResponse, answer: ScriptedAnswer, record: (sent: ScriptedDelivery) => void): Promise<void> {
  const chunks = answer.chunks ?? [];
  let closedEarly = false;
  let written = 0;
  res.on("close", () => {
    closedEarly = written < chunks.length;
    record({ chunksWritten: written, finished: written === chunks.length, closedEarly });
  });
  res.write(answer.body);
  for (const chunk of chunks) {
    await new Promise((resolve) => setTimeout(resolve, answer.chunkIntervalMs ?? 20));
    if (closedEarly || res.destroyed) return;
    res.write(chunk);
    written++;
    record({ chunksWritten: written, finished: written === chunks.length, closedEarly: false });
  }
  res.end();
}

/**
 * A provider on loopback that answers each request with the answer scripted for its model name, byte for byte:
 * any status, content type and body (valid or not), so tests drive exactly what a misbehaving provider sends.
 * `POST /script` `{model, answer}` sets one; any other `POST` (`…/chat/completions`, `…/messages`, `…/embeddings`, `…/responses`…)
 * answers it (a model with no script is a 404). `GET /received?model=<m>` returns every request for a model, in
 * order (path, headers, body, and its trace headers). `GET /spans?trace=<id>&count=<n>` returns the collector's spans
 * of one trace. `POST /hang/…` never answers: an OTLP endpoint that hangs.
 */
export async function startScriptedProvider(receiver: OtlpReceiver): Promise<LoopbackServer> {
  const scripts = new Map<string, ScriptedAnswer>();
  const received = new Map<string, (ReceivedRequest & ReceivedCall)[]>();
  const deliveries = new Map<string, ScriptedDelivery>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    if (req.method === "GET" && url.pathname === "/spans") return querySpans(receiver, url, res);
    // A collector that hangs: `POST /hang/…` is read but never answered (the connection stays open).
    if (url.pathname.startsWith("/hang/")) {
      req.resume();
      return;
    }
    if (req.method === "GET" && url.pathname === "/received") {
      const calls = received.get(url.searchParams.get("model") ?? "") ?? [];
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(calls));
      return;
    }
    if (req.method === "GET" && url.pathname === "/sent") {
      const sent = deliveries.get(url.searchParams.get("model") ?? "");
      res.writeHead(sent ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(sent ?? null));
      return;
    }
    const body = await readJson(req);
    if (url.pathname === "/script") {
      scripts.set(String(body.model), body.answer as ScriptedAnswer);
      res.writeHead(204).end();
      return;
    }
    const answer = scripts.get(String(body.model));
    const calls = received.get(String(body.model)) ?? [];
    const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);
    const headers = req.headers as Record<string, string>;
    calls.push({ path: url.pathname, headers, body, traceparent: header("traceparent"), tracestate: header("tracestate") });
    received.set(String(body.model), calls);
    if (!answer) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no script for model ${String(body.model)}`, type: "not_found" } }));
      return;
    }
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const contentType = answer.contentType ?? (body.stream === true ? "text/event-stream" : "application/json");
    res.writeHead(answer.status ?? 200, { ...answer.headers, "content-type": contentType });
    if (!answer.chunks) return void res.end(answer.body);
    await streamChunks(res, answer, (sent) => deliveries.set(String(body.model), sent));
  });
  return listenOnLoopback(server);
}
