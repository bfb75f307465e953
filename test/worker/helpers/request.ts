import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../../src/app";

/**
 * Sends a request through the Worker's app as the runtime would: with `env` and a fresh execution context. Resolves
 * once the response body has been read to its end and every `waitUntil` task (span export, rate-limit token
 * counting) has settled, so what the request left behind can be checked right away. The body is read here because
 * a stream's spans end only with its last chunk; the returned Response holds the same status, headers and bytes.
 */
export async function requestApp(path: string, init: RequestInit = {}, env: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(new URL(path, "http://localhost"), init), env, ctx);
  const body = res.body === null ? null : await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
