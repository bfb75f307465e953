import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { GatewayConfig, TracingConfig } from "../../../src/config/types";
import { version } from "../../../package.json";
import { flush } from "../../../src/telemetry/export/exporter";
import { SpanBuffer } from "../../../src/telemetry/sdk/span-buffer";
import { SpanRecorder, startServerSpan } from "../../../src/telemetry/sdk/tracer";
import { requestHeaderAttributes, tracingSettings } from "../../../src/telemetry/settings";

function config(tracing: Partial<TracingConfig> | undefined): GatewayConfig {
  return {
    providers: [],
    aliases: {},
    aliasPricing: {},
    maxBodyBytes: 1024,
    maxResponseBytes: 4096,
    maxStreamEventBytes: 1024,
    abandonedStreamMs: 0,
    abandonedStreamBytes: 1,
    tracing: tracing && {
      randomSampling: 0,
      trustIncomingSampling: true,
      headerPrefixes: [],
      staticAttributes: {},
      captureContent: false,
      captureContentMaxBytes: 16 * 1024,
      captureContentMedia: false,
      exporters: [],
      keep: undefined,
      conversationId: { header: "x-conversation-id", body_field: undefined },
      sessionId: { header: "x-session-id", body_field: undefined },
      endUser: { from_body: false, hash: false },
      ...tracing,
    },
  };
}

