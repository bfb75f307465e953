import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { version } from "../../package.json";
import { startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// The telemetry's identity and limits as `wrangler dev` builds and runs them (wrangler's bundler inlines the package
// version; wrangler.toml's version_metadata binding is served), against two real OTLP collectors on loopback that
// answer with a partial success: one in OTLP/JSON, one in protobuf.

interface Collector {
  readonly url: string;
  readonly bodies: Buffer[];
  readonly server: Server;
}

// ExportTraceServiceResponse { partial_success (1) { rejected_spans (1) = 2, error_message (2) = "quota exceeded" } }
const QUOTA = Buffer.from("quota exceeded");
const PROTO_ANSWER = Buffer.concat([Buffer.from([0x0a, 4 + QUOTA.length, 0x08, 0x02, 0x12, QUOTA.length]), QUOTA]);

async function startCollector(json: boolean): Promise<Collector> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Span exports only: the gateway's metrics (on by default where spans are exported) go to /v1/metrics.
      if (req.url?.endsWith("/v1/traces")) bodies.push(Buffer.concat(chunks));
      if (json) {
        const answer = { partialSuccess: { rejectedSpans: "1", errorMessage: "span too old" } };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      } else {
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end(PROTO_ANSWER);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, bodies, server };
}

interface KeyValue {
  key: string;
  value: { stringValue?: string };
}
interface ExportBody {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name?: string; version?: string }; spans: { kind: number; attributes: KeyValue[] }[] }[];
  }[];
}

const strings = (list: KeyValue[]) => Object.fromEntries(list.map((kv) => [kv.key, kv.value.stringValue]));

let provider: MockProvider;
let jsonCollector: Collector;
let protoCollector: Collector;
let gateway: DevServer;

beforeAll(async () => {
  provider = await startMockProvider();
  [jsonCollector, protoCollector] = await Promise.all([startCollector(true), startCollector(false)]);
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "openai/*", access_key: "$OPENAI_KEY", base_url: provider.url }],
      auth: "none",
      tracing: {
        random_sampling: 100,
        exporters: [{ endpoint: jsonCollector.url, protocol: "http/json" }, { endpoint: protoCollector.url }],
      },
    }),
    OPENAI_KEY: "sk-identity-e2e",
    OTEL_RESOURCE_ATTRIBUTES: "service.version=9.9.9",
  });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
  for (const c of [jsonCollector, protoCollector]) c?.server.close();
});

describe("telemetry identity, limits and partial success under wrangler dev", () => {
  let body: ExportBody;

  beforeAll(async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": `e2e-agent/${"u".repeat(10_000)}` },
      body: JSON.stringify({ model: "openai/gpt-test", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    // The export that carries the chat request's spans (the readiness checks' /healthz spans may come first).
    const chatExport = () =>
      jsonCollector.bodies
        .map((b) => JSON.parse(b.toString()) as ExportBody)
        .find((b) => b.resourceSpans[0]?.scopeSpans.some((ss) => ss.spans.some((s) => s.kind === 3)));
    const deadline = Date.now() + 15_000;
    while ((!chatExport() || !gateway.output().includes("collector rejected")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    body = chatExport() ?? { resourceSpans: [] };
  });

  it("scopes the gateway's spans as tracegate at the package version, whatever service.version says", () => {
    const [resourceSpans] = body.resourceSpans;
    expect(resourceSpans?.scopeSpans.map((ss) => ss.scope)).toEqual([{ name: "tracegate", version }]);
    expect(strings(resourceSpans?.resource.attributes ?? [])).toMatchObject({
      "service.name": "tracegate",
      "service.version": "9.9.9",
      "telemetry.sdk.name": "tracegate",
      "telemetry.sdk.version": version,
      "cloud.provider": "cloudflare",
      "cloud.platform": "cloudflare.workers",
      "faas.name": "tracegate",
      "faas.version": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("cuts a long User-Agent to 4,096 characters", () => {
    const server = body.resourceSpans[0]?.scopeSpans[0]?.spans.find(
      (s) => s.kind === 2 && strings(s.attributes)["http.route"] === "/v1/chat/completions",
    );
    const userAgent = strings(server?.attributes ?? [])["user_agent.original"];
    expect(userAgent).toBe(`e2e-agent/${"u".repeat(4096 - 10)}`);
  });

  it("logs the collectors' partial successes (JSON and protobuf answers) with counts and messages", () => {
    expect(protoCollector.bodies.length).toBeGreaterThan(0);
    // The first export's answers are logged at once (later ones wait for the minute to pass): 1 + 2 rejected.
    const line = gateway.output().split("\n").find((l) => l.includes("collector rejected")) ?? "";
    expect(line).toContain("collector rejected 3 span(s)");
    expect(line).toContain(`${jsonCollector.url}: "span too old"`);
    expect(line).toContain(`${protoCollector.url}: "quota exceeded"`);
  });
});
