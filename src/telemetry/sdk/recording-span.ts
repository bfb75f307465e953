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
import { limitName, limitValue, type SpanLimits } from "./limits";
import type { TelemetryLosses } from "./losses";
import type { AttributeValue, Scope, SpanData, SpanEventData, SpanLinkData } from "./span-data";

/** Receives spans as they start and end (the request's recorder), and sets the limits they are kept within. */
export interface SpanSink {
  readonly limits: SpanLimits;
  /** Where drops and cut values are counted, for the rate-limited log line. */
  readonly losses: TelemetryLosses;
  started(): void;
  ended(span: SpanData): void;
}

export interface SpanInit {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanId: string | undefined;
  readonly parentIsRemote: boolean | undefined;
  readonly attributes: Attributes;
  readonly links: readonly Link[] | undefined;
  readonly startTime: TimeInput | undefined;
  readonly scope: Scope;
}

const NO_LINKS: readonly SpanLinkData[] = [];
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

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
  private attributeCount = 0;
  private droppedAttributes = 0;
  private readonly events: SpanEventData[] = [];
  private droppedEvents = 0;
  private links: SpanLinkData[] | undefined;
  private droppedLinks = 0;
  private status: { code: 0 | 1 | 2; message?: string } = { code: 0 };
  private readonly startNanos: bigint;
  private ended = false;

  constructor(
    private readonly sink: SpanSink,
    private readonly context: SpanContext,
    private readonly init: SpanInit,
  ) {
    this.name = limitName(init.name, sink.limits, sink.losses);
    this.startNanos = toNanos(init.startTime);
    this.setAttributes(init.attributes);
    if (init.links) this.addLinks(init.links as Link[]);
    sink.started();
  }

  spanContext(): SpanContext {
    return this.context;
  }

  // The hot path: every attribute of every span. Past the count limit a new key is dropped (and counted); an
  // existing key is still updated. Values are cut to the length limit.
  setAttribute(key: string, value: ApiAttributeValue): this {
    if (this.ended) return this;
    const v = clean(value);
    if (v === undefined) return this;
    const sink = this.sink;
    if (this.attributes[key] === undefined) {
      if (this.attributeCount >= sink.limits.attributeCount) {
        this.droppedAttributes++;
        sink.losses.attributes++;
        return this;
      }
      this.attributeCount++;
    }
    this.attributes[key] = limitValue(key, v, sink.limits, sink.losses);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  /** Copies up to `max` attributes of an event or link into `into`, values within the limits; returns the number dropped. */
  private copyAttributes(source: Attributes, max: number, into: Record<string, AttributeValue>): number {
    const { limits, losses } = this.sink;
    let count = 0;
    let dropped = 0;
    for (const key in source) {
      const v = clean(source[key]);
      if (v === undefined) continue;
      if (count >= max) {
        dropped++;
        continue;
      }
      into[key] = limitValue(key, v, limits, losses);
      count++;
    }
    losses.attributes += dropped;
    return dropped;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const { limits, losses } = this.sink;
    if (this.events.length >= limits.eventCount) {
      this.droppedEvents++;
      losses.events++;
      return this;
    }
    const isTime =
      typeof attributesOrTime === "number" || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const attributes: Record<string, AttributeValue> = {};
    const dropped =
      !isTime && attributesOrTime ? this.copyAttributes(attributesOrTime as Attributes, limits.eventAttributeCount, attributes) : 0;
    this.events.push({
      name: limitName(name, limits, losses),
      timeUnixNano: toNanos(isTime ? (attributesOrTime as TimeInput) : time),
      attributes,
      droppedAttributesCount: dropped,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    const { limits, losses } = this.sink;
    const ctx = link.context;
    // Ids that are not lowercase hex cannot be encoded: such a link is dropped and counted like one over the limit.
    const links = (this.links ??= []);
    if (links.length >= limits.linkCount || !TRACE_ID.test(ctx.traceId) || !SPAN_ID.test(ctx.spanId)) {
      this.droppedLinks++;
      losses.links++;
      return this;
    }
    const attributes: Record<string, AttributeValue> = {};
    const dropped = link.attributes ? this.copyAttributes(link.attributes, limits.linkAttributeCount, attributes) : 0;
    links.push({
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      traceState: ctx.traceState?.serialize() || undefined,
      flags: ctx.traceFlags & 0xff,
      isRemote: ctx.isRemote,
      attributes,
      droppedAttributesCount: dropped + (link.droppedAttributesCount ?? 0),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
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
    if (!this.ended) this.name = limitName(name, this.sink.limits, this.sink.losses);
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
      links: this.links ?? NO_LINKS,
      status: this.status,
      droppedAttributesCount: this.droppedAttributes,
      droppedEventsCount: this.droppedEvents,
      droppedLinksCount: this.droppedLinks,
      scope: this.init.scope,
      doubleKeys: this.sink.limits.doubleKeys,
    });
  }
}
