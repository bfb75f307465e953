import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../../viewer/receiver.js";
import { KNOWN, KNOWN_TRACE_ID, otlpJson, postJson, type SpanSpec } from "../viewer/otlp-body";
import { freePort } from "../../scripts/free-port.mjs";
import { runToEnd } from "../viewer/processes";

// The CLI as users run it: the bin, spawned against a receiver filled with known spans.
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
const recent = Date.now() - 30_000;

/** A recent gateway request that failed with `status`; with a model call when `model` is given. */
function failed(traceId: string, status: number, model?: { provider: string; name: string; startOffset: number }): SpanSpec[] {
  const server: SpanSpec = {
    traceId,
    spanId: `${traceId.slice(0, 15)}1`,
    name: "POST /v1/chat/completions",
    kind: 2,
    startMs: model?.startOffset ?? 0,
    durationMs: 50,
    attributes: { "http.response.status_code": status },
    ...(status >= 500 ? { statusCode: 2 } : {}),
  };
  if (!model) return [server];
  return [
    server,
    {
      traceId,
      spanId: `${traceId.slice(0, 15)}2`,
      parentSpanId: server.spanId,
      name: `chat ${model.name}`,
      kind: 3,
      startMs: model.startOffset + 2,
      durationMs: 40,
      attributes: { "gen_ai.provider.name": model.provider, "gen_ai.request.model": model.name, "error.type": String(status) },
      statusCode: 2,
      statusMessage: `provider answered ${status}`,
    },
  ];
}

const T502 = "5020000000000000000000000000000a";
const T429 = "4290000000000000000000000000000b";
const T404 = "4040000000000000000000000000000c";

beforeAll(async () => {
  receiver = await startReceiver({ port: 0 });
  await postJson(receiver.url, otlpJson(KNOWN));
  await postJson(receiver.url, otlpJson(failed(T502, 502, { provider: "anthropic", name: "claude-x", startOffset: 0 }), recent));
  await postJson(receiver.url, otlpJson(failed(T429, 429, { provider: "openai", name: "gpt-4o", startOffset: 1000 }), recent));
  await postJson(receiver.url, otlpJson(failed(T404, 404), recent + 2000));
});

afterAll(async () => {
  await receiver?.close();
});

async function cli(...args: string[]) {
  return runToEnd(["bin/tracegate.js", ...args, "--url", receiver.url], { TZ: "UTC", NO_COLOR: "1", FORCE_COLOR: "" });
}

describe("tracegate trace", () => {
  it("prints the known trace as a tree with offsets, durations, services and the attributes that matter", async () => {
    const { code, stdout } = await cli("trace", KNOWN_TRACE_ID.slice(0, 8));
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toEqual([
      "trace 4bf92f3577b34da6a3ce929d0e0e4736  2026-01-02 03:04:05.000  3 spans  420ms  support-bot, tracegate",
      " +0ms 420ms  support-bot  answer-question",
      " +5ms 400ms  └─ tracegate  POST /v1/chat/completions  status=200",
      "+12ms 380ms     └─ tracegate  chat gpt-4o-mini  model=gpt-4o-mini response_model=gpt-4o-mini-2024-07-18 provider=openai ttft=180ms tokens=12→40 finish=stop",
    ]);
  });

  it("prints every attribute and event with -v", async () => {
    const { stdout } = await cli("trace", KNOWN_TRACE_ID, "-v");
    expect(stdout).toContain("                      gen_ai.usage.output_tokens=40\n");
    expect(stdout).toContain('gen_ai.response.finish_reasons=["stop"]');
    expect(stdout).toContain("event +192ms gen_ai.first_chunk");
    expect(stdout).toContain("│  http.route=/v1/chat/completions");
  });

  it("shows the newest trace for `last` and marks 5xx, 429 and 4xx differently", async () => {
    const last = await cli("trace", "last");
    expect(last.stdout.split("\n")[0]).toContain(`trace ${T404}`);
    expect(last.stdout).toContain("[4xx] tracegate  POST /v1/chat/completions  status=404");
    const s502 = await cli("trace", T502.slice(0, 8));
    expect(s502.stdout).toContain("[5xx] tracegate  POST /v1/chat/completions  status=502");
    expect(s502.stdout).toContain('[error] └─ tracegate  chat claude-x  model=claude-x provider=anthropic error=502 error_message="provider answered 502"');
    const s429 = await cli("trace", T429);
    expect(s429.stdout).toContain("[429] tracegate  POST /v1/chat/completions  status=429");
  });

  it("lists one line per trace, newest first, with --list and --limit", async () => {
    const { stdout } = await cli("trace", "--list");
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split("  ")[1])).toEqual(["40400000", "42900000", "50200000", "4bf92f35"]);
    expect(lines[0]).toMatch(/404 .* \[4xx\]$/);
    expect(lines[1]).toMatch(/429 +openai\/gpt-4o .* \[429\]$/);
    expect(lines[2]).toMatch(/502 +anthropic\/claude-x .* \[5xx\]$/);
    expect(lines[3]).toBe(
      "2026-01-02 03:04:05.000  4bf92f35    420ms   3 spans  200  openai/gpt-4o-mini        12→40 tok       support-bot: answer-question",
    );
    expect((await cli("trace", "--list", "--limit", "2")).stdout.trimEnd().split("\n")).toHaveLength(2);
  });

  it("filters with --where (AND) and --since", async () => {
    const ids = async (...args: string[]) =>
      (JSON.parse((await cli("trace", "--list", "--json", ...args)).stdout) as { traceId: string }[]).map((t) => t.traceId);
    expect(await ids("--where", "provider=openai")).toEqual([T429, KNOWN_TRACE_ID]);
    expect(await ids("--where", "provider=openai", "--where", "status=429")).toEqual([T429]);
    expect(await ids("--where", "provider=openai", "--where", "status=404")).toEqual([]);
    expect(await ids("--where", "model=gpt-4o-mini")).toEqual([KNOWN_TRACE_ID]);
    expect(await ids("--where", "service.name=support-bot")).toEqual([KNOWN_TRACE_ID]);
    expect(await ids("--since", "5m")).toEqual([T404, T429, T502]);
    const tree = await cli("trace", "--where", "provider=anthropic");
    expect(tree.stdout.split("\n")[0]).toContain(`trace ${T502}`);
    const none = await cli("trace", "--where", "provider=nobody");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no trace matches");
    const bad = await cli("trace", "--since", "5 minutes");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid duration "5 minutes"');
  });

  it("prints the trace as JSON with --json", async () => {
    const { stdout } = await cli("trace", KNOWN_TRACE_ID, "--json");
    const body = JSON.parse(stdout) as { summary: { model: string }; spans: { name: string }[] };
    expect(body.summary.model).toBe("openai/gpt-4o-mini");
    expect(body.spans.map((s) => s.name).sort()).toEqual(["POST /v1/chat/completions", "answer-question", "chat gpt-4o-mini"]);
  });

  it("colors errors on a colour terminal", async () => {
    const { stdout } = await runToEnd(["bin/tracegate.js", "trace", T502, "--url", receiver.url], { TZ: "UTC", FORCE_COLOR: "1", NO_COLOR: "" });
    expect(stdout).toContain("\x1b[31m[5xx]\x1b[0m");
  });

  it("says where it looked when no receiver answers", async () => {
    const port = await freePort();
    const { code, stderr } = await runToEnd(["bin/tracegate.js", "trace", "--url", `http://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`no receiver at http://127.0.0.1:${port}`);
  });
});

