/** The API a provider speaks. `mock` is tracegate's built-in provider, answering in the OpenAI format. */
export type ProviderInterface = "openai" | "anthropic";

/**
 * Providers reached through a wire adapter (`providers/wire.ts`) rather than over their interface directly. `mock`
 * is the built-in provider, served inside the Worker.
 */
export type WireName = "mock";

/**
 * The API of one provider call: the provider's interface, or OpenAI's Responses API when a
 * provider that serves it (`responses: true`) gets a Responses request passed through.
 */
export type CallApi = ProviderInterface | "responses";

export interface KnownProvider {
  readonly interface: ProviderInterface;
  /** Default base URL including the API prefix; undefined when the provider has no public endpoint. */
  readonly baseUrl: string | undefined;
  /** `gen_ai.provider.name` per the OpenTelemetry GenAI conventions. */
  readonly otelName: string;
  /**
   * The provider's own API behind the OpenAI interface (`providers/wire.ts`; the adapter is in `providers/wires.ts`),
   * or undefined when it speaks `interface` on the wire itself.
   */
  readonly wire?: WireName;
  /** Serves OpenAI's `POST /embeddings` under its base URL. */
  readonly embeddings?: true;
  /**
   * Serves OpenAI's Responses API (`/responses`) itself and keeps its state (`store`, `previous_response_id`):
   * `/v1/responses` passes through to it; other providers get it translated to their chat interface.
   */
  readonly responses?: boolean;
}

/** Providers tracegate knows by name: `model: groq/llama-3.1-8b-instant` needs no `base_url`. */
export const KNOWN_PROVIDERS: Readonly<Record<string, KnownProvider>> = {
  openai: { interface: "openai", baseUrl: "https://api.openai.com/v1", otelName: "openai", embeddings: true, responses: true },
  anthropic: { interface: "anthropic", baseUrl: "https://api.anthropic.com/v1", otelName: "anthropic" },
  groq: { interface: "openai", baseUrl: "https://api.groq.com/openai/v1", otelName: "groq" },
  mistral: { interface: "openai", baseUrl: "https://api.mistral.ai/v1", otelName: "mistral_ai", embeddings: true },
  deepseek: { interface: "openai", baseUrl: "https://api.deepseek.com/v1", otelName: "deepseek" },
  together: { interface: "openai", baseUrl: "https://api.together.xyz/v1", otelName: "together_ai", embeddings: true },
  xai: { interface: "openai", baseUrl: "https://api.x.ai/v1", otelName: "x_ai", responses: true },
  openrouter: { interface: "openai", baseUrl: "https://openrouter.ai/api/v1", otelName: "openrouter" },
  gemini: {
    interface: "openai",
    baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai",
    otelName: "gcp.gemini",
    embeddings: true,
  },
  ollama: { interface: "openai", baseUrl: undefined, otelName: "ollama", embeddings: true },
  mock: { interface: "openai", baseUrl: "http://mock.tracegate.invalid/v1", otelName: "tracegate.mock", embeddings: true, wire: "mock" },
};
