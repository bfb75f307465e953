import { describe, expect, it } from "vitest";
import type { GatewayConfig, TracingConfig } from "../../../src/config/types";
import { requestHeaderAttributes, tracingSettings } from "../../../src/telemetry/settings";

function config(tracing: Partial<TracingConfig> | undefined): GatewayConfig {
  return {
    providers: [],
    aliases: {},
    maxBodyBytes: 1024,
    tracing: tracing && {
      randomSampling: 0,
      trustIncomingSampling: true,
      headerPrefixes: [],
      staticAttributes: {},
      captureContent: false,
      exporters: [],
      ...tracing,
    },
  };
}

describe("tracingSettings", () => {
  it("is off without a tracing section or at 0%", () => {
    expect(tracingSettings(config(undefined), {})).toBeUndefined();
    expect(tracingSettings(config({ randomSampling: 0 }), {})).toBeUndefined();
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

  it("exports to the spec's default endpoint when none is configured", () => {
    expect(tracingSettings(config({ randomSampling: 100 }), {})?.targets.map((t) => t.url)).toEqual([
      "http://localhost:4318/v1/traces",
    ]);
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