describe("tracegate stats", () => {
  it("prints the per-model table over the window", async () => {
    const { code, stdout } = await cli("stats", "--since", "1000d");
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toEqual([
      "last 1000d: 4 traces, 3 model calls",
      "model               requests  errors  input tok  output tok    p50    p95  p50 TTFT  tok/s     cost",
      "anthropic/claude-x         1       1          0           0   40ms   40ms         -      -        -",
      "openai/gpt-4o              1       1          0           0   40ms   40ms         -      -        -",
      // Usage but no gen_ai.usage.cost: its model has no price, so its cost is unknown, never $0.
      "openai/gpt-4o-mini         1       0         12          40  380ms  380ms     180ms  200.0  unknown",
    ]);
    const recentOnly = await cli("stats", "--since", "5m", "--json");
    const body = JSON.parse(recentOnly.stdout) as { traces: number; models: { model: string }[] };
    expect(body.traces).toBe(3);
    expect(body.models.map((m) => m.model)).toEqual(["anthropic/claude-x", "openai/gpt-4o"]);
  });
});

describe("tracegate stats: cost per model from the spans' gen_ai.usage.cost", () => {
  it("sums the priced calls; a model with unpriced calls says so", async () => {
    const own = await startReceiver({ port: 0 });
    try {
      const call = (traceId: string, model: string, cost?: number): SpanSpec => ({
        traceId,
        spanId: `${traceId.slice(0, 15)}1`,
        name: `chat ${model}`,
        kind: 3,
        startMs: 0,
        durationMs: 100,
        attributes: {
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": model,
          "gen_ai.usage.input_tokens": 100,
          "gen_ai.usage.output_tokens": 10,
          ...(cost === undefined ? {} : { "gen_ai.usage.cost": cost }),
        },
      });
      await postJson(own.url, otlpJson([call("c0570000000000000000000000000001", "gpt-4.1", 0.0001)], recent));
      await postJson(own.url, otlpJson([call("c0570000000000000000000000000002", "gpt-4.1", 0.00025)], recent));
      await postJson(own.url, otlpJson([call("c0570000000000000000000000000003", "house-model", 0.002)], recent));
      await postJson(own.url, otlpJson([call("c0570000000000000000000000000004", "house-model")], recent));
      const env = { TZ: "UTC", NO_COLOR: "1", FORCE_COLOR: "" };
      const { stdout } = await runToEnd(["bin/tracegate.js", "stats", "--url", own.url], env);
      const rows = stdout.trimEnd().split("\n").slice(2).map((line) => line.trim().split(/\s+/));
      expect(rows.map((r) => [r[0], r.at(-1)])).toEqual([
        ["openai/gpt-4.1", "$0.00035"],
        ["openai/house-model", "$0.002+unknown"],
      ]);
      const json = JSON.parse((await runToEnd(["bin/tracegate.js", "stats", "--json", "--url", own.url], env)).stdout) as {
        models: { model: string; costUsd: number | null; costUnknownCalls: number }[];
      };
      expect(json.models.map((m) => [m.model, m.costUsd, m.costUnknownCalls])).toEqual([
        ["openai/gpt-4.1", 0.00035, 0],
        ["openai/house-model", 0.002, 1],
      ]);
    } finally {
      await own.close();
    }
  });
});
