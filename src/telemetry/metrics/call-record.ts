import type { Attributes } from "@opentelemetry/api";
import { serverAttributesOf } from "../genai/request";
import type { TokenUsage } from "../genai/taps/shared";
import type { CallIdentity } from "../request-trace";
import type { AttributeValue } from "../sdk/span-data";
import {
  CLIENT_COST,
  OPERATION_DURATION,
  TIME_PER_OUTPUT_CHUNK,
  TIME_TO_FIRST_CHUNK,
  TOKEN_USAGE,
} from "./instruments";
import type { HistogramData, MetricStore } from "./store";

/** One model call once it has ended, as the metrics record it. */
export interface CallRecord {
  readonly identity: CallIdentity;
  /** Seconds from the request to the provider to the call's end. */
  readonly durationS: number;
  /** Seconds to the first chunk of a streamed answer; undefined when not streamed or none came. */
  readonly timeToFirstChunkS: number | undefined;
  /** The gaps between a stream's chunks after the first (seconds); undefined when not streamed. */
  readonly chunkGaps: HistogramData | undefined;
  readonly usage: TokenUsage;
  readonly responseModel: string | undefined;
  /** `error.type` when the call failed (an error, a cancel, or the provider's 4xx/5xx status). */
  readonly errorType: string | undefined;
  /** What the call cost in USD, when it could be priced; undefined: unknown (never recorded as 0). */
  readonly costUsd?: number | undefined;
}

type MutableAttributes = Record<string, AttributeValue>;

/**
 * The call's metric attributes (gen-ai-metrics.md): operation, provider, request model, server address/port, the
 * response model when known, and the client's name when configured; `error.type` only on the durations.
 */
function baseAttributes(record: CallRecord, client: string | undefined): MutableAttributes {
  const attrs: MutableAttributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": record.identity.provider,
    "gen_ai.request.model": record.identity.model,
  };
  const server: Attributes = serverAttributesOf(record.identity.url);
  const address = server["server.address"];
  const port = server["server.port"];
  if (typeof address === "string") attrs["server.address"] = address;
  if (typeof port === "number") attrs["server.port"] = port;
  if (record.responseModel !== undefined) attrs["gen_ai.response.model"] = record.responseModel;
  if (client !== undefined) attrs["tracegate.client.name"] = client;
  return attrs;
}

/** Records one ended call: durations, token usage by type, chunk timings, cost. `client` only when configured. */
export function recordCall(store: MetricStore, record: CallRecord, client: string | undefined): void {
  const { identity, responseModel, errorType, usage } = record;
  // Attribute values joined: the series key, computed once for all instruments. Attribute objects are built only
  // for a series seen for the first time (most calls add to existing series).
  const key = `${identity.provider}\u0000${identity.model}\u0000${identity.url}\u0000${responseModel ?? ""}\u0000${client ?? ""}`;
  let base: MutableAttributes | undefined;
  const baseOf = () => (base ??= baseAttributes(record, client));
  const failed = errorType === undefined ? baseOf : () => ({ ...baseOf(), "error.type": errorType });
  const failedKey = errorType === undefined ? key : `${key}\u0000${errorType}`;
  store.record(OPERATION_DURATION, failedKey, failed, record.durationS);
  if (record.timeToFirstChunkS !== undefined) store.record(TIME_TO_FIRST_CHUNK, failedKey, failed, record.timeToFirstChunkS);
  if (record.chunkGaps) store.merge(TIME_PER_OUTPUT_CHUNK, failedKey, failed, record.chunkGaps);
  if (usage.input !== undefined) {
    store.record(TOKEN_USAGE, `${key}\u0000input`, () => ({ ...baseOf(), "gen_ai.token.type": "input" }), usage.input);
  }
  if (usage.output !== undefined) {
    store.record(TOKEN_USAGE, `${key}\u0000output`, () => ({ ...baseOf(), "gen_ai.token.type": "output" }), usage.output);
  }
  if (record.costUsd !== undefined) store.record(CLIENT_COST, key, baseOf, record.costUsd);
}
