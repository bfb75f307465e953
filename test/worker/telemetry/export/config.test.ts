import { describe, expect, it } from "vitest";
import {
  exporterUrl,
  parseHeaders,
  parseResourceAttributes,
  redactUrl,
  resolveExportTargets,
  resourceFromEnv,
} from "../../../../src/telemetry/export/config";

function collect() {
  const notices: string[] = [];
  return { notices, warn: (m: string) => void notices.push(m) };
}

describe("resolveExportTargets from the standard variables", () => {
  it("defaults to http://localhost:4318/v1/traces, protobuf, no compression, 10 s", () => {
    expect(resolveExportTargets({}, [])).toEqual([
      { url: "http://localhost:4318/v1/traces", headers: {}, protocol: "http/protobuf", compression: "none", timeoutMs: 10000 },
    ]);
  });

  it("appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT (with or without trailing slash)", () => {
    for (const base of ["https://otel.example.com:4318", "https://otel.example.com:4318/"]) {
      expect(resolveExportTargets({ OTEL_EXPORTER_OTLP_ENDPOINT: base }, [])[0]?.url).toBe(
        "https://otel.example.com:4318/v1/traces",
      );
    }
    expect(resolveExportTargets({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://gw.example.com/otlp/" }, [])[0]?.url).toBe(
      "https://gw.example.com/otlp/v1/traces",
    );
  });

  it("uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, over the generic one", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://generic.example.com",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example.com/custom/path",
    };
    expect(resolveExportTargets(env, [])[0]?.url).toBe("https://traces.example.com/custom/path");
  });

  it("reads headers, protocol, compression and timeout; TRACES_ variables win", () => {
    const [target] = resolveExportTargets(
      {
        OTEL_EXPORTER_OTLP_HEADERS: "x-generic=1",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: " x-honeycomb-team = abc%20def , Authorization=Basic%20dXNlcjpwYXNz",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
        OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      },
      [],
    );
    expect(target).toEqual({
      url: "http://localhost:4318/v1/traces",
      headers: { "x-honeycomb-team": "abc def", Authorization: "Basic dXNlcjpwYXNz" },
      protocol: "http/json",
      compression: "gzip",
      timeoutMs: 2500,
    });
    expect(resolveExportTargets({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "300", OTEL_EXPORTER_OTLP_TIMEOUT: "9" }, [])[0]?.timeoutMs).toBe(300);
    expect(resolveExportTargets({ OTEL_EXPORTER_OTLP_COMPRESSION: "gzip", OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "none" }, [])[0]?.compression).toBe("none");
  });

  it("falls back to http/protobuf with a notice for grpc, and to defaults for bad values", () => {
    const { notices, warn } = collect();
    const [target] = resolveExportTargets(
      { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_COMPRESSION: "zstd", OTEL_EXPORTER_OTLP_TIMEOUT: "soon" },
      [],
      warn,
    );
    expect(target).toMatchObject({ protocol: "http/protobuf", compression: "none", timeoutMs: 10000 });
    expect(notices).toHaveLength(3);
    expect(notices.some((n) => n.includes("grpc") && n.includes("http/protobuf"))).toBe(true);
  });

  it("ignores non-string bindings and drops a non-http endpoint with a notice", () => {
    expect(resolveExportTargets({ OTEL_EXPORTER_OTLP_ENDPOINT: 42 }, [])[0]?.url).toBe("http://localhost:4318/v1/traces");
    const { notices, warn } = collect();
    expect(resolveExportTargets({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://x/v1/traces" }, [], warn)).toEqual([]);
    expect(notices).toHaveLength(1);
  });
});

describe("resolveExportTargets from tracing.exporters", () => {
  it("prefers config exporters, each with its own headers and protocol; env headers stay with env endpoints", () => {
    const targets = resolveExportTargets(
      { OTEL_EXPORTER_OTLP_HEADERS: "x-secret=for-env-endpoint", OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" },
      [
        { endpoint: "http://collector:4318", headers: {}, protocol: "http/protobuf" },
        { endpoint: "https://app.langtrace.ai/api/trace", headers: { "x-api-key": "k" }, protocol: "http/json" },
      ],
    );
    expect(targets).toEqual([
      { url: "http://collector:4318/v1/traces", headers: {}, protocol: "http/protobuf", compression: "gzip", timeoutMs: 10000 },
      {
        url: "https://app.langtrace.ai/api/trace",
        headers: { "x-api-key": "k" },
        protocol: "http/json",
        compression: "gzip",
        timeoutMs: 10000,
      },
    ]);
  });

  it("a preset's credentials may name secrets: resolved from the bindings; an unset one skips that exporter with a warning", () => {
    const { notices, warn } = collect();
    const langfuse = {
      endpoint: "https://cloud.langfuse.com/api/public/otel/v1/traces",
      headers: { "x-extra": "1" },
      protocol: "http/protobuf" as const,
      preset: { name: "langfuse" as const, options: { public_key: "pk", secret_key: "$LANGFUSE_SECRET_KEY" } },
    };
    const honeycomb = {
      endpoint: "https://api.honeycomb.io/v1/traces",
      headers: {},
      protocol: "http/protobuf" as const,
      preset: { name: "honeycomb" as const, options: { api_key: "$HONEYCOMB_KEY" } },
    };
    const targets = resolveExportTargets({ LANGFUSE_SECRET_KEY: "sk" }, [langfuse, honeycomb], warn);
    expect(targets.map((t) => [t.url, t.headers])).toEqual([
      [langfuse.endpoint, { authorization: `Basic ${btoa("pk:sk")}`, "x-langfuse-ingestion-version": "4", "x-extra": "1" }],
    ]);
    expect(notices).toEqual([
      "tracegate: not exporting to honeycomb: tracing.exporters[preset=honeycomb].api_key: secret HONEYCOMB_KEY is not set; set it with `wrangler secret put HONEYCOMB_KEY` (or a HONEYCOMB_KEY=... line in .dev.vars for wrangler dev)",
    ]);
  });

  it("uses endpoints ending in /traces or /trace as given, else appends /v1/traces", () => {
    expect(exporterUrl("https://api.honeycomb.io/v1/traces")).toBe("https://api.honeycomb.io/v1/traces");
    expect(exporterUrl("http://127.0.0.1:4318/v1/traces")).toBe("http://127.0.0.1:4318/v1/traces");
    expect(exporterUrl("https://app.langtrace.ai/api/trace")).toBe("https://app.langtrace.ai/api/trace");
    expect(exporterUrl("http://127.0.0.1:9999")).toBe("http://127.0.0.1:9999/v1/traces");
    expect(exporterUrl("https://otlp.example.net/otlp/")).toBe("https://otlp.example.net/otlp/v1/traces");
    expect(exporterUrl("https://otlp.example.net/otlp?tenant=a")).toBe("https://otlp.example.net/otlp/v1/traces?tenant=a");
  });
});

describe("parseHeaders", () => {
  it("skips pairs without a key, with a bad percent-escape or an invalid name", () => {
    expect(parseHeaders("a=1,=2,novalue,b=%ZZ,c d=3,e=x%3Dy,,f=")).toEqual({ a: "1", e: "x=y", f: "" });
    expect(parseHeaders("x=%0D%0Ainjected")).toEqual({});
    expect(parseHeaders(undefined)).toEqual({});
  });
});

describe("redactUrl", () => {
  it("drops credentials, query and fragment", () => {
    expect(redactUrl("https://user:pass@otel.example.com:4318/v1/traces?api_key=secret#x")).toBe(
      "https://otel.example.com:4318/v1/traces",
    );
  });
});

describe("resourceFromEnv", () => {
  it("has the defaults", () => {
    expect(resourceFromEnv({}, "0.1.0").attributes).toEqual({
      "service.name": "tracegate",
      "service.version": "0.1.0",
      "cloud.provider": "cloudflare",
      "cloud.platform": "cloudflare.workers",
      "faas.name": "tracegate",
      "telemetry.sdk.name": "tracegate",
      "telemetry.sdk.language": "webjs",
      "telemetry.sdk.version": "0.1.0",
    });
  });

  it("adds OTEL_RESOURCE_ATTRIBUTES (percent-decoded); OTEL_SERVICE_NAME wins for service.name", () => {
    const attributes = resourceFromEnv(
      {
        OTEL_SERVICE_NAME: "edge-gateway",
        OTEL_RESOURCE_ATTRIBUTES: "service.name=ignored, deployment.environment = prod ,team=ai%20platform",
      },
      "0.1.0",
    ).attributes;
    expect(attributes).toMatchObject({
      "service.name": "edge-gateway",
      "deployment.environment": "prod",
      team: "ai platform",
      "cloud.provider": "cloudflare",
    });
    expect(resourceFromEnv({ OTEL_RESOURCE_ATTRIBUTES: "service.name=from-attrs" }, "1").attributes["service.name"]).toBe(
      "from-attrs",
    );
  });

  it("names the Worker's version from the version metadata binding (faas.version = the immutable id)", () => {
    const CF_VERSION_METADATA = { id: "a5f1c8e2-7f0b-4c1e-9d3a-2b6e8f0c1d4e", tag: "v42", timestamp: "2026-11-25T12:00:00Z" };
    expect(resourceFromEnv({ CF_VERSION_METADATA }, "1.2.3").attributes).toMatchObject({
      "cloud.provider": "cloudflare",
      "cloud.platform": "cloudflare.workers",
      "faas.name": "tracegate",
      "faas.version": CF_VERSION_METADATA.id,
      "cloudflare.script_version.id": CF_VERSION_METADATA.id,
      "cloudflare.script_version.tag": "v42",
      "service.version": "1.2.3",
      "telemetry.sdk.version": "1.2.3",
    });
    const untagged = resourceFromEnv({ CF_VERSION_METADATA: { ...CF_VERSION_METADATA, tag: "" } }, "1").attributes;
    expect(untagged["faas.version"]).toBe(CF_VERSION_METADATA.id);
    expect(untagged).not.toHaveProperty("cloudflare.script_version.tag");
    // A binding of another shape (or none) adds nothing.
    for (const bad of [undefined, "v1", { id: 7 }, { id: "" }, null]) {
      expect(resourceFromEnv({ CF_VERSION_METADATA: bad }, "1").attributes).not.toHaveProperty("faas.version");
    }
    // OTEL_RESOURCE_ATTRIBUTES may rename the Worker (the runtime does not tell it its name); the SDK's own stay.
    const renamed = resourceFromEnv(
      { CF_VERSION_METADATA, OTEL_RESOURCE_ATTRIBUTES: "faas.name=edge-gw,telemetry.sdk.version=0" },
      "1.2.3",
    ).attributes;
    expect(renamed).toMatchObject({ "faas.name": "edge-gw", "telemetry.sdk.version": "1.2.3" });
  });

  it("drops all of OTEL_RESOURCE_ATTRIBUTES when any pair does not decode", () => {
    const { notices, warn } = collect();
    const attributes = resourceFromEnv({ OTEL_RESOURCE_ATTRIBUTES: "team=ai,bad=%E0%A4%A" }, "0.1.0", warn).attributes;
    expect(attributes).not.toHaveProperty("team");
    expect(notices).toHaveLength(1);
    expect(parseResourceAttributes("a=1,novalue")).toBeUndefined();
    expect(parseResourceAttributes("a=1,,b=2,")).toEqual({ a: "1", b: "2" });
  });
});
