import { secretName } from "../config/secrets";
import type { ClientKey } from "../config/types";

const encoder = new TextEncoder();

/** The SHA-256 of `text` (UTF-8) as lower-case hex, by Web Crypto: client keys, and hashed end users (telemetry/identity.ts). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Equal-length hex strings compared without an early exit, so timing says nothing about where they differ. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The name of the client whose key this is, or undefined. Every configured key is compared (no early exit), and
 * only hashes are compared, so neither timing nor the key's length leaks which key matched or how closely.
 */
export async function matchKey(
  presented: string,
  keys: readonly ClientKey[],
  env: Readonly<Record<string, unknown>>,
): Promise<string | undefined> {
  const hash = await sha256Hex(presented);
  let match: string | undefined;
  for (const key of keys) {
    let expected: string | undefined;
    if ("sha256" in key) expected = key.sha256;
    else {
      const name = secretName(key.ref);
      const value = name === undefined ? undefined : env[name];
      expected = typeof value === "string" && value !== "" ? await sha256Hex(value) : undefined;
    }
    if (expected !== undefined && sameHex(hash, expected) && match === undefined) match = key.name;
  }
  return match;
}
