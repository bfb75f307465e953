import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { webcrypto } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// auth.jwt with a jwks_url: ES256 tokens signed by "the app's backend" (this test), the public key served as a JWKS
// from a real server on loopback; the gateway fetches it once and caches it.
let jwks: Server;
/** Fetches per path: /.well-known/jwks.json answers, /failing answers 500, /hanging never answers. */
const fetches = { good: 0, failing: 0, hanging: 0 };
let gateway: DevServer;
let failingGateway: DevServer;
let hangingGateway: DevServer;
let privateKey: webcrypto.CryptoKey;

const b64url = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === "string" ? Buffer.from(bytes) : bytes).toString("base64url");

async function es256(payload: Record<string, unknown>, kid = "k1"): Promise<string> {
  const head = `${b64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid }))}.${b64url(JSON.stringify(payload))}`;
  const sig = await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, Buffer.from(head));
  return `${head}.${b64url(new Uint8Array(sig))}`;
}

beforeAll(async () => {
  const pair = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  privateKey = pair.privateKey;
  const jwk = await webcrypto.subtle.exportKey("jwk", pair.publicKey);
  jwks = createServer((req, res) => {
    if (req.url === "/hanging") return void fetches.hanging++;
    if (req.url === "/failing") {
      fetches.failing++;
      return void res.writeHead(500).end("jwks store down");
    }
    fetches.good++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [{ ...jwk, kid: "k1", alg: "ES256", use: "sig" }] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const start = (path: string) =>
    startWranglerDev({
      GATEWAY_CONFIG: JSON.stringify({
        model_providers: [{ model: "mock/echo", default: true }],
        auth: {
          jwt: {
            jwks_url: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}${path}`,
            issuer: "https://auth.example.com",
            audience: "tracegate",
          },
        },
      }),
    });
  [gateway, failingGateway, hangingGateway] = await Promise.all([start("/.well-known/jwks.json"), start("/failing"), start("/hanging")]);
}, 120_000);

afterAll(async () => {
  await Promise.all([gateway?.stop(), failingGateway?.stop(), hangingGateway?.stop()]);
  jwks?.closeAllConnections();
  await new Promise((r) => jwks?.close(r));
});

const call = (token: string, to: DevServer = gateway) =>
  fetch(`${to.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: "mock/echo", messages: [{ role: "user", content: "hi" }] }),
  });

describe("auth.jwt with a JWKS", () => {
  it("accepts ES256 tokens from the JWKS (fetched once) and refuses a wrong kid, issuer or an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = { sub: "user-7", iss: "https://auth.example.com", aud: "tracegate", exp: now + 60 };
    expect((await call(await es256(good))).status).toBe(200);
    expect((await call(await es256({ ...good, sub: "user-8" }))).status).toBe(200);
    expect(fetches.good).toBe(1);
    expect((await call(await es256(good, "other-kid"))).status).toBe(401);
    expect((await call(await es256({ ...good, iss: "https://evil.example" }))).status).toBe(401);
    expect((await call(await es256({ ...good, exp: now - 5 }))).status).toBe(401);
  });

  it("refuses a validly signed token without exp (it would never expire)", async () => {
    const { exp: _exp, ...noExpiry } = { sub: "user-7", iss: "https://auth.example.com", aud: "tracegate", exp: 0 };
    const res = await call(await es256(noExpiry));
    expect(res.status).toBe(401);
  });

  it("a JWKS answering 500: 20 concurrent requests share one fetch and get 503 with Retry-After", async () => {
    const token = await es256({ sub: "u", iss: "https://auth.example.com", aud: "tracegate", exp: Math.floor(Date.now() / 1000) + 60 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(token, failingGateway)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(503));
    expect(answers[0]?.headers.get("retry-after")).toBe("30");
    const body = (await answers[0]?.json()) as { error: { message: string } };
    expect(body.error.message).toContain("token verification is unavailable");
    expect(body.error.message).not.toContain("127.0.0.1");
    // Requests after the failure are refused from the negative cache, without another fetch.
    expect((await call(token, failingGateway)).status).toBe(503);
    expect(fetches.failing).toBe(1);
    // wrangler relays the Worker's console output asynchronously.
    await vi.waitFor(() => expect(failingGateway.output()).toContain("tokens cannot be verified"), { timeout: 5_000 });
  });

  it("a JWKS that never answers: 10 concurrent requests share one fetch and get 503 after the fetch timeout", async () => {
    const token = await es256({ sub: "u", iss: "https://auth.example.com", aud: "tracegate", exp: Math.floor(Date.now() / 1000) + 60 });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(token, hangingGateway)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(503));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fetches.hanging).toBe(1);
  });
});
