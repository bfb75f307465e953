// OTLP/HTTP JSON metrics bodies for the viewer tests (ExportMetricsServiceRequest, opentelemetry-proto's JSON
// mapping): delta histograms of the GenAI metrics at chosen times, for charts with a history.

const OPERATION_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** One minute of traffic for a model: requests with a duration each (s), errors among them, tokens, cost, first chunks. */
export interface MinuteSpec {
  readonly atMs: number;
  readonly model: string;
  readonly durationsS: readonly number[];
  readonly errors: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly firstChunkS: readonly number[];
}

const kv = (attrs: Record<string, string>) => Object.entries(attrs).map(([key, value]) => ({ key, value: { stringValue: value } }));
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

function histogramPoint(attrs: Record<string, string>, atMs: number, values: readonly number[], bounds: readonly number[]) {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const i = bounds.findIndex((b) => v <= b);
    counts[i === -1 ? bounds.length : i]! += 1;
  }
  return {
    attributes: kv(attrs),
    startTimeUnixNano: ns(atMs - 60_000),
    timeUnixNano: ns(atMs),
    count: String(values.length),
    sum: values.reduce((a, b) => a + b, 0),
    bucketCounts: counts.map(String),
    explicitBounds: bounds,
  };
}

/** The body of one export holding `minutes` of traffic. */
export function metricsJson(minutes: readonly MinuteSpec[]) {
  const operation = minutes.flatMap((m) => {
    const base = { "gen_ai.operation.name": "chat", "gen_ai.request.model": m.model };
    const ok = m.durationsS.slice(m.errors);
    const failed = m.durationsS.slice(0, m.errors);
    return [
      histogramPoint(base, m.atMs, ok, OPERATION_BOUNDS),
      ...(failed.length ? [histogramPoint({ ...base, "error.type": "500" }, m.atMs, failed, OPERATION_BOUNDS)] : []),
    ];
  });
  const tokens = minutes.flatMap((m) => [
    { ...histogramPoint({ "gen_ai.request.model": m.model, "gen_ai.token.type": "input" }, m.atMs, [m.inputTokens], [1, 4, 16, 64, 256, 1024]) },
    { ...histogramPoint({ "gen_ai.request.model": m.model, "gen_ai.token.type": "output" }, m.atMs, [m.outputTokens], [1, 4, 16, 64, 256, 1024]) },
  ]);
  const cost = minutes.map((m) => ({ attributes: kv({ "gen_ai.request.model": m.model }), startTimeUnixNano: ns(m.atMs - 60_000), timeUnixNano: ns(m.atMs), asDouble: m.costUsd }));
  const firstChunk = minutes.map((m) => histogramPoint({ "gen_ai.request.model": m.model }, m.atMs, m.firstChunkS, OPERATION_BOUNDS));
  const DELTA = 1;
  return {
    resourceMetrics: [
      {
        resource: { attributes: kv({ "service.name": "tracegate" }) },
        scopeMetrics: [
          {
            scope: { name: "tracegate" },
            metrics: [
              { name: "gen_ai.client.operation.duration", unit: "s", histogram: { aggregationTemporality: DELTA, dataPoints: operation } },
              { name: "gen_ai.client.token.usage", unit: "{token}", histogram: { aggregationTemporality: DELTA, dataPoints: tokens } },
              { name: "gen_ai.client.cost", unit: "USD", sum: { aggregationTemporality: DELTA, isMonotonic: true, dataPoints: cost } },
              { name: "gen_ai.client.operation.time_to_first_chunk", unit: "s", histogram: { aggregationTemporality: DELTA, dataPoints: firstChunk } },
            ],
          },
        ],
      },
    ],
  };
}
