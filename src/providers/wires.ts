import type { WireName } from "./known";
import { mockWire } from "./mock";
import type { WireAdapter } from "./wire";

/** The wire adapter behind each provider whose API is not one of the interfaces (`ProviderConfig.wire`). */
export const WIRE_ADAPTERS: Readonly<Record<WireName, WireAdapter>> = {
  mock: mockWire,
};
