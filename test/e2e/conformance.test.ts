import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockProvider, type MockProvider } from "./harness/mock-provider";
import { startOtlpReceiver, type OtlpReceiver } from "./harness/otlp-receiver";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";
import { wranglerSettings } from "./harness/wrangler-settings";

// The test Worker (test/conformance/: the production app plus the W3C trace-context suite's route) under
// `wrangler dev`, as the suite runs it: each hop is POSTed through the gateway's own upstream call and propagation.
const CLIENT = 3;
const parentId = "b7ad6b7169203331";

let provider: MockProvider;
let receiver: OtlpReceiver;
let gateway: DevServer;

beforeAll(async () => {
  provider = await startMockProvider();
  receiver = await startOtlpReceiver();
  gateway = await startWranglerDev(
    {
      GATEWAY_CONFIG: JSON.stringify({
        model_providers: [{ model: "mock/echo", default: true }],
        auth: "none",
        tracing: { random_sampling: 100, exporters: [{ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" }] },
      }),
    },
    { config: "test/conformance/wrangler.toml" },
  );
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await provider?.close();
  await receiver?.close();
});

describe("the W3C conformance route", () => {
  async function hop(headers: Record<string, string>, paths: string[]) {
    const before = provider.received.length;
    const res = await fetch(`${gateway.url}/v1/_conformance/tracecontext`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(paths.map((p, i) => ({ url: `${provider.url}${p}`, arguments: [{ hop: i }] }))),
    });
    expect(res.status).toBe(200);
    return provider.received.slice(before);
  }

  it("posts each argument list with a new parent-id per call, same trace, tracestate kept", async () => {
    const traceId = "4af7651916cd43dd8448eb211c80319c";
    const got = await hop({ traceparent: `00-${traceId}-${parentId}-01`, tracestate: "foo=1" }, ["/a", "/b"]);
    expect(got.map((r) => r.path)).toEqual(["/a", "/b"]);
    expect(got.map((r) => r.body)).toEqual([[{ hop: 0 }], [{ hop: 1 }]]);
    const parents = got.map((r) => String(r.headers.traceparent).split("-"));
    expect(parents.map((p) => p[1])).toEqual([traceId, traceId]);
    expect(parents[0]?.[2]).not.toBe(parents[1]?.[2]);
    expect(parents[0]?.[2]).not.toBe(parentId);
    expect(got.map((r) => r.headers.tracestate)).toEqual(["foo=1", "foo=1"]);
    const spans = await receiver.spansFor(traceId, 3);
    const clientIds = spans.filter((s) => s.kind === CLIENT).map((s) => s.spanId);
    expect(clientIds).toEqual(expect.arrayContaining([parents[0]?.[2], parents[1]?.[2]]));
  });

  it("restarts the trace and drops tracestate for an invalid traceparent", async () => {
    const got = await hop({ traceparent: `00-${"A".repeat(32)}-${parentId}-01`, tracestate: "foo=1" }, ["/c"]);
    const sent = String(got[0]?.headers.traceparent);
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[23]$/);
    expect(sent.split("-")[1]).not.toBe("a".repeat(32));
    // The caller's tracestate is gone; the new trace, sampled at 100%, carries only tracegate's own threshold.
    expect(got[0]?.headers.tracestate).toBe("ot=th:0");
  });

  it("names its SERVER span after the route, like the production routes", async () => {
    const traceId = "8af7651916cd43dd8448eb211c80319c";
    await hop({ traceparent: `00-${traceId}-${parentId}-01` }, ["/d"]);
    const server = (await receiver.spansFor(traceId, 2)).find((s) => s.kind === 2);
    expect(server?.name).toBe("POST /v1/_conformance/tracecontext");
    expect(server?.attributes["http.route"]).toBe("/v1/_conformance/tracecontext");
  });
});

describe("the test Worker's wrangler.toml", () => {
  it("runs the app as the deployed Worker does: same settings but for name, entry and workers_dev", () => {
    expect(wranglerSettings("test/conformance/wrangler.toml")).toEqual(wranglerSettings("wrangler.toml"));
  });
});
