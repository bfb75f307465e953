import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../scripts/free-port.mjs";

export interface DevServer {
  readonly url: string;
  /** Everything wrangler and the Worker printed (console.log / console.error included). */
  output(): string;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  /** The wrangler config to run, relative to the repo (`-c`); the deployed Worker's wrangler.toml when absent. */
  readonly config?: string;
}

/**
 * Starts `wrangler dev` for this repo on a free loopback port with the given bindings (`--var`), and waits until
 * `/healthz` answers. Each server gets its own persistence folder and inspector port so several can run at once.
 */
export async function startWranglerDev(vars: Record<string, string>, opts: WranglerDevOptions = {}): Promise<DevServer> {
  // Ports are picked free but can be taken by a parallel test before wrangler binds: try again on new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(vars, opts);
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

async function startOnce(vars: Record<string, string>, opts: WranglerDevOptions): Promise<DevServer> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "tracegate-dev-"));
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)];
  if (opts.config) args.push("--config", opts.config);
  args.push("--persist-to", persist, "--log-level", "log", "--show-interactive-dev-session=false");
  // Span exports start at once in tests (each waits for its request's spans), unless a test sets the pacing.
  const withDefaults = { OTEL_BSP_SCHEDULE_DELAY: "0", ...vars };
  for (const [key, value] of Object.entries(withDefaults)) args.push("--var", `${key}:${value}`);
  const child = spawn("npx", args, {
    cwd: process.cwd(),
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const stop = () => stopProcess(child).finally(() => rmSync(persist, { recursive: true, force: true }));
  let url: string;
  try {
    // The URL wrangler reports, not the one asked for: if another process took the port between freePort() and
    // the bind (tests run in parallel), wrangler listens elsewhere and says so.
    url = await waitForHealth(child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output: () => output, stop };
}

async function waitForHealth(child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output()}`);
    const url = /Ready on (http:\/\/[\w.:[\]-]+)/.exec(output())?.[1];
    try {
      if (url) {
        // /healthz answers JSON from tracegate itself (ok, or a config error): proof it is ours.
        const text = await (await fetch(`${url}/healthz`)).text();
        if (text.startsWith("{")) return url;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not answer within 60 s:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
