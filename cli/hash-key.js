// @ts-check
// `tracegate hash-key`: the SHA-256 a config lists under auth.keys[].key_sha256, so the key itself stays with the client.
import { createHash, randomBytes } from "node:crypto";

/** @param {string} key */
export function hashKey(key) {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** @returns {Promise<string>} */
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8").trim();
}

/**
 * `tracegate hash-key --new` makes a random key and prints it with its hash; `tracegate hash-key` hashes a key read
 * from stdin (so it stays out of shell history), or given as the argument.
 * @param {string[]} args
 */
export async function runHashKey(args) {
  if (args.includes("--new")) {
    const key = `tg-${randomBytes(24).toString("base64url")}`;
    console.log(`key:        ${key}\nkey_sha256: ${hashKey(key)}`);
    return 0;
  }
  const key = args.find((a) => !a.startsWith("-")) ?? (process.stdin.isTTY ? "" : await readStdin());
  if (!key) {
    console.error("usage: tracegate hash-key [--new] [key]   (or pipe the key in: echo -n $KEY | tracegate hash-key)");
    return 1;
  }
  console.log(hashKey(key));
  return 0;
}
