import type { AttributeValue, SpanData } from "../sdk/span-data";

// Exporter presets: `tracing.exporters: [{preset: langfuse, ...}]` fills in what each backend documents for OTLP/HTTP
// trace ingestion (the endpoint path, the auth header's shape, the encodings it accepts) and names the few attributes
// it reads to show a model call as a generation with its time to first token. Sources, per backend:
// - Langfuse: https://langfuse.com/integrations/native/opentelemetry (endpoint /api/public/otel/v1/traces, Basic auth
//   of public:secret key, `x-langfuse-ingestion-version: 4` for real-time ingestion; attribute mapping: `langfuse.
//   observation.type`, `langfuse.observation.completion_start_time`, `gen_ai.usage.cost`), and the OpenAPI text in
//   https://cloud.langfuse.com/generated/api/openapi.yml ("Direct OpenTelemetry exporters must send the
//   x-langfuse-ingestion-version: 4 header").
// - Datadog APM: https://docs.datadoghq.com/opentelemetry/setup/otlp_ingest/traces/ (http/protobuf only, `dd-api-key`,
//   `dd-protocol: otlp`); Datadog LLM Observability:
//   https://docs.datadoghq.com/llm_observability/instrumentation/otel_instrumentation (`dd-api-key`,
//   `dd-otlp-source: llmobs`, GenAI conventions 1.37+, which it reads itself).
// - Phoenix: https://arize.com/docs/phoenix/tracing/how-to-tracing/setup-tracing (http://localhost:6006/v1/traces,
//   `authorization: Bearer <PHOENIX_API_KEY>`), OpenInference conventions
//   https://arize-ai.github.io/openinference/spec/semantic_conventions.html (`openinference.span.kind`, `llm.*`).
// - Honeycomb: https://docs.honeycomb.io/send-data/opentelemetry/ (https://api.honeycomb.io/v1/traces,
//   `x-honeycomb-team`, `x-honeycomb-dataset` for Honeycomb Classic).
// - Grafana Cloud: https://grafana.com/docs/grafana-cloud/send-data/otlp/send-data-otlp/ (the stack's
//   https://otlp-gateway-<zone>.grafana.net/otlp, Basic auth of instance id:token).
// - Jaeger: https://www.jaegertracing.io/docs/latest/apis/#opentelemetry-protocol (OTLP/HTTP on :4318, no auth).

