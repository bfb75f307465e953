import { AwsV4Signer } from "aws4fetch";

/** AWS credentials for SigV4, resolved from the config's `$VAR` secrets. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** One request to sign. `datetime` (`20150830T123600Z`) is for tests; calls sign with the current time. */
export interface SigningRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  /** The signing name: `bedrock` for Bedrock's runtime API. */
  readonly service: string;
  readonly datetime?: string;
  /**
   * Derived signing keys by secret, day, region and service (aws4fetch's cache): four HMACs saved per request. The
   * caller bounds it.
   */
  readonly keyCache?: Map<string, ArrayBuffer>;
}

/**
 * The headers to add to `request` for AWS Signature Version 4 (Web Crypto, through aws4fetch): `authorization`,
 * `x-amz-date`, and `x-amz-security-token` with temporary credentials. The URL's path is signed double-encoded, as
 * AWS services other than S3 expect (a model id's `:` is `%3A` on the wire, `%253A` in the canonical request).
 */
export async function sigV4Headers(request: SigningRequest, credentials: AwsCredentials): Promise<Record<string, string>> {
  const signer = new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    service: request.service,
    region: request.region,
    ...(request.datetime === undefined ? {} : { datetime: request.datetime }),
    ...(request.keyCache === undefined ? {} : { cache: request.keyCache }),
  });
  const signed = await signer.sign();
  const out: Record<string, string> = {};
  for (const name of ["authorization", "x-amz-date", "x-amz-security-token"]) {
    const value = signed.headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}
