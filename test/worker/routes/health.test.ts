import { afterEach, describe, expect, it, vi } from "vitest";
import { requestApp } from "../helpers/request";

const MOCK = { model: "mock/echo", default: true };
const config = (extra: Record<string, unknown>) => JSON.stringify({ model_providers: [MOCK], auth: "none", ...extra });

async function health(env: Record<string, string>) {
  const res = await requestApp("/healthz", {}, env);
  return { status: res.status, body: (await res.json()) as { status: string; problems?: string[] } };
}

afterEach(() => vi.restoreAllMocks());

describe("/healthz reports what keeps the gateway from serving (issue 11 D15)", () => {
  it("ok for a valid, usable config", async () => {
    expect(await health({ GATEWAY_CONFIG: config({}) })).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("a blank GATEWAY_CONFIG is an error, not a silent fallback to the bundled config", async () => {
    const env = { GATEWAY_CONFIG: "  \n " };
    const { status, body } = await health(env);
    expect(status).toBe(503);
    expect(body.problems).toEqual([expect.stringContaining("GATEWAY_CONFIG is set but empty")]);
    const api = await requestApp(
      "/v1/chat/completions",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "mock/echo", messages: [] }) },
      env,
    );
    expect(api.status).toBe(500);
  });

  it("an invalid config: 503 naming each bad key", async () => {
    const { status, body } = await health({ GATEWAY_CONFIG: JSON.stringify({ model_providers: [{ modle: "x/y" }], auth: "none" }) });
    expect(status).toBe(503);
    expect(body.problems?.join("\n")).toContain("model_providers[0]");
  });

  it("keys: [] without jwt: no client can authenticate", async () => {
    const { status, body } = await health({ GATEWAY_CONFIG: config({ auth: { keys: [] } }) });
    expect(status).toBe(503);
    expect(body.problems).toEqual(["auth.keys is empty and auth.jwt is not set: no client can authenticate"]);
  });

  it("unset secrets: the config path in the answer, the binding name only in the operator's log", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const GATEWAY_CONFIG = config({
      auth: { keys: [{ name: "web", key: "$UNSET_CLIENT_KEY" }] },
      model_providers: [MOCK, { model: "openai/gpt-4o", access_key: "$UNSET_OPENAI_KEY" }],
    });
    const { status, body } = await health({ GATEWAY_CONFIG });
    expect(status).toBe(503);
    expect(body.problems).toEqual([
      "auth.keys[name=web].key is not set",
      "model_providers[name=openai/gpt-4o].access_key is not set",
    ]);
    expect(JSON.stringify(body)).not.toContain("UNSET_");
    const logged = log.mock.calls.map((args) => args.join(" ")).join("\n");
    expect(logged).toContain("secret UNSET_CLIENT_KEY is not set");
    expect(logged).toContain("secret UNSET_OPENAI_KEY is not set");
  });
});
