// Builds OTLP/JSON export bodies from compact span descriptions, for tests that need exact ids and times.
export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  service?: string;
  /** milliseconds after `base` */
  startMs: number;
  durationMs: number;
  attributes?: Record<string, string | number | boolean | string[]>;
  events?: { name: string; atMs: number }[];
  statusCode?: number;
  statusMessage?: string;
}

/** 2026-01-02T03:04:05Z, a fixed base time for known traces. */
export const BASE_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

function value(v: string | number | boolean | string[]): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map((s) => ({ stringValue: s })) } };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const attrs = (a: Record<string, string | number | boolean | string[]> = {}) =>
  Object.entries(a).map(([key, v]) => ({ key, value: value(v) }));

/** One ExportTraceServiceRequest, one resourceSpans entry per service. */
export function otlpJson(specs: SpanSpec[], baseMs = BASE_MS): string {
  const services = [...new Set(specs.map((s) => s.service ?? "tracegate"))];
  return JSON.stringify({
    resourceSpans: services.map((service) => ({
      resource: { attributes: attrs({ "service.name": service }) },
      scopeSpans: [
        {
          scope: { name: "test" },
          spans: specs
            .filter((s) => (s.service ?? "tracegate") === service)
            .map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: nanos(baseMs + s.startMs),
              endTimeUnixNano: nanos(baseMs + s.startMs + s.durationMs),
              attributes: attrs(s.attributes),
              events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: nanos(baseMs + e.atMs), attributes: [] })),
              status: { ...(s.statusCode ? { code: s.statusCode } : {}), ...(s.statusMessage ? { message: s.statusMessage } : {}) },
            })),
        },
      ],
    })),
  });
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

/** The known trace the CLI and page tests read: app root, gateway SERVER, gateway CLIENT (streamed, first chunk). */
export const KNOWN_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
export const KNOWN: SpanSpec[] = [
  { traceId: KNOWN_TRACE_ID, spanId: "a000000000000001", name: "answer-question", service: "support-bot", kind: 1, startMs: 0, durationMs: 420 },
  {
    traceId: KNOWN_TRACE_ID,
    spanId: "b000000000000002",
    parentSpanId: "a000000000000001",
    name: "POST /v1/chat/completions",
    kind: 2,
    startMs: 5,
    durationMs: 400,
    attributes: { "http.request.method": "POST", "http.route": "/v1/chat/completions", "http.response.status_code": 200 },
  },
  {
    traceId: KNOWN_TRACE_ID,
    spanId: "c000000000000003",
    parentSpanId: "b000000000000002",
    name: "chat gpt-4o-mini",
    kind: 3,
    startMs: 12,
    durationMs: 380,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 40,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.response.time_to_first_chunk": 0.18,
      "server.address": "api.openai.com",
    },
    events: [{ name: "gen_ai.first_chunk", atMs: 192 }],
  },
];
