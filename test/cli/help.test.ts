import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const run = (args: string[]) => spawnSync(process.execPath, ["bin/tracegate.js", ...args], { encoding: "utf8" });

describe("tracegate --help", () => {
  it.each(["--help", "-h", "help", "trace --help", "stats -h", "traces --help", "hash-key -h"])(
    "`tracegate %s` prints the usage of every command and exits 0",
    (args) => {
      const result = run(args.split(" "));
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
      for (const command of ["traces", "trace", "stats", "hash-key"]) expect(result.stdout).toContain(`tracegate ${command} `);
    },
  );

  it("an unknown command exits 1 with the usage on stderr", () => {
    const result = run(["frobnicate"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain("tracegate trace ");
  });
});
