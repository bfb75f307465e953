// A trivial OTLP/HTTP receiver on loopback: reads each POST, counts it and its bytes, answers 200 with an empty
// ExportTraceServiceResponse. Enough to make tracegate's exporter do its real work (encode, POST, await).
import { createServer } from "node:http";

export async function startOtlpReceiver() {
  let posts = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on("data", (c) => {
      bytes += c.length;
    });
    req.on("end", () => {
      posts++;
      const json = String(req.headers["content-type"] ?? "").includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" }).end(json ? "{}" : "");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ posts, bytes }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
