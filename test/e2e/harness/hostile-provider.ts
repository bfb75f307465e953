import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the hostile provider did for one request, by model name. */
export interface HostileLog {
  readonly model: string;
  /** Bytes of body the server managed to write before the gateway closed the connection (or all of it). */
  written: number;
  /** Whether the gateway closed the connection before the server had written everything it meant to. */
  closedEarly: boolean;
}

export interface HostileProvider {
  readonly url: string;
  readonly log: HostileLog[];
  /** Requests that reached the redirect target (another origin): their headers and body. */
  readonly redirected: { headers: Record<string, unknown>; body: string }[];
  close(): Promise<void>;
}

const OPENAI_CHUNK = (content: string, finish: string | null = null) =>
  JSON.stringify({
    id: "chatcmpl-h",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "hostile",
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  });

/** Resolves on `drain` or `close`, whichever comes first, and leaves no listener behind for the other. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}

/** Writes `total` bytes of `byte` in 64 KiB pieces, honouring backpressure; stops when the gateway hangs up. */
async function writeFlood(res: ServerResponse, entry: HostileLog, total: number, byte = "x"): Promise<void> {
  const piece = Buffer.alloc(64 * 1024, byte);
  while (entry.written < total && !res.destroyed) {
    if (!res.write(piece)) await drainedOrClosed(res);
    entry.written += piece.length;
  }
}

/**
 * A provider that misbehaves on purpose, on loopback, speaking the OpenAI streaming wire format. The model name picks
 * the misbehaviour:
 * - `no-newline`: `data: ` then 16 MiB without a line end;
 * - `multi-line`: each chunk's JSON split over two `data:` lines (valid SSE: the lines are joined with "\n");
 * - `redirect`: 307 to another origin on loopback (`localhost` instead of `127.0.0.1`), which records what reaches it;
 * - `huge`: a 40 MiB JSON answer without content-length;
 * - `echo-headers`: a 400 whose error message quotes the request's headers (as some proxies do);
 * - `html-error`: a 502 HTML page.
 */
export async function startHostileProvider(): Promise<HostileProvider> {
  const log: HostileLog[] = [];
  const redirected: HostileProvider["redirected"] = [];
  const target = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    redirected.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  const targetPort = (target.address() as AddressInfo).port;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { model?: string };
    const entry: HostileLog = { model: String(body.model), written: 0, closedEarly: false };
    log.push(entry);
    res.on("close", () => {
      if (!res.writableFinished) entry.closedEarly = true;
    });
    if (entry.model === "redirect") {
      res.writeHead(307, { location: `http://localhost:${targetPort}${req.url ?? "/"}` }).end();
      return;
    }
    if (entry.model === "huge") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"x","padding":"');
      await writeFlood(res, entry, 40 * 1024 * 1024);
      res.end('"}');
      return;
    }
    if (entry.model === "echo-headers") {
      const message = `bad request; you sent ${Object.entries(req.headers).map(([k, v]) => `${k}=${String(v)}`).join(", ")}`;
      const body = req.url?.endsWith("/messages")
        ? { type: "error", error: { type: "invalid_request_error", message } }
        : { error: { message, type: "invalid_request_error", code: null } };
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (entry.model === "html-error") {
      res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1><script>x()</script></body></html>");
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (entry.model === "no-newline") {
      res.write("data: ");
      await writeFlood(res, entry, 16 * 1024 * 1024);
      res.end();
      return;
    }
    if (entry.model === "multi-line") {
      for (const [content, finish] of [["Hello", null], [" there", "stop"]] as const) {
        const json = OPENAI_CHUNK(content, finish);
        const cut = json.indexOf('"choices"');
        res.write(`data: ${json.slice(0, cut)}\ndata: ${json.slice(cut)}\n\n`);
      }
      res.end("data: [DONE]\n\n");
      return;
    }
    res.end(`data: ${OPENAI_CHUNK("ok", "stop")}\n\ndata: [DONE]\n\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const closeServer = (s: typeof server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    redirected,
    close: async () => {
      await closeServer(server);
      await closeServer(target);
    },
  };
}
