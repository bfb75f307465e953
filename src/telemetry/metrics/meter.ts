import { costOf } from "../call-cost";
import { failureOf } from "../call-span";
import type { CallIdentity, CallOutcome, CallPricing, ClientCall, RequestTrace, ResponseObserver } from "../request-trace";
import { GATEWAY_SCOPE } from "../version";
import { recordCall, type CallRecord } from "./call-record";
import { MetricsExportLoop } from "./export";
import { GENAI_SECONDS } from "./instruments";
import { emptyHistogram, MetricStore, observe, type HistogramData } from "./store";

// Isolate-level, deliberately: what this isolate's requests recorded since the last export (bounded by the store's
// cardinality cap), and the one export loop that drains it (at most one export pending or in flight).
export const isolateMetricStore = new MetricStore();
export const isolateMetricsLoop = new MetricsExportLoop(isolateMetricStore, GATEWAY_SCOPE);

/** A request's model calls summed up, for its Analytics Engine data point. */
export interface RequestTotals {
  inputTokens: number;
  outputTokens: number;
  /** USD over the priced calls; undefined when no call could be priced. */
  costUsd: number | undefined;
  provider: string | undefined;
  /** The last call's response model, else its request model. */
  model: string | undefined;
  /** The last streamed call's time to first chunk (ms). */
  firstChunkMs: number | undefined;
}

/** One model call being measured: times its chunks, and records it when it ends. */
class CallMeter {
  private readonly start = Date.now();
  private firstAt: number | undefined;
  private lastAt: number | undefined;
  private gaps: HistogramData | undefined;

  constructor(
    private readonly meter: RequestMeter,
    private readonly identity: CallIdentity,
  ) {}

  firstChunk(): void {
    this.firstAt ??= Date.now();
  }

  chunk(): void {
    const now = Date.now();
    if (this.lastAt !== undefined) observe((this.gaps ??= emptyHistogram(GENAI_SECONDS)), GENAI_SECONDS, (now - this.lastAt) / 1000);
    this.lastAt = now;
  }

  end(outcome: CallOutcome, observer: ResponseObserver | undefined, pricing: CallPricing | undefined): void {
    const usage = observer?.usage() ?? {};
    const responseModel = observer?.responseModel();
    // Unknown (undefined, never 0) when the provider reported no usage or the model has no price.
    const priced = pricing !== undefined && (usage.input !== undefined || usage.output !== undefined);
    const ttfc = this.firstAt === undefined ? undefined : (this.firstAt - this.start) / 1000;
    const record = {
      identity: this.identity,
      durationS: (Date.now() - this.start) / 1000,
      timeToFirstChunkS: ttfc,
      chunkGaps: this.lastAt === undefined ? undefined : (this.gaps ?? emptyHistogram(GENAI_SECONDS)),
      usage,
      responseModel,
      errorType: failureOf(outcome)?.type,
      costUsd: priced ? costOf(usage, responseModel, pricing) : undefined,
    };
    this.meter.ended(record.costUsd, usage.input, usage.output, ttfc);
    const totals = this.meter.totals;
    totals.provider = this.identity.provider;
    totals.model = responseModel ?? this.identity.model;
    this.meter.record(record);
  }
}

/**
 * One request's metrics: its calls' measurements go to the isolate store as each call ends; `idle()` resolves once
 * no call (or hold) is open, when the request's own duration is known.
 */
export class RequestMeter {
  readonly totals: RequestTotals = {
    inputTokens: 0,
    outputTokens: 0,
    costUsd: undefined,
    provider: undefined,
    model: undefined,
    firstChunkMs: undefined,
  };
  readonly startMs = Date.now();
  private open = 0;
  private wake: (() => void) | undefined;

  /**
   * @param store where calls are recorded; undefined when only the Analytics Engine point is written
   * @param client the client's name on the GenAI metrics; undefined unless `client_attribute` is on
   */
  constructor(
    private readonly store: MetricStore | undefined,
    private readonly client: string | undefined,
  ) {}

  startCall(identity: CallIdentity): CallMeter {
    this.open++;
    return new CallMeter(this, identity);
  }

  /** Keeps the request open (a committed stream's later attempts) until the returned function is called. */
  hold(): () => void {
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.close();
    };
  }

  /** Resolves once no call or hold is open. */
  idle(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** @internal CallMeter's report of its end. */
  ended(costUsd: number | undefined, input: number | undefined, output: number | undefined, ttfcS: number | undefined): void {
    const t = this.totals;
    t.inputTokens += input ?? 0;
    t.outputTokens += output ?? 0;
    if (costUsd !== undefined) t.costUsd = (t.costUsd ?? 0) + costUsd;
    if (ttfcS !== undefined) t.firstChunkMs = ttfcS * 1000;
  }

  /** @internal */
  record(record: CallRecord): void {
    if (this.store) recordCall(this.store, record, this.client);
    this.close();
  }

  private close(): void {
    if (--this.open > 0) return;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * `trace` with every model call also measured by `meter`: what the tracing middleware hands to exchange/ when
 * metrics are on, whether `trace` records spans, is unsampled, or tracing is off.
 */
export function meteredTrace(trace: RequestTrace, meter: RequestMeter): RequestTrace {
  return {
    ...trace,
    metering: true,
    hold() {
      const releaseTrace = trace.hold();
      const releaseMeter = meter.hold();
      return () => {
        releaseTrace();
        releaseMeter();
      };
    },
    startCall(init): ClientCall {
      const call = trace.startCall(init);
      if (!init.identity) return call;
      const measured = meter.startCall(init.identity);
      return {
        headers: call.headers,
        responded: (status) => call.responded(status),
        firstChunk() {
          call.firstChunk();
          measured.firstChunk();
        },
        chunk() {
          call.chunk();
          measured.chunk();
        },
        end(outcome) {
          call.end(outcome);
          measured.end(outcome, init.observer, init.pricing);
        },
      };
    },
  };
}
