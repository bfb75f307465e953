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

/** Writes `total` bytes of `byte` in 64 KiB pieces, honouring backpressure; stops when the gateway hangs up. */
async function writeFlood(res: ServerResponse, entry: HostileLog, total: number, byte = "x"): Promise<void> {
  const piece = Buffer.alloc(64 * 1024, byte);
  while (entry.written < total && !res.destroyed) {
    if (!res.write(piece)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
    entry.written += piece.length;
  }
}

/**
 * A provider that misbehaves on purpose, on loopback, speaking the OpenAI streaming wire format. The model name picks
 * the misbehaviour:
 * - `no-newline`: `data: ` then 16 MiB without a line end;
 * - `multi-line`: each chunk's JSON split over two `data:` lines (valid SSE: the lines are joined with "\n").
 */
export async function startHostileProvider(): Promise<HostileProvider> {
  const log: HostileLog[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { model?: string };
    const entry: HostileLog = { model: String(body.model), written: 0, closedEarly: false };
    log.push(entry);
    res.on("close", () => {
      if (!res.writableFinished) entry.closedEarly = true;
    });
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
