import type { TestProject } from "vitest/node";
import { startOtlpReceiver } from "../e2e/harness/otlp-receiver";

declare module "vitest" {
  export interface ProvidedContext {
    /** OTLP/HTTP JSON traces endpoint of a real receiver on loopback, for tests that turn tracing on. */
    collectorUrl: string;
  }
}

/**
 * Worker tests that turn tracing on export their spans here: a real OTLP/HTTP receiver on loopback, running in Node
 * for the whole run. It answers at once, so a test that waits for its request's `waitUntil` work (the export
 * included) does not wait out retries against a closed port.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startOtlpReceiver();
  project.provide("collectorUrl", `${receiver.url}/v1/traces`);
  return () => receiver.close();
}
