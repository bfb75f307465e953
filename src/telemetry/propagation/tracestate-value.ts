import type { TraceState as ApiTraceState } from "@opentelemetry/api";
import {
  deleteTracestateEntry,
  formatTracestate,
  getTracestateEntry,
  setTracestateEntry,
  type TraceState,
} from "./tracestate";

/** The `@opentelemetry/api` TraceState view of tracegate's parsed tracestate (immutable; updates return a copy). */
export class TraceStateValue implements ApiTraceState {
  /**
   * @param entries the members, left-most first
   * @param serialized `formatTracestate(entries)` when the caller already has it: every span of a request serializes
   *   its trace state when it ends, so the string is made once per request, not once per span.
   */
  constructor(
    private readonly entries: TraceState,
    private serialized?: string,
  ) {}

  set(key: string, value: string): ApiTraceState {
    return new TraceStateValue(setTracestateEntry(this.entries, key, value));
  }

  unset(key: string): ApiTraceState {
    return new TraceStateValue(deleteTracestateEntry(this.entries, key));
  }

  get(key: string): string | undefined {
    return getTracestateEntry(this.entries, key);
  }

  serialize(): string {
    this.serialized ??= formatTracestate(this.entries);
    return this.serialized;
  }
}
