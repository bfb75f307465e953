import type { MessagesRequest } from "../formats/anthropic";

/**
 * OpenAI `reasoning_effort` -> Anthropic `thinking.budget_tokens` (docs/translation.md has this table). `none`
 * turns thinking off (nothing is sent); an effort newer than this table is `medium`'s budget.
 */
export const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 4096,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};

/** Anthropic's smallest thinking budget. */
const MIN_BUDGET = 1024;

/**
 * The thinking an OpenAI `reasoning_effort` asks of Claude, and the `max_tokens` to send with it. OpenAI counts
 * reasoning inside `max_completion_tokens`, Anthropic needs `budget_tokens < max_tokens`: the budget is cut to fit
 * the client's limit; a limit below the smallest budget (1,024) is raised by it, so the answer keeps its room. With
 * no client limit, the default limit is added to the budget.
 */
export function thinkingForEffort(
  effort: string | null | undefined,
  clientMaxTokens: number | undefined,
  defaultMaxTokens: number,
): { thinking: { type: "enabled"; budget_tokens: number }; maxTokens: number } | undefined {
  if (effort == null || effort === "none") return undefined;
  const wanted = THINKING_BUDGETS[effort] ?? (THINKING_BUDGETS.medium as number);
  if (clientMaxTokens === undefined) {
    return { thinking: { type: "enabled", budget_tokens: wanted }, maxTokens: wanted + defaultMaxTokens };
  }
  const budget = Math.min(wanted, clientMaxTokens - 1);
  if (budget >= MIN_BUDGET) return { thinking: { type: "enabled", budget_tokens: budget }, maxTokens: clientMaxTokens };
  return { thinking: { type: "enabled", budget_tokens: MIN_BUDGET }, maxTokens: MIN_BUDGET + clientMaxTokens };
}

/** Anthropic `output_config.effort` values -> OpenAI `reasoning_effort` (`max` has no OpenAI name: `high`). */
const EFFORTS: Readonly<Record<string, string>> = { low: "low", medium: "medium", high: "high", max: "high" };

/**
 * The OpenAI `reasoning_effort` an Anthropic request asks for: its `output_config.effort` when it names one, else
 * its thinking budget on the table above, read back: up to 4,096 `low`, up to 8,192 `medium`, more `high`.
 * Thinking disabled, adaptive or absent: none (the model's default).
 */
export function effortForThinking(req: MessagesRequest): string | undefined {
  const effort = req.output_config?.effort;
  if (typeof effort === "string" && EFFORTS[effort] !== undefined) return EFFORTS[effort];
  const thinking = req.thinking;
  if (thinking?.type !== "enabled" || typeof thinking.budget_tokens !== "number") return undefined;
  if (thinking.budget_tokens <= (THINKING_BUDGETS.low as number)) return "low";
  return thinking.budget_tokens <= (THINKING_BUDGETS.medium as number) ? "medium" : "high";
}
