import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/keys";

const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ["bin/tracegate.js", "hash-key", ...args], { input, encoding: "utf8" });

describe("tracegate hash-key", () => {
  it("prints the same SHA-256 the gateway compares against, from stdin or an argument", async () => {
    const expected = await sha256Hex("tg-my-client-key");
    expect(run([], "tg-my-client-key\n").stdout.trim()).toBe(expected);
    expect(run(["tg-my-client-key"]).stdout.trim()).toBe(expected);
  });

  it("--new makes a random key with its hash", async () => {
    const out = run(["--new"]).stdout;
    const key = /key:\s+(\S+)/.exec(out)?.[1] ?? "";
    const hash = /key_sha256:\s+([0-9a-f]{64})/.exec(out)?.[1];
    expect(key).toMatch(/^tg-[\w-]{32}$/);
    expect(hash).toBe(await sha256Hex(key));
  });
});
