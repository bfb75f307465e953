import { describe, expect, it } from "vitest";
import { collectorExporter } from "../helpers/collector";
import { requestApp } from "../helpers/request";
import { validateConfig } from "../../../src/config/validate";

const providers = [{ model: "mock/echo", default: true }];
const env = (cors: unknown) => ({
  GATEWAY_CONFIG: JSON.stringify({ model_providers: providers, auth: "none", ...(cors === undefined ? {} : { cors }), tracing: { random_sampling: 100, exporters: [collectorExporter()] } }),
});
const APP = "https://app.example.com";

function preflight(origin: string, e: Record<string, string>) {
  return requestApp(
    "/v1/chat/completions",
    {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization, traceparent" },
    },
    e,
  );
}

function post(origin: string, e: Record<string, string>) {
  return requestApp(
    "/v1/chat/completions",
    {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }),
    },
    e,
  );
}

describe("cors", () => {
  const listed = env({ allow_origins: [APP], max_age: 300 });

  it("answers a preflight from a listed origin without reaching the route", async () => {
    const res = await preflight(APP, listed);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toContain("traceparent");
    expect(res.headers.get("access-control-max-age")).toBe("300");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("lets a listed origin read the response, trace headers and timings included", async () => {
    const res = await post(APP, listed);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    const exposed = res.headers.get("access-control-expose-headers") ?? "";
    for (const h of ["traceresponse", "server-timing", "x-tracegate-model"]) expect(exposed).toContain(h);
    // What the provider said reaches a browser page too: its wait, the request's id, its rate limits.
    const provider = ["retry-after", "retry-after-ms", "x-request-id", "request-id", "x-ratelimit-remaining-tokens", "anthropic-ratelimit-requests-reset"];
    for (const h of provider) expect(exposed.split(/\s*,\s*/)).toContain(h);
    expect(res.headers.get("timing-allow-origin")).toBe(APP);
    expect(res.headers.get("traceresponse")).toMatch(/^00-/);
  });

  it("gives other origins no CORS grant", async () => {
    const res = await post("https://evil.example", listed);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect((await preflight("https://evil.example", listed)).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows any origin with *, and none without a cors key", async () => {
    expect((await post("https://x.example", env({ allow_origins: "*" }))).headers.get("access-control-allow-origin")).toBe("*");
    expect((await post(APP, env(undefined))).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("reports bad cors config with key paths", () => {
    const result = validateConfig({
      model_providers: providers,
      cors: { allow_origins: ["https://app.example.com/path", "*"], allow_credentials: true, max_ag: 1 },
    });
    expect(result.ok ? [] : result.errors).toEqual([
      'cors.max_ag: unknown key (did you mean "max_age"?)',
      'cors.allow_origins[0]: expected an origin like "https://app.example.com", got "https://app.example.com/path"',
      'cors.allow_credentials: cannot be true with allow_origins "*" (browsers refuse it); list the origins',
    ]);
  });
});
