import type { Attributes } from "@opentelemetry/api";
import { openaiOutputMessage, type OutputMessage } from "../content";
import { isRecord } from "../../../formats/check";
import { arr, field, int, nonEmpty, str, type JsonRecord } from "../read";
import { baseAttributes, MAX_CHOICES, validIndex, type TokenUsage } from "./shared";

/** One streamed choice, rebuilt from its deltas (capture only). */
interface ChoiceAcc {
  content: string;
  reasoning: string;
  refusal: string;
  tools: ({ id?: string; name?: string; args: string } | undefined)[];
}

/** The response tap for the OpenAI Chat Completions interface (see responseTap in response.ts). */
export class OpenAITap {
  private id: string | undefined;
  private model: string | undefined;
  /** Finish reason per choice index; the array length is the number of choices seen. */
  private readonly finish: (string | undefined)[] = [];
  private lastUsage: JsonRecord | undefined;
  /** openai.response.service_tier / openai.response.system_fingerprint, as the answer states them. */
  private serviceTier: string | undefined;
  private fingerprint: string | undefined;
  /** Non-streamed: each choice's `message`. Streamed: the deltas' accumulators. Capture only. */
  private readonly messages: unknown[] = [];
  private readonly accs: (ChoiceAcc | undefined)[] = [];

  constructor(private readonly capture: boolean) {}

  observeEvent(data: unknown): void {
    this.observe(data, true);
  }

  observeResponse(json: unknown): void {
    this.observe(json, false);
  }

  private observe(data: unknown, streamed: boolean): void {
    if (!isRecord(data)) return;
    this.id ??= nonEmpty(data.id);
    this.model ??= nonEmpty(data.model);
    this.serviceTier ??= nonEmpty(data.service_tier);
    this.fingerprint ??= nonEmpty(data.system_fingerprint);
    const choices = arr(data.choices);
    if (choices !== undefined) {
      for (let n = 0; n < choices.length; n++) {
        const choice = choices[n];
        if (!isRecord(choice)) continue;
        const i = validIndex(choice.index, n, MAX_CHOICES);
        if (i === undefined) continue;
        while (this.finish.length <= i) this.finish.push(undefined);
        const reason = nonEmpty(choice.finish_reason);
        if (reason !== undefined) this.finish[i] = reason;
        if (!this.capture) continue;
        if (streamed) this.accumulate(i, choice.delta);
        else this.messages[i] = choice.message;
      }
    }
    if (isRecord(data.usage)) this.lastUsage = data.usage;
  }

  private accumulate(i: number, delta: unknown): void {
    if (!isRecord(delta)) return;
    let acc = this.accs[i];
    if (acc === undefined) {
      acc = { content: "", reasoning: "", refusal: "", tools: [] };
      while (this.accs.length < i) this.accs.push(undefined);
      this.accs[i] = acc;
    }
    if (typeof delta.content === "string") acc.content += delta.content;
    if (typeof delta.reasoning_content === "string") acc.reasoning += delta.reasoning_content;
    if (typeof delta.refusal === "string") acc.refusal += delta.refusal;
    const calls = arr(delta.tool_calls);
    if (calls === undefined) return;
    for (let n = 0; n < calls.length; n++) {
      const call = calls[n];
      if (!isRecord(call)) continue;
      const t = validIndex(call.index, n, MAX_CHOICES);
      if (t === undefined) continue;
      while (acc.tools.length < t) acc.tools.push(undefined);
      const tool = (acc.tools[t] ??= { args: "" });
      tool.id ??= nonEmpty(call.id);
      const fn = call.function;
      // The name arrives whole in the first fragment; some servers repeat it, so the first one wins.
      tool.name ??= nonEmpty(field(fn, "name"));
      const args = str(field(fn, "arguments"));
      if (args !== undefined) tool.args += args;
    }
  }

  private finishReasons(): string[] {
    return this.finish.map((reason) => reason ?? "error");
  }

  responseModel(): string | undefined {
    return this.model;
  }

  usage(): TokenUsage {
    const u = this.lastUsage;
    if (u === undefined) return {};
    const prompt = u.prompt_tokens_details;
    return {
      input: int(u.prompt_tokens),
      output: int(u.completion_tokens),
      cacheRead: int(field(prompt, "cached_tokens")) ?? int(u.prompt_cache_hit_tokens),
      cacheCreation: int(field(prompt, "cache_write_tokens")),
      reasoning: int(field(u.completion_tokens_details, "reasoning_tokens")),
    };
  }

  attributes(captureContent: boolean): Attributes {
    const finish = this.finishReasons();
    const attrs = baseAttributes(this.id, this.model, finish, this.usage());
    if (this.serviceTier !== undefined) attrs["openai.response.service_tier"] = this.serviceTier;
    if (this.fingerprint !== undefined) attrs["openai.response.system_fingerprint"] = this.fingerprint;
    if (captureContent && this.capture && finish.length > 0) {
      const out: OutputMessage[] = finish.map((reason, i) =>
        openaiOutputMessage(this.messages[i] ?? rebuildMessage(this.accs[i]), reason),
      );
      attrs["gen_ai.output.messages"] = JSON.stringify(out);
    }
    return attrs;
  }
}

/** A streamed choice as the `message` a non-streamed response would have carried. */
function rebuildMessage(acc: ChoiceAcc | undefined): JsonRecord {
  if (acc === undefined) return { role: "assistant", content: null };
  const toolCalls = acc.tools
    .filter((t) => t !== undefined)
    .map((t) => ({ id: t.id, type: "function", function: { name: t.name ?? "", arguments: t.args } }));
  return {
    role: "assistant",
    content: acc.content,
    reasoning_content: acc.reasoning,
    refusal: acc.refusal,
    tool_calls: toolCalls,
  };
}
