import { geminiWire, vertexWire } from "./gemini/adapter";
import { bedrockWire } from "./bedrock/wire";
import type { WireName } from "./known";
import { mockWire } from "./mock";
import type { WireAdapter } from "./wire";
import { workersAiWire } from "./workers-ai/adapter";

/** The wire adapter behind each provider whose API is not one of the interfaces (`ProviderConfig.wire`). */
export const WIRE_ADAPTERS: Readonly<Record<WireName, WireAdapter>> = {
  mock: mockWire,
  gemini: geminiWire,
  vertex: vertexWire,
  workers_ai: workersAiWire,
  bedrock: bedrockWire,
};
