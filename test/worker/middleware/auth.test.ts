import { describe, expect, it } from "vitest";
import { requestApp } from "../helpers/request";
import { sha256Hex } from "../../../src/auth/keys";
import { validateConfig } from "../../../src/config/validate";

const WEB_KEY = "tg-web-0123456789abcdef";
const BATCH_KEY = "tg-batch-fedcba9876543210";
const JWT_SECRET = "jwt-secret-for-tests-only-0123456789";

async function envWith(auth: unknown, extra: Record<string, string> = {}) {
  return {
    GATEWAY_CONFIG: JSON.stringify({ model_providers: [{ model: "mock/echo", default: true }], ...(auth === undefined ? {} : { auth }) }),
    BATCH_KEY,
    JWT_SECRET,
    ...extra,
  };
}

const keysAuth = async () => ({
  keys: [
    { name: "web-app", key_sha256: await sha256Hex(WEB_KEY) },
    { name: "batch", key: "$BATCH_KEY" },
  ],
  jwt: { secret: "$JWT_SECRET", issuer: "https://auth.example.com", audience: "tracegate" },
});

function chat(env: Record<string, string>, headers: Record<string, string>, path = "/v1/chat/completions") {
  const body =
    path === "/v1/messages"
      ? { model: "mock/echo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }
      : { model: "mock/echo", messages: [{ role: "user", content: "hi" }] };
  return requestApp(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }, env);
}

function b64url(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function hs256(payload: Record<string, unknown>, secret = JWT_SECRET): Promise<string> {
  const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(head)));
  return `${head}.${b64url(sig)}`;
}

const now = () => Math.floor(Date.now() / 1000);

