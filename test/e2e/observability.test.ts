import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./harness/otlp-receiver";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";
import { wranglerSettings } from "./harness/wrangler-settings";

// Cloudflare's own Workers observability (`[observability]` with traces on) next to tracegate's tracing: the same
// requests to tracegate under `wrangler dev` with and without it export the same spans.

let receiver: OtlpReceiver;
let plain: DevServer;
let observed: DevServer;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const vars = {
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "mock/echo", default: true }],
      auth: "none",
      tracing: {
        random_sampling: 100,
        capture_content: true,
        exporters: [{ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" }],
      },
    }),
  };
  [plain, observed] = await Promise.all([
    startWranglerDev(vars),
    startWranglerDev(vars, { config: "test/observability/wrangler.toml" }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([plain?.stop(), observed?.stop()]);
  await receiver?.close();
});

/** Values that differ between any two runs (times), left out of the comparison. */
const VOLATILE = new Set(["gen_ai.response.time_to_first_chunk", "server.port", "cloudflare.script_version.id", "faas.version"]);

const stable = (attributes: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(attributes).filter(([key]) => !VOLATILE.has(key)));

/** A span without its ids and times: what tracegate decided to record. */
function shape(span: ReceivedSpan) {
  return {
    name: span.name,
    kind: span.kind,
    parentIsCaller: span.parentSpanId === "b7ad6b7169203331",
    traceState: span.traceState,
    attributes: stable(span.attributes),
    attributeTypes: span.attributeTypes,
    events: span.events.map((e) => e.name),
    status: span.status,
    resource: stable(span.resource),
  };
}

let sent = 0;
async function spansOf(server: DevServer, body: Record<string, unknown>) {
  const traceId = `0b5e${(++sent).toString(16).padStart(28, "0")}`;
  const res = await fetch(`${server.url}/v1/chat/completions?debug=1`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      tracestate: "vendor=x",
      "user-agent": "observability-e2e",
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const traceresponse = res.headers.get("traceresponse");
  await res.text();
  const spans = await receiver.spansFor(traceId, 2);
  return {
    traceresponseShape: traceresponse?.replace(/[0-9a-f]{16}(-[0-9a-f]{2})$/, "<span>$1").replace(traceId, "<trace>"),
    spans: spans.map(shape).sort((a, b) => a.kind - b.kind),
  };
}

describe("Cloudflare's Workers observability on changes nothing in tracegate's spans", () => {
  it("the test config is the deployed Worker's plus [observability] with traces on", () => {
    const observability = wranglerSettings("test/observability/wrangler.toml");
    const start = observability.indexOf("[observability]");
    expect(observability.slice(start)).toEqual([
      "[observability]",
      "enabled = true",
      "head_sampling_rate = 1",
      "[observability.traces]",
      "enabled = true",
      "head_sampling_rate = 1",
    ]);
    expect(observability.slice(0, start)).toEqual(wranglerSettings("wrangler.toml"));
  });

  for (const [label, body] of [
    ["a non-streamed request", { model: "mock/echo", temperature: 1, messages: [{ role: "user", content: "hello" }] }],
    [
      "a streamed request",
      { model: "mock/echo", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "one two" }] },
    ],
  ] as const) {
    it(`${label}: the same spans, attributes and types with and without it`, async () => {
      const without = await spansOf(plain, body);
      const withIt = await spansOf(observed, body);
      expect(without.spans.map((s) => s.kind)).toEqual([2, 3]);
      expect(withIt).toEqual(without);
    });
  }
});
