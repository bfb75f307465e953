import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { webcrypto } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, type DevServer } from "./harness/wrangler-dev";

// auth.jwt with a jwks_url: ES256 tokens signed by "the app's backend" (this test), the public key served as a JWKS
// from a real server on loopback; the gateway fetches it once and caches it.
let jwks: Server;
let jwksFetches = 0;
let gateway: DevServer;
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
  jwks = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [{ ...jwk, kid: "k1", alg: "ES256", use: "sig" }] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  gateway = await startWranglerDev({
    GATEWAY_CONFIG: JSON.stringify({
      model_providers: [{ model: "mock/echo", default: true }],
      auth: {
        jwt: {
          jwks_url: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
          issuer: "https://auth.example.com",
          audience: "tracegate",
        },
      },
    }),
  });
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await new Promise((r) => jwks?.close(r));
});

const call = (token: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
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
    expect(jwksFetches).toBe(1);
    expect((await call(await es256(good, "other-kid"))).status).toBe(401);
    expect((await call(await es256({ ...good, iss: "https://evil.example" }))).status).toBe(401);
    expect((await call(await es256({ ...good, exp: now - 5 }))).status).toBe(401);
  });
});
