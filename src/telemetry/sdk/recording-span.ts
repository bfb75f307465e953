import {
  SpanStatusCode,
  type Attributes,
  type AttributeValue as ApiAttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from "@opentelemetry/api";
import type { AttributeValue, SpanData, SpanEventData } from "./span-data";

/** Receives spans as they start and end (the request's recorder). */
export interface SpanSink {
  started(): void;
  ended(span: SpanData): void;
}

export interface SpanInit {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanId: string | undefined;
  readonly parentIsRemote: boolean | undefined;
  readonly attributes: Attributes;
  readonly startTime: TimeInput | undefined;
}

const MAX_EVENTS = 32;

/** Time as Unix nanoseconds. Workers advance the clock only across I/O, which is what spans measure. */
export function toNanos(time?: TimeInput): bigint {
  if (time === undefined) return BigInt(Date.now()) * 1_000_000n;
  if (time instanceof Date) return BigInt(time.getTime()) * 1_000_000n;
  if (Array.isArray(time)) return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
  // The API's numbers are milliseconds: epoch-based, or performance.now()-based when small.
  const ms = typeof time === "number" && time < 1e12 ? performance.timeOrigin + time : Number(time);
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

/** API attribute values may hold null/undefined in arrays; OTLP wants homogeneous arrays. */
function clean(value: ApiAttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return value as AttributeValue;
  const items = value.filter((v) => v !== null && v !== undefined);
  return items as AttributeValue;
}

export class RecordingSpan implements Span {
  private name: string;
  private readonly attributes: Record<string, AttributeValue> = {};
  private readonly events: SpanEventData[] = [];
  private status: { code: 0 | 1 | 2; message?: string } = { code: 0 };
  private readonly startNanos: bigint;
  private ended = false;

  constructor(
    private readonly sink: SpanSink,
    private readonly context: SpanContext,
    private readonly init: SpanInit,
  ) {
    this.name = init.name;
    this.startNanos = toNanos(init.startTime);
    this.setAttributes(init.attributes);
    sink.started();
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: ApiAttributeValue): this {
    const v = clean(value);
    if (!this.ended && v !== undefined) this.attributes[key] = v;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended || this.events.length >= MAX_EVENTS) return this;
    const isTime =
      typeof attributesOrTime === "number" || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const attributes: Record<string, AttributeValue> = {};
    if (!isTime && attributesOrTime) {
      for (const [key, value] of Object.entries(attributesOrTime)) {
        const v = clean(value as ApiAttributeValue);
        if (v !== undefined) attributes[key] = v;
      }
    }
    this.events.push({ name, timeUnixNano: toNanos(isTime ? (attributesOrTime as TimeInput) : time), attributes });
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended) return this;
    // OK is final; UNSET never overrides (per the API's rules).
    if (this.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    this.status = status.code === SpanStatusCode.ERROR ? { code: 2, message: status.message ?? "" } : { code: 1 };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes =
      typeof exception === "string"
        ? { "exception.message": exception }
        : { "exception.type": exception.name ?? "Error", "exception.message": exception.message ?? "" };
    this.addEvent("exception", attributes, time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    const endNanos = toNanos(endTime);
    this.sink.ended({
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      parentSpanId: this.init.parentSpanId,
      traceState: this.context.traceState?.serialize() || undefined,
      flags: this.context.traceFlags & 0xff,
      parentIsRemote: this.init.parentIsRemote,
      name: this.name,
      kind: (this.init.kind + 1) as SpanData["kind"],
      startTimeUnixNano: this.startNanos,
      endTimeUnixNano: endNanos < this.startNanos ? this.startNanos : endNanos,
      attributes: this.attributes,
      events: this.events,
      status: this.status,
    });
  }
}