describe("tracingSettings", () => {
  it("is off without a tracing section or at 0%", () => {
    expect(tracingSettings(config(undefined), {})).toBeUndefined();
    expect(tracingSettings(config({ randomSampling: 0 }), {})).toBeUndefined();
  });

  it("is on at 0% when tracing.keep names a rule: nothing is sampled, held requests are kept by the rules", () => {
    const keep = { errors: true, slowerThanMs: undefined, costlierThanUsd: undefined, fallbacks: false };
    const settings = tracingSettings(config({ randomSampling: 0, keep }), {});
    expect(settings?.sampler).toEqual({ percentage: 0, trustIncoming: true });
    expect(settings?.keep).toEqual(keep);
  });

  it("stays off when OTEL_TRACES_SAMPLER is unknown or its argument invalid", () => {
    expect(tracingSettings(config(undefined), { OTEL_TRACES_SAMPLER: "jaeger_remote" })).toBeUndefined();
    expect(
      tracingSettings(config({ randomSampling: 0 }), { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "7" }),
    ).toBeUndefined();
  });

  it("is switched on by a valid standard sampler variable", () => {
    const on = tracingSettings(config(undefined), { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" });
    expect(on?.sampler).toEqual({ percentage: 25, trustIncoming: true });
    const parentOnly = tracingSettings(config(undefined), { OTEL_TRACES_SAMPLER: "parentbased_always_off" });
    expect(parentOnly?.sampler).toEqual({ percentage: 0, trustIncoming: true });
  });

  it("turns content capture on from the config or the standard variable", () => {
    expect(tracingSettings(config({ randomSampling: 5 }), {})?.captureContent).toBe(false);
    expect(tracingSettings(config({ randomSampling: 5, captureContent: true }), {})?.captureContent).toBe(true);
    const env = { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "TRUE" };
    expect(tracingSettings(config({ randomSampling: 5 }), env)?.captureContent).toBe(true);
  });

  it("captured content: its own cap (16 KiB unless configured), media left out unless asked for", () => {
    const defaults = tracingSettings(config({ randomSampling: 5, captureContent: true }), {});
    expect(defaults).toMatchObject({ contentMaxBytes: 16 * 1024, captureMedia: false });
    const set = tracingSettings(config({ randomSampling: 5, captureContentMaxBytes: 2048, captureContentMedia: true }), {});
    expect(set).toMatchObject({ contentMaxBytes: 2048, captureMedia: true });
    // The SDK's own cap for content keys sits above the capture's cap and its marker, so it never cuts the marker.
    expect(set?.limits.valueLengthByKey.get("gen_ai.input.messages")).toBeGreaterThan(2048);
  });

  it("GenAI convention version: the newest only when OTEL_SEMCONV_STABILITY_OPT_IN lists gen_ai_latest_experimental", () => {
    const latest = (value: string | undefined) =>
      tracingSettings(config({ randomSampling: 5 }), value === undefined ? {} : { OTEL_SEMCONV_STABILITY_OPT_IN: value });
    expect(latest(undefined)?.latestGenAi).toBe(false);
    expect(latest("http,database")?.latestGenAi).toBe(false);
    expect(latest("gen_ai_latest_experimental_v2")?.latestGenAi).toBe(false);
    expect(latest("http, gen_ai_latest_experimental")?.latestGenAi).toBe(true);
    expect(latest("http, gen_ai_latest_experimental")?.limits.doubleKeys.has("gen_ai.request.top_k")).toBe(false);
    expect(latest(undefined)?.limits.doubleKeys.has("gen_ai.request.top_k")).toBe(true);
  });

  it("exports to the spec's default endpoint when none is configured", () => {
    expect(tracingSettings(config({ randomSampling: 100 }), {})?.targets.map((t) => t.url)).toEqual([
      "http://localhost:4318/v1/traces",
    ]);
  });
});

describe("tracingSettings: identity and limits", () => {
  it("takes span limits from the standard variables", () => {
    const env = { OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "16", OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "1000" };
    expect(tracingSettings(config({ randomSampling: 100 }), env)?.limits).toMatchObject({ attributeCount: 16, valueLength: 1000 });
    expect(tracingSettings(config({ randomSampling: 100 }), {})?.limits).toMatchObject({ attributeCount: 128, valueLength: 4096 });
  });

  it("paces span exports by OTEL_BSP_SCHEDULE_DELAY: 1 s by default, 0 allowed, bad or too long values warned", () => {
    const delay = (value: string | undefined) =>
      tracingSettings(config({ randomSampling: 100 }), value === undefined ? {} : { OTEL_BSP_SCHEDULE_DELAY: value })?.exportSchedule.delayMs;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      expect([delay(undefined), delay("0"), delay(" 250 "), delay("soon"), delay("-5"), delay("60000")]).toEqual([
        1000, 0, 250, 1000, 1000, 10_000,
      ]);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([
      'tracegate: OTEL_BSP_SCHEDULE_DELAY="soon" is not a non-negative integer (ms); using 1000',
      'tracegate: OTEL_BSP_SCHEDULE_DELAY="-5" is not a non-negative integer (ms); using 1000',
      "tracegate: OTEL_BSP_SCHEDULE_DELAY=60000 is over 10000 ms (waitUntil's limit is 30 s); using 10000",
    ]);
  });

  it("names the Worker's version from wrangler.toml's version_metadata binding", () => {
    const bound = (workerEnv as Record<string, unknown>).CF_VERSION_METADATA as { id: string };
    expect(bound.id).toMatch(/^[0-9a-f-]{36}$/);
    const settings = tracingSettings(config({ randomSampling: 100 }), workerEnv as Record<string, unknown>);
    expect(settings?.resource.attributes).toMatchObject({ "faas.name": "tracegate", "faas.version": bound.id });
  });

  it("versions the resource and the gateway's scope from package.json; service.version=9.9.9 moves only the resource", async () => {
    const settings = tracingSettings(config({ randomSampling: 100 }), {
      OTEL_RESOURCE_ATTRIBUTES: "service.version=9.9.9",
    });
    if (!settings) throw new Error("tracing should be on");
    expect(settings.resource.attributes).toMatchObject({
      "service.version": "9.9.9",
      "telemetry.sdk.name": "tracegate",
      "telemetry.sdk.version": version,
      "cloud.provider": "cloudflare",
      "cloud.platform": "cloudflare.workers",
    });
    expect(tracingSettings(config({ randomSampling: 100 }), {})?.resource.attributes["service.version"]).toBe(version);
    // Export one SERVER span with these settings and read the scope from the body.
    const recorder = new SpanRecorder(settings.limits);
    const spanContext = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7", traceFlags: 1 };
    startServerSpan(recorder, spanContext, undefined, "GET /healthz", {}).end();
    const buffer = new SpanBuffer(10);
    buffer.add(recorder.spans);
    const bodies: string[] = [];
    const json = { ...settings.targets[0]!, protocol: "http/json" as const };
    await flush(buffer, [json], settings.resource, {
      fetch: async (_url, init) => {
        bodies.push(new TextDecoder().decode(init?.body as Uint8Array));
        return new Response("{}");
      },
      log: () => {},
    });
    const exported = JSON.parse(bodies[0] ?? "{}");
    expect(exported.resourceSpans[0].scopeSpans[0].scope).toEqual({ name: "tracegate", version });
  });
});

describe("requestHeaderAttributes", () => {
  it("maps prefixed headers (prefix stripped, - to .), adds static ones, and never records keys", () => {
    const settings = tracingSettings(
      config({ randomSampling: 100, headerPrefixes: ["x-app-", "x-"], staticAttributes: { "deployment.environment": "prod" } }),
      {},
    );
    if (!settings) throw new Error("tracing should be on");
    const headers = new Headers({
      "x-app-user-id": "u1",
      "x-session-id": "s1",
      "x-api-key": "sk-secret",
      "x-app-auth-token": "t-secret",
      authorization: "Bearer sk-secret",
    });
    expect(requestHeaderAttributes(settings, headers)).toEqual({
      "deployment.environment": "prod",
      "user.id": "u1",
      "session.id": "s1",
    });
  });
});
