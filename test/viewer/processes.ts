import { spawn, type ChildProcess } from "node:child_process";

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output contains `text`; rejects on exit or after `ms`. */
  waitFor(text: string, ms?: number): Promise<void>;
  /** SIGTERM to the process (not its group: the script under test must stop its own children), SIGKILL after 10 s. */
  stop(): Promise<number | null>;
}

/** Runs `node <args>` in the repo, in its own process group, collecting stdout + stderr. */
export function runNode(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: { ...process.env, NO_COLOR: "1", CI: "true", WRANGLER_SEND_METRICS: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    async waitFor(text, ms = 90_000) {
      const deadline = Date.now() + ms;
      while (!out.includes(text)) {
        if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before "${text}":\n${out}`);
        if (Date.now() > deadline) throw new Error(`no "${text}" within ${ms} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const pid = child.pid ?? 0;
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // gone
        }
      }, 10_000);
      child.kill("SIGTERM");
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs `node <args>` to completion; resolves with its exit code and output. */
export function runToEnd(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
