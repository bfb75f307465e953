import { describe, expect, it } from "vitest";
import { sigV4Headers } from "../../../../src/providers/bedrock/sign";

// AWS's Signature Version 4 test suite (aws-sig-v4-test-suite, as carried by aws-sdk-js-v3's signature-v4 package):
// region us-east-1, service "service", the example credentials, signed at 20150830T123600Z.
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const DATETIME = "20150830T123600Z";
const SCOPE = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

interface Vector {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly signedHeaders: string;
  readonly signature: string;
}

const VECTORS: Readonly<Record<string, Vector>> = {
  "get-vanilla": {
    method: "GET",
    path: "/",
    signedHeaders: "host;x-amz-date",
    signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  },
  "get-vanilla-query-order-key-case": {
    method: "GET",
    path: "/?Param2=value2&Param1=value1",
    signedHeaders: "host;x-amz-date",
    signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
  },
  "get-unreserved": {
    method: "GET",
    path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    signedHeaders: "host;x-amz-date",
    signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
  },
  "get-header-value-trim": {
    method: "GET",
    path: "/",
    headers: { "my-header1": "value1", "my-header2": '"a   b   c"' },
    signedHeaders: "host;my-header1;my-header2;x-amz-date",
    signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
  },
  "post-vanilla": {
    method: "POST",
    path: "/",
    signedHeaders: "host;x-amz-date",
    signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
  },
  "post-vanilla-query": {
    method: "POST",
    path: "/?Param1=value1",
    signedHeaders: "host;x-amz-date",
    signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
  },
  "post-header-key-sort": {
    method: "POST",
    path: "/",
    headers: { "my-header1": "value1" },
    signedHeaders: "host;my-header1;x-amz-date",
    signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
  },
};

describe("sigV4Headers against AWS's SigV4 test suite", () => {
  for (const [name, v] of Object.entries(VECTORS)) {
    it(name, async () => {
      const headers = await sigV4Headers(
        {
          method: v.method,
          url: `https://example.amazonaws.com${v.path}`,
          headers: v.headers ?? {},
          body: "",
          region: "us-east-1",
          service: "service",
          datetime: DATETIME,
        },
        CREDENTIALS,
      );
      expect(headers).toEqual({
        authorization: `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=${v.signedHeaders}, Signature=${v.signature}`,
        "x-amz-date": DATETIME,
      });
    });
  }
});

describe("sigV4Headers for Bedrock", () => {
  const request = {
    method: "POST",
    url: "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
    headers: { "content-type": "application/json" },
    body: '{"messages":[]}',
    region: "eu-west-1",
    service: "bedrock",
    datetime: DATETIME,
  };

  it("scopes the credential to the region and bedrock, and signs the session token when there is one", async () => {
    const headers = await sigV4Headers(request, { ...CREDENTIALS, sessionToken: "token-1" });
    expect(headers["x-amz-security-token"]).toBe("token-1");
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it("changes the signature when the body, the path or the secret changes", async () => {
    const signatureOf = async (change: Partial<typeof request>, secret = CREDENTIALS.secretAccessKey) =>
      (await sigV4Headers({ ...request, ...change }, { ...CREDENTIALS, secretAccessKey: secret })).authorization;
    const base = await signatureOf({});
    expect(await signatureOf({})).toBe(base);
    expect(await signatureOf({ body: '{"messages":[1]}' })).not.toBe(base);
    expect(await signatureOf({ url: request.url.replace("converse", "converse-stream") })).not.toBe(base);
    expect(await signatureOf({}, "another-secret")).not.toBe(base);
  });
});

describe("sigV4Headers with a signing-key cache", () => {
  it("signs the same with a cached signing key as without, and keeps one key per secret and day", async () => {
    const keyCache = new Map<string, ArrayBuffer>();
    const request = { method: "GET", url: "https://example.amazonaws.com/", headers: {}, body: "", region: "us-east-1", service: "service", datetime: DATETIME };
    const first = await sigV4Headers({ ...request, keyCache }, CREDENTIALS);
    const second = await sigV4Headers({ ...request, keyCache }, CREDENTIALS);
    expect(keyCache.size).toBe(1);
    expect(first.authorization).toBe(second.authorization);
    expect(first.authorization).toContain("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  });
});
