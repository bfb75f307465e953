/** The headers a client may carry a key in. */
export type CredentialHeader = "authorization" | "x-api-key";

/**
 * The first key a client presents: `Authorization: Bearer <key>`, else `x-api-key`. `skip` leaves out the header
 * the gateway's own client auth consumed, so a `passthrough_auth` provider never receives the gateway key.
 */
export function presentedCredential(
  headers: Headers,
  skip?: CredentialHeader,
): { readonly header: CredentialHeader; readonly value: string } | undefined {
  if (skip !== "authorization") {
    const bearer = headers.get("authorization")?.match(/^bearer\s+(\S+)\s*$/i)?.[1];
    if (bearer) return { header: "authorization", value: bearer };
  }
  if (skip !== "x-api-key") {
    const key = headers.get("x-api-key")?.trim();
    if (key) return { header: "x-api-key", value: key };
  }
  return undefined;
}
