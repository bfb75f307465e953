import { context, SpanKind, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { registerTelemetry } from "../../../../src/telemetry/sdk/register";
import { contextWithRecorder, SpanRecorder, startServerSpan } from "../../../../src/telemetry/sdk/tracer";

registerTelemetry();

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

function requestContext(sampled: boolean) {
  const recorder = new SpanRecorder();
  const spanContext = { traceId: TRACE_ID, spanId: "00f067aa0ba902b7", traceFlags: sampled ? 3 : 2, isRemote: false };
  const server = sampled
    ? startServerSpan(recorder, spanContext, undefined, "POST /v1/chat/completions", {})
    : trace.wrapSpanContext(spanContext);
  return { recorder, server, ctx: trace.setSpan(contextWithRecorder(context.active(), recorder), server) };
}

describe("code using @opentelemetry/api inside a request", () => {
  it("lands in the request's trace, parented across awaits", async () => {
    const { recorder, server, ctx } = requestContext(true);
    await context.with(ctx, async () => {
      await new Promise((r) => setTimeout(r, 1));
      const plugin = trace.getTracer("a-plugin");
      await plugin.startActiveSpan("plugin work", async (span) => {
        await Promise.resolve();
        trace.getTracer("nested").startSpan("inner", { kind: SpanKind.CLIENT }).end();
        span.setAttribute("plugin.answer", 42);
        span.end();
      });
    });
    server.end();
    const [inner, work, root] = recorder.spans;
    expect(root?.name).toBe("POST /v1/chat/completions");
    expect(work).toMatchObject({ name: "plugin work", traceId: TRACE_ID, parentSpanId: "00f067aa0ba902b7", kind: 1 });
    expect(work?.attributes).toEqual({ "plugin.answer": 42 });
    expect(inner).toMatchObject({ name: "inner", parentSpanId: work?.spanId, kind: 3, flags: 3 });
  });

  it("gets non-recording spans with fresh ids when the request is not sampled", () => {
    const { recorder, ctx } = requestContext(false);
    const span = trace.getTracer("p").startSpan("x", {}, ctx);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.spanContext().spanId).not.toBe("00f067aa0ba902b7");
    span.end();
    expect(recorder.spans).toEqual([]);
  });

  it("records nothing outside a request", () => {
    const span = trace.getTracer("p").startSpan("outside");
    expect(span.isRecording()).toBe(false);
  });

  it("ends the SERVER span only after the open CLIENT spans (idle waits for them)", async () => {
    const { recorder, ctx } = requestContext(true);
    const call = trace.getTracer("t").startSpan("chat m", { kind: SpanKind.CLIENT }, ctx);
    let idle = false;
    const waiting = recorder.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    call.end();
    await waiting;
    expect(idle).toBe(true);
  });
});
