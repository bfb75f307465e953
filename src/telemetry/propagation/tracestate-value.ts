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
  constructor(private readonly entries: TraceState) {}

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
    return formatTracestate(this.entries);
  }
}