describe("client auth", () => {
  it("must be explicit: without an auth key the API answers 500 config_error, and /healthz 503 saying why", async () => {
    const env = await envWith(undefined);
    const res = await chat(env, {});
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "config_error",
      message: expect.stringContaining('auth: none'),
    });
    const health = await requestApp("/healthz", {}, env);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "error", problems: [expect.stringContaining("auth: none")] });
  });

  it("auth: none serves any client", async () => {
    expect((await chat(await envWith("none"), {})).status).toBe(200);
  });

  it("accepts a listed key by hash or by $ENV reference, as Bearer or x-api-key", async () => {
    const env = await envWith(await keysAuth());
    expect((await chat(env, { authorization: `Bearer ${WEB_KEY}` })).status).toBe(200);
    expect((await chat(env, { "x-api-key": BATCH_KEY }, "/v1/messages")).status).toBe(200);
  });

  it("refuses missing and wrong keys with 401 in the route's format, never echoing the key", async () => {
    const env = await envWith(await keysAuth());
    const missing = await chat(env, {});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: "authentication_error", code: "unauthorized" } });
    const wrong = await chat(env, { "x-api-key": "tg-web-0123456789abcdeX" }, "/v1/messages");
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(JSON.parse(text)).toEqual({ type: "error", error: { type: "authentication_error", message: "invalid API key" } });
    expect(text).not.toContain("tg-web");
  });

  it("accepts a valid JWT (sub becomes the client) and refuses expired, not-yet-valid, wrong issuer/audience or signature", async () => {
    const env = await envWith(await keysAuth());
    const base = { sub: "user-42", iss: "https://auth.example.com", aud: "tracegate", exp: now() + 60 };
    expect((await chat(env, { authorization: `Bearer ${await hs256(base)}` })).status).toBe(200);
    const bad = [
      await hs256({ ...base, exp: now() - 1 }),
      await hs256({ ...base, nbf: now() + 60 }),
      await hs256({ ...base, iss: "https://evil.example" }),
      await hs256({ ...base, aud: "someone-else" }),
      await hs256(base, "another-secret-another-secret-000"),
    ];
    for (const token of bad) {
      const res = await chat(env, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("invalid or expired token");
    }
  });

  it("answers CORS preflights without auth", async () => {
    const env = await envWith(await keysAuth());
    const e = { ...env, GATEWAY_CONFIG: env.GATEWAY_CONFIG.replace(/}$/, ',"cors":{"allow_origins":"*"}}') };
    const res = await requestApp(
      "/v1/chat/completions",
      { method: "OPTIONS", headers: { origin: "https://x.example", "access-control-request-method": "POST" } },
      e,
    );
    expect(res.status).toBe(204);
  });

  it("refuses a JWT without exp, and one valid for longer than max_lifetime_seconds (D13)", async () => {
    const env = await envWith(await keysAuth());
    const base = { sub: "user-42", iss: "https://auth.example.com", aud: "tracegate" };
    const send = async (payload: Record<string, unknown>) =>
      (await chat(env, { authorization: `Bearer ${await hs256(payload)}` })).status;
    expect(await send(base)).toBe(401); // no exp: it would never expire
    expect(await send({ ...base, exp: now() + 2 * 24 * 3600 })).toBe(401); // past the default day
    expect(await send({ ...base, exp: now() + 23 * 3600 })).toBe(200);
    const shortLived = await envWith({ ...(await keysAuth()), jwt: { ...(await keysAuth()).jwt, max_lifetime_seconds: 300 } });
    expect((await chat(shortLived, { authorization: `Bearer ${await hs256({ ...base, exp: now() + 600 })}` })).status).toBe(401);
    expect((await chat(shortLived, { authorization: `Bearer ${await hs256({ ...base, exp: now() + 60 })}` })).status).toBe(200);
  });

  it("reads ${NAME} references like $NAME, for keys and the JWT secret", async () => {
    const braced = { keys: [{ name: "batch", key: "${BATCH_KEY}" }], jwt: { secret: "${JWT_SECRET}", issuer: "i", audience: "a" } };
    const env = await envWith(braced);
    expect((await chat(env, { "x-api-key": BATCH_KEY })).status).toBe(200);
    const token = await hs256({ sub: "u", iss: "i", aud: "a", exp: now() + 60 });
    expect((await chat(env, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await chat(env, { "x-api-key": WEB_KEY })).status).toBe(401);
  });

  it("checks jwks_url as an http(s) URL, allowing a query (some identity providers name a policy in it)", () => {
    const jwt = (jwks_url: unknown) => validateConfig({ model_providers: [{ model: "mock/echo" }], auth: { jwt: { jwks_url, issuer: "i", audience: "a" } } });
    const withQuery = jwt("https://login.example.com/keys?p=b2c_1_signin");
    expect(withQuery.ok && withQuery.config.auth).toEqual({
      kind: "clients",
      keys: [],
      jwt: { secretRef: undefined, jwksUrl: "https://login.example.com/keys?p=b2c_1_signin", issuer: "i", audience: "a", algorithms: ["RS256", "ES256"], maxLifetimeSeconds: 86400 },
    });
    const errors = (value: unknown) => {
      const result = jwt(value);
      return result.ok ? [] : result.errors;
    };
    expect(errors("not a url")).toEqual(["auth.jwt.jwks_url: expected an http(s) URL such as https://api.example.com/v1"]);
    expect(errors("ftp://keys.example/jwks")).toEqual(["auth.jwt.jwks_url: expected an http(s) URL, not ftp:"]);
    expect(errors("https://user:pw@keys.example/jwks")).toEqual([
      "auth.jwt.jwks_url: expected an http(s) URL without credentials or fragment",
    ]);
  });

  it("reports bad auth config with key paths", () => {
    const result = validateConfig({
      model_providers: [{ model: "mock/echo" }],
      auth: {
        keys: [{ name: "a", key_sha256: "XYZ" }, { name: "b", key: "sk-literal" }, { name: "c" }],
        jwt: { secret: "$S", jwks_url: "https://x.example/jwks", issuer: "i", audience: "a" },
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([
      "auth.keys[0].key_sha256: expected 64 lowercase hex characters (npx tracegate hash-key)",
      "auth.keys[1].key: must be a $ENV_NAME reference (keep keys out of the config; or use key_sha256)",
      "auth.keys[2].key_sha256: required (or key: $ENV_NAME)",
      'auth.jwt: set exactly one of "secret" (HS256, a $ENV reference) or "jwks_url"',
    ]);
    const typo = validateConfig({ model_providers: [{ model: "mock/echo" }], auth: "nobody" });
    expect(typo.ok ? [] : typo.errors).toEqual(["auth: expected a mapping, got a string"]);
  });
});
