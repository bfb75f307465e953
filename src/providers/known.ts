/** The API a provider speaks. `mock` is tracegate's built-in provider, answering in the OpenAI format. */
export type ProviderInterface = "openai" | "anthropic";

/**
 * Providers reached through a wire adapter (`providers/wire.ts`) rather than over their interface directly. `mock`
 * is the built-in provider, served inside the Worker.
 */
export type WireName = "mock" | "gemini" | "vertex" | "workers_ai" | "bedrock";

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
  // Plano's other OpenAI-compatible providers; the conventions name none of them, so the provider's own name.
  moonshotai: { interface: "openai", baseUrl: "https://api.moonshot.ai/v1", otelName: "moonshotai" },
  zhipu: { interface: "openai", baseUrl: "https://open.bigmodel.cn/api/paas/v4", otelName: "zhipu" },
  qwen: { interface: "openai", baseUrl: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", otelName: "qwen" },
  xiaomi: { interface: "openai", baseUrl: "https://api.xiaomimimo.com/v1", otelName: "xiaomi" },
  digitalocean: { interface: "openai", baseUrl: "https://inference.do-ai.run/v1", otelName: "digitalocean" },
  vercel: { interface: "openai", baseUrl: "https://ai-gateway.vercel.sh/v1", otelName: "vercel" },
  edenai: { interface: "openai", baseUrl: "https://api.edenai.run/v3", otelName: "edenai" },
  // OpenAI on the wire at a deployment-scoped URL with an `api-key` header (config/validate-azure.ts).
  azure_openai: { interface: "openai", baseUrl: undefined, otelName: "azure.ai.openai", embeddings: true },
  // Gemini's own API (generateContent), where `gemini/` is its OpenAI-compatible endpoint.
  google: { interface: "openai", baseUrl: "https://generativelanguage.googleapis.com/v1beta", otelName: "gcp.gemini", wire: "gemini" },
  // The same wire on Vertex AI; the base URL follows `vertex.location` (config/validate-vertex.ts).
  vertex_ai: { interface: "openai", baseUrl: undefined, otelName: "gcp.vertex_ai", wire: "vertex" },
  // Cloudflare's models through the Worker's `AI` binding: no network address of its own.
  workers_ai: { interface: "openai", baseUrl: "https://workers-ai.binding.invalid", otelName: "cloudflare.workers_ai", wire: "workers_ai" },
  // Converse / ConverseStream; the base URL is per region (config/validate-bedrock.ts).
  amazon_bedrock: { interface: "openai", baseUrl: undefined, otelName: "aws.bedrock", wire: "bedrock" },
  mock: { interface: "openai", baseUrl: "http://mock.tracegate.invalid/v1", otelName: "tracegate.mock", embeddings: true, wire: "mock" },
};
