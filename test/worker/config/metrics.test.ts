import { describe, expect, it } from "vitest";
import type { GatewayConfig } from "../../../src/config/types";
import { validateConfig } from "../../../src/config/validate";
import { metricsSettings } from "../../../src/telemetry/metrics/settings";

const PROVIDERS = [{ model: "openai/*", access_key: "sk-x" }];

function configWith(tracing: Record<string, unknown> | undefined): GatewayConfig {
  const result = validateConfig({ model_providers: PROVIDERS, auth: "none", ...(tracing && { tracing }) });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

function errors(metrics: unknown): string[] {
  const result = validateConfig({ model_providers: PROVIDERS, auth: "none", tracing: { random_sampling: 10, metrics } });
  if (result.ok) throw new Error("expected errors, the config validated");
  return result.errors;
}

describe("tracing.metrics config", () => {
  it("reports every bad key with its path", () => {
    expect(errors({ enabeld: true })).toEqual([expect.stringMatching(/^tracing\.metrics\.enabeld: .*enabled/)]);
    expect(errors({ enabled: "yes", export_interval_seconds: 0, client_attribute: 1 })).toEqual([
      "tracing.metrics.enabled: expected true or false, got a string",
      "tracing.metrics.export_interval_seconds: expected a number from 0.001 to 3600, got 0",
      "tracing.metrics.client_attribute: expected true or false, got a number",
    ]);
    expect(errors({ analytics_engine: "my-dataset" })).toEqual([
      'tracing.metrics.analytics_engine: expected the name of an Analytics Engine binding in wrangler.toml (e.g. GATEWAY_METRICS), got "my-dataset"',
    ]);
    expect(errors({ exporters: [{ protocol: "grpc" }] })).toEqual([
      "tracing.metrics.exporters[0].endpoint: required, e.g. http://127.0.0.1:4318/v1/traces",
      'tracing.metrics.exporters[0].protocol: expected one of "http/protobuf", "http/json", got "grpc"',
    ]);
    expect(errors("on")).toEqual(["tracing.metrics: expected a mapping, got a string"]);
  });

  it("a config without tracing.metrics reads as before (no metrics key)", () => {
    expect(configWith({ random_sampling: 10 }).tracing).not.toHaveProperty("metrics");
  });
});

describe("metricsSettings", () => {
  const exporters = [{ endpoint: "http://collector:4318/v1/traces", protocol: "http/json" }];

  it("is on by default where tracing exports spans, to the traces' exporters at /v1/metrics", () => {
    const settings = metricsSettings(configWith({ random_sampling: 10, exporters }), {});
    expect(settings?.targets.map((t) => [t.url, t.protocol])).toEqual([["http://collector:4318/v1/metrics", "http/json"]]);
    expect(settings?.intervalMs).toBe(10_000);
    expect(settings?.clientAttribute).toBe(false);
    expect(metricsSettings(configWith(undefined), {})).toBeUndefined();
    expect(metricsSettings(configWith({ random_sampling: 0, exporters }), {})).toBeUndefined();
  });

  it("enabled, OTEL_METRICS_EXPORTER and the interval settings, in their order", () => {
    const off = configWith({ random_sampling: 10, exporters, metrics: { enabled: false } });
    expect(metricsSettings(off, {})).toBeUndefined();
    expect(metricsSettings(off, { OTEL_METRICS_EXPORTER: "otlp" }), "config wins over the variable").toBeUndefined();
    const on = configWith({ random_sampling: 0, exporters, metrics: { enabled: true } });
    expect(metricsSettings(on, {})?.targets).toHaveLength(1);
    expect(metricsSettings(on, { OTEL_METRICS_EXPORTER: "none" }), "none always wins").toBeUndefined();
    const byVariable = configWith({ random_sampling: 0, exporters });
    expect(metricsSettings(byVariable, { OTEL_METRICS_EXPORTER: "otlp" })?.targets).toHaveLength(1);
    const warnings: string[] = [];
    const interval = configWith({ random_sampling: 10, exporters });
    expect(metricsSettings(interval, { OTEL_METRIC_EXPORT_INTERVAL: "2500" })?.intervalMs).toBe(2500);
    expect(metricsSettings(interval, { OTEL_METRIC_EXPORT_INTERVAL: "soon" }, (w) => warnings.push(w))?.intervalMs).toBe(10_000);
    expect(warnings).toEqual(['tracegate: invalid OTEL_METRIC_EXPORT_INTERVAL "soon"; using 10000 ms']);
    const own = configWith({ random_sampling: 10, exporters, metrics: { export_interval_seconds: 30 } });
    expect(metricsSettings(own, { OTEL_METRIC_EXPORT_INTERVAL: "2500" })?.intervalMs, "config wins").toBe(30_000);
  });

  it("own exporters, the OTEL_EXPORTER_OTLP_METRICS_* variables, and no reuse of preset exporters", () => {
    const own = configWith({ random_sampling: 10, exporters, metrics: { exporters: [{ endpoint: "https://m.example/otlp" }] } });
    expect(metricsSettings(own, {})?.targets.map((t) => t.url)).toEqual(["https://m.example/otlp/v1/metrics"]);
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://base:4318",
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-team=a%20b",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: "1234",
    };
    const [target] = metricsSettings(configWith({ random_sampling: 10 }), env)?.targets ?? [];
    expect(target).toMatchObject({ url: "http://base:4318/v1/metrics", headers: { "x-team": "a b" }, protocol: "http/json", timeoutMs: 1234 });
    const exact = metricsSettings(configWith({ random_sampling: 10 }), { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://m:9/custom" });
    expect(exact?.targets.map((t) => t.url)).toEqual(["http://m:9/custom"]);
    const presets = configWith({ random_sampling: 10, exporters: [{ preset: "jaeger", endpoint: "http://jaeger:4318" }] });
    expect(metricsSettings(presets, {})?.targets).toEqual([]);
  });

  it("Analytics Engine alone: no OTLP targets, the binding named", () => {
    const ae = configWith({ random_sampling: 0, metrics: { analytics_engine: "GATEWAY_METRICS" } });
    expect(metricsSettings(ae, {})).toMatchObject({ targets: [], analyticsEngine: "GATEWAY_METRICS" });
  });
});
