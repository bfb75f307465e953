import type { TestProject } from "vitest/node";
import { startNativeProviders } from "../../e2e/harness/native-providers";
import { startOtlpReceiver } from "../../e2e/harness/otlp-receiver";
import { startMockBedrock } from "../../fixtures/bedrock/mock-bedrock";
import "./context";
import { startScriptedProvider } from "./scripted-provider";

/**
 * Global setup of the worker project (runs on Node): the things outside the gateway that worker tests talk to, as
 * real servers on loopback. Tests in workerd reach them by the URLs provided here (see context.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const collector = await startOtlpReceiver();
  const provider = await startScriptedProvider(collector);
  project.provide("loopbackProvider", provider.url);
  project.provide("loopbackCollector", collector.url);
  const native = await startNativeProviders();
  project.provide("loopbackNative", native.url);
  const bedrock = await startMockBedrock();
  project.provide("loopbackBedrock", bedrock.url);
  return async () => {
    await native.close();
    await bedrock.close();
    await provider.close();
    await collector.close();
  };
}
