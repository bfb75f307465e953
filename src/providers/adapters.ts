import type { ProviderInterface } from "./known";

/** What differs between provider API interfaces on the wire, declared as data. */
export interface InterfaceAdapter {
  /** Appended to the provider's base URL. */
  readonly path: string;
  /** Headers carrying the provider key. */
  authHeaders(key: string): Record<string, string>;
  /** Headers the interface always needs. */
  readonly fixedHeaders: Readonly<Record<string, string>>;
  /** Client headers forwarded as they are when the client speaks this interface too. */
  readonly forwardedClientHeaders: readonly string[];
}

export const ADAPTERS: Readonly<Record<ProviderInterface, InterfaceAdapter>> = {
  openai: {
    path: "/chat/completions",
    authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
    fixedHeaders: {},
    forwardedClientHeaders: ["openai-organization", "openai-project"],
  },
  anthropic: {
    path: "/messages",
    authHeaders: (key) => ({ "x-api-key": key }),
    fixedHeaders: { "anthropic-version": "2023-06-01" },
    forwardedClientHeaders: ["anthropic-version", "anthropic-beta"],
  },
};
