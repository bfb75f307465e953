import type { Attributes } from "@opentelemetry/api";
import { isRecord } from "../../../formats/check";
import { field, int, nonEmpty, str, type JsonRecord } from "../read";
import { baseAttributes, type TokenUsage } from "../tap-shared";

/**
 * The response tap for OpenAI's Responses API (a native pass-through; see responseTap in response.ts). A streamed
 * response states itself whole in its response.created and final (response.completed / incomplete / failed)
 * events, so those are read as a non-streamed answer is. The finish reason is the response's own word: the
 * `incomplete_details.reason` of an incomplete response (`max_output_tokens`, `content_filter`), else its `status`.
 * Output content is not captured for this API.
 */
export class ResponsesTap {
  private id: string | undefined;
  private model: string | undefined;
  private finish: string | undefined;
  private lastUsage: JsonRecord | undefined;
  private serviceTier: string | undefined;

  observeEvent(data: unknown): void {
    const response = field(data, "response");
    if (response !== undefined) this.observeResponse(response);
  }

  observeResponse(json: unknown): void {
    if (!isRecord(json)) return;
    this.id ??= nonEmpty(json.id);
    this.model ??= nonEmpty(json.model);
    const status = str(json.status);
    if (status !== undefined && status !== "in_progress" && status !== "queued") {
      this.finish = nonEmpty(field(json.incomplete_details, "reason")) ?? status;
    }
    const tier = nonEmpty(json.service_tier);
    if (tier !== undefined) this.serviceTier = tier;
    if (isRecord(json.usage)) this.lastUsage = json.usage;
  }

  responseModel(): string | undefined {
    return this.model;
  }

  usage(): TokenUsage {
    const u = this.lastUsage;
    if (u === undefined) return {};
    return {
      input: int(u.input_tokens),
      output: int(u.output_tokens),
      cacheRead: int(field(u.input_tokens_details, "cached_tokens")),
      reasoning: int(field(u.output_tokens_details, "reasoning_tokens")),
    };
  }

  attributes(): Attributes {
    // A response that was seen but never finished (cut off, cancelled) is reported as `error`, as the spec asks.
    const finish = this.id === undefined ? [] : [this.finish ?? "error"];
    const attrs = baseAttributes(this.id, this.model, finish, this.usage());
    if (this.serviceTier !== undefined) attrs["openai.response.service_tier"] = this.serviceTier;
    return attrs;
  }
}