export const PRESET_NAMES = ["langfuse", "datadog", "datadog-llmobs", "phoenix", "honeycomb", "grafana-cloud", "jaeger"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

type Options = Readonly<Record<string, string>>;
type Protocol = "http/protobuf" | "http/json";

/** Adds a backend's own attributes to a finished request's spans, before they are buffered. */
export type SpanDecorator = (spans: readonly SpanData[]) => void;

export interface PresetSpec {
  /** The base URL when the entry has no `endpoint` (undefined: `endpoint` is required, with this example). */
  readonly defaultBase: ((options: Options) => string) | undefined;
  readonly exampleBase: string;
  /** Appended to the base: the traces resource. */
  readonly path: string;
  /** The encodings the backend accepts, the default first. */
  readonly protocols: readonly Protocol[];
  /** Option keys the entry must set (credentials may be `$NAME` references to secrets). */
  readonly required: readonly string[];
  readonly optional: readonly string[];
  headers(options: Options): Record<string, string>;
  readonly decorate?: SpanDecorator;
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const BOTH: readonly Protocol[] = ["http/protobuf", "http/json"];

/** Base64 of a `user:password` pair (UTF-8), for Basic auth. */
function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** A span with more attributes (SpanData's attributes are read-only objects shared with nobody: replaced). */
function addAttributes(span: SpanData, extra: Record<string, AttributeValue>): void {
  span.attributes = { ...span.attributes, ...extra };
}

/** The time of the span's `gen_ai.first_chunk` event (a streamed call's first chunk), in ms since the epoch. */
function firstChunkMs(span: SpanData): number | undefined {
  const event = span.events.find((e) => e.name === "gen_ai.first_chunk");
  return event === undefined ? undefined : Number(event.timeUnixNano / 1_000_000n);
}

const isModelCall = (span: SpanData) => span.kind === SPAN_KIND_CLIENT && span.attributes["gen_ai.operation.name"] !== undefined;

/**
 * Langfuse: a CLIENT span is a generation; a stream's first chunk is its completion start time, written as Langfuse's
 * own SDKs write it (a JSON-serialized ISO 8601 string).
 */
const langfuseAttributes: SpanDecorator = (spans) => {
  for (const span of spans) {
    if (!isModelCall(span)) continue;
    const extra: Record<string, AttributeValue> = { "langfuse.observation.type": "generation" };
    const first = firstChunkMs(span);
    if (first !== undefined) extra["langfuse.observation.completion_start_time"] = JSON.stringify(new Date(first).toISOString());
    addAttributes(span, extra);
  }
};

/**
 * Phoenix (OpenInference): the SERVER span is a CHAIN, a model call an LLM span with its model, provider and token
 * counts under OpenInference's names. (OpenInference has no time-to-first-token attribute: Phoenix shows the
 * `gen_ai.first_chunk` event on the span's timeline.)
 */
const phoenixAttributes: SpanDecorator = (spans) => {
  for (const span of spans) {
    if (span.kind === SPAN_KIND_SERVER) addAttributes(span, { "openinference.span.kind": "CHAIN" });
    if (!isModelCall(span)) continue;
    const a = span.attributes;
    const extra: Record<string, AttributeValue> = { "openinference.span.kind": "LLM" };
    const model = a["gen_ai.response.model"] ?? a["gen_ai.request.model"];
    if (typeof model === "string") extra["llm.model_name"] = model;
    const provider = a["gen_ai.provider.name"] ?? a["gen_ai.system"];
    if (typeof provider === "string") extra["llm.provider"] = provider;
    const input = a["gen_ai.usage.input_tokens"];
    const output = a["gen_ai.usage.output_tokens"];
    if (typeof input === "number") extra["llm.token_count.prompt"] = input;
    if (typeof output === "number") extra["llm.token_count.completion"] = output;
    if (typeof input === "number" && typeof output === "number") extra["llm.token_count.total"] = input + output;
    addAttributes(span, extra);
  }
};

const datadog = (llmobs: boolean): PresetSpec => ({
  defaultBase: (o) => `https://otlp.${o.site ?? "datadoghq.com"}`,
  exampleBase: "https://otlp.datadoghq.eu",
  path: "/v1/traces",
  protocols: ["http/protobuf"],
  required: ["api_key"],
  optional: ["site"],
  headers: (o): Record<string, string> =>
    llmobs
      ? { "dd-api-key": o.api_key ?? "", "dd-otlp-source": "llmobs" }
      : { "dd-api-key": o.api_key ?? "", "dd-protocol": "otlp" },
});

export const PRESETS: Readonly<Record<PresetName, PresetSpec>> = {
  langfuse: {
    defaultBase: () => "https://cloud.langfuse.com",
    exampleBase: "https://us.cloud.langfuse.com",
    path: "/api/public/otel/v1/traces",
    protocols: BOTH,
    required: ["public_key", "secret_key"],
    optional: [],
    headers: (o) => ({
      authorization: basic(o.public_key ?? "", o.secret_key ?? ""),
      "x-langfuse-ingestion-version": "4",
    }),
    decorate: langfuseAttributes,
  },
  datadog: datadog(false),
  "datadog-llmobs": datadog(true),
  phoenix: {
    defaultBase: () => "http://localhost:6006",
    exampleBase: "https://app.phoenix.arize.com/s/your-space",
    path: "/v1/traces",
    protocols: BOTH,
    required: [],
    optional: ["api_key"],
    headers: (o): Record<string, string> => (o.api_key ? { authorization: `Bearer ${o.api_key}` } : {}),
    decorate: phoenixAttributes,
  },
  honeycomb: {
    defaultBase: () => "https://api.honeycomb.io",
    exampleBase: "https://api.eu1.honeycomb.io",
    path: "/v1/traces",
    protocols: BOTH,
    required: ["api_key"],
    optional: ["dataset"],
    headers: (o): Record<string, string> => ({
      "x-honeycomb-team": o.api_key ?? "",
      ...(o.dataset ? { "x-honeycomb-dataset": o.dataset } : {}),
    }),
  },
  "grafana-cloud": {
    defaultBase: undefined,
    exampleBase: "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp",
    path: "/v1/traces",
    protocols: BOTH,
    required: ["instance_id", "token"],
    optional: [],
    headers: (o) => ({ authorization: basic(o.instance_id ?? "", o.token ?? "") }),
  },
  jaeger: {
    defaultBase: () => "http://localhost:4318",
    exampleBase: "http://jaeger.example.com:4318",
    path: "/v1/traces",
    protocols: BOTH,
    required: [],
    optional: [],
    headers: () => ({}),
  },
};

/** The traces URL of a preset: its path appended to `base` (unless `base` already ends with it). */
export function presetUrl(spec: PresetSpec, base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return trimmed.endsWith(spec.path) ? trimmed : trimmed + spec.path;
}
