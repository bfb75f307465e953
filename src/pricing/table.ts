/**
 * The bundled price table: USD per million tokens, standard (non-batch) tier, base context tier, as published on
 * 2026-11-30 (checked that day; a price that changes later needs this file updated, or a `pricing:` override).
 * Sources: platform.claude.com/docs/en/about-claude/pricing, platform.openai.com/docs/pricing,
 * ai.google.dev/gemini-api/docs/pricing, api-docs.deepseek.com/quick_start/pricing, docs.x.ai/developers/pricing,
 * groq.com/pricing, mistral.ai/pricing, together.ai/pricing.
 *
 * A row: model names (space-separated, lower case, dated snapshots left out: see match.ts), then
 * [input, output, cache read, cache write]. A missing cache read/write price is the input price (the provider has
 * no discount, or charges nothing extra for writes). Reasoning tokens are output tokens at the output price: no
 * provider here prices them separately (a `pricing:` override may, see price.ts). Anthropic's cache write is the 5-minute rate. Not modelled: long-context
 * tiers (Gemini Pro and GPT-5.x over 200K/270K input tokens, Claude Haiku 5.5 over 100K), batch, priority and
 * regional surcharges.
 */
type Row = readonly [names: string, input: number, output: number, cacheRead?: number, cacheWrite?: number];

/** By `gen_ai.provider.name` (providers/known.ts). */
export const PRICE_ROWS: Readonly<Record<string, readonly Row[]>> = {
  openai: [
    ["gpt-5.5", 5, 30, 0.5],
    ["gpt-5.5-pro gpt-5.4-pro", 30, 180],
    ["gpt-5.4", 2.5, 15, 0.25],
    ["gpt-5.4-mini", 0.75, 4.5, 0.075],
    ["gpt-5.4-nano", 0.2, 1.25, 0.02],
    ["gpt-5 gpt-5.1 gpt-5-chat gpt-5.1-chat", 1.25, 10, 0.125],
    ["gpt-5-mini", 0.25, 2, 0.025],
    ["gpt-5-nano", 0.05, 0.4, 0.005],
    ["gpt-4.1", 2, 8, 0.5],
    ["gpt-4.1-mini", 0.4, 1.6, 0.1],
    ["gpt-4.1-nano", 0.1, 0.4, 0.025],
    ["gpt-4o chatgpt-4o", 2.5, 10, 1.25],
    ["gpt-4o-mini", 0.15, 0.6, 0.075],
    ["o3", 2, 8, 0.5],
    ["o4-mini", 1.1, 4.4, 0.275],
    ["o3-mini o1-mini", 1.1, 4.4, 0.55],
    ["o1", 15, 60, 7.5],
  ],
  anthropic: [
    ["claude-fable-5-1 claude-mythos-5-1", 10, 50, 0.25, 12.5],
    ["claude-fable-5 claude-mythos-5", 10, 50, 1, 12.5],
    ["claude-opus-5 claude-opus-4-8 claude-opus-4-7 claude-opus-4-6 claude-opus-4-5", 5, 25, 0.5, 6.25],
    ["claude-opus-4-1 claude-opus-4 claude-opus-4-0 claude-3-opus", 15, 75, 1.5, 18.75],
    ["claude-sonnet-5-5", 2, 10, 0.1, 2.5],
    ["claude-sonnet-5", 2, 10, 0.2, 2.5],
    ["claude-sonnet-4-6 claude-sonnet-4-5 claude-sonnet-4 claude-sonnet-4-0 claude-3-7-sonnet", 3, 15, 0.3, 3.75],
    ["claude-haiku-5-5", 0.1, 0.5, 0.01, 0.125],
    ["claude-haiku-4-5", 1, 5, 0.1, 1.25],
    ["claude-3-5-haiku", 0.8, 4, 0.08, 1],
    ["claude-3-haiku", 0.25, 1.25, 0.03, 0.3],
  ],
  "gcp.gemini": [
    ["gemini-3.5-flash", 1.5, 9, 0.15],
    ["gemini-3.1-pro gemini-3.1-pro-preview gemini-3-pro-preview", 2, 12, 0.2],
    ["gemini-3-flash gemini-3-flash-preview", 0.5, 3, 0.05],
    ["gemini-3.1-flash-lite", 0.25, 1.5, 0.025],
    ["gemini-2.5-pro", 1.25, 10, 0.125],
    ["gemini-2.5-flash", 0.3, 2.5, 0.03],
    ["gemini-2.5-flash-lite gemini-2.0-flash", 0.1, 0.4, 0.01],
  ],
  deepseek: [["deepseek-chat deepseek-reasoner", 0.28, 0.42, 0.028]],
  x_ai: [
    ["grok-4.3 grok-4.20-0309-reasoning grok-4.20-0309-non-reasoning grok-4.20-multi-agent-0309", 1.25, 2.5, 0.2],
    ["grok-4-1-fast-reasoning grok-4-1-fast-non-reasoning grok-4-fast-reasoning grok-4-fast-non-reasoning", 0.2, 0.5, 0.05],
    ["grok-4 grok-4-0709 grok-3", 3, 15, 0.75],
    ["grok-3-mini", 0.3, 0.5, 0.075],
  ],
  groq: [
    ["openai/gpt-oss-120b", 0.15, 0.6, 0.075],
    ["openai/gpt-oss-20b", 0.075, 0.3, 0.0375],
    ["llama-3.3-70b-versatile", 0.59, 0.79],
    ["llama-3.1-8b-instant", 0.05, 0.08],
  ],
  mistral_ai: [
    ["mistral-large", 0.5, 1.5],
    ["mistral-small", 0.1, 0.3],
    ["codestral", 0.3, 0.9],
    ["magistral-medium", 2, 5],
  ],
  together_ai: [
    ["meta-llama/llama-3.3-70b-instruct-turbo", 0.88, 0.88],
    ["deepseek-ai/deepseek-v3", 1.25, 1.25],
    ["openai/gpt-oss-120b", 0.15, 0.6],
  ],
};
