import { PRESET_NAMES, PRESETS, presetUrl, type PresetName } from "../telemetry/export/presets";
import {
  expectHeaders,
  expectHttpUrl,
  expectOneOf,
  expectString,
  fail,
  isMapping,
  keyPath,
  type Issues,
} from "./check";
import { mapping, optional, required, unchecked, withDefault, type Field } from "./schema";

const PROTOCOLS = ["http/protobuf", "http/json"] as const;

const endpointUrl = (value: unknown, path: string, issues: Issues) =>
  expectHttpUrl(value, path, issues) && typeof value === "string" ? value.trim() : undefined;

const readExporter = mapping({
  endpoint: required(endpointUrl, "required, e.g. http://127.0.0.1:4318/v1/traces"),
  headers: withDefault(expectHeaders, {}),
  protocol: withDefault((value, path, issues) => expectOneOf(value, PROTOCOLS, path, issues), PROTOCOLS[0]),
});

/** A preset's `name: value` options (credentials may be `$NAME` references, resolved with the export targets). */
type PresetOptions = Readonly<Record<string, string>>;

/** One `tracing.exporters[]` entry: an OTLP/HTTP endpoint with its own headers and encoding. */
export interface ExporterConfig {
  /** A plain entry's as written: a full traces URL, or a base URL `/v1/traces` is appended to; a preset's traces URL. */
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: (typeof PROTOCOLS)[number];
  /** The backend preset the entry names; absent for a plain OTLP endpoint. */
  readonly preset?: { readonly name: PresetName; readonly options: PresetOptions };
}

/**
 * `{preset: <name>, ...}`: the backend's endpoint (its documented base, or `endpoint` as the base, with the traces
 * path appended), the encodings it accepts, and its option keys (credentials) instead of raw headers; `headers` are
 * added over the preset's own.
 */
function presetExporter(value: Readonly<Record<string, unknown>>, path: string, issues: Issues): ExporterConfig | undefined {
  const name = expectOneOf(value.preset, PRESET_NAMES, keyPath(path, "preset"), issues);
  if (name === undefined) return undefined;
  const spec = PRESETS[name];
  const fields: Record<string, Field<unknown>> = {
    preset: unchecked,
    endpoint: optional(endpointUrl),
    headers: withDefault(expectHeaders, {}),
    protocol: withDefault((v, p, i) => expectOneOf(v, spec.protocols, p, i), spec.protocols[0]),
  };
  for (const key of spec.required) fields[key] = required(expectString, `required by the ${name} preset`);
  for (const key of spec.optional) fields[key] = optional(expectString);
  const errorsBefore = issues.errors.length;
  const read = mapping(fields)(value, path, issues) as Readonly<Record<string, unknown>> | undefined;
  if (!read || issues.errors.length > errorsBefore) return undefined;
  const options: Record<string, string> = {};
  for (const key of [...spec.required, ...spec.optional]) {
    const option = read[key];
    if (typeof option === "string") options[key] = option.trim();
  }
  const base = typeof read.endpoint === "string" ? read.endpoint : spec.defaultBase?.(options);
  if (base === undefined) {
    return fail(issues, keyPath(path, "endpoint"), `required by the ${name} preset, e.g. ${spec.exampleBase}`);
  }
  return {
    endpoint: presetUrl(spec, base),
    headers: read.headers as Readonly<Record<string, string>>,
    protocol: read.protocol as (typeof PROTOCOLS)[number],
    preset: { name, options },
  };
}

/** One `tracing.exporters[]` entry: an OTLP/HTTP endpoint, or a backend preset. */
export function exporter(value: unknown, path: string, issues: Issues): ExporterConfig | undefined {
  // Plano's own exporters (`type: posthog`) send events to a vendor API, not OTLP.
  if (isMapping(value) && value.type === "posthog") {
    issues.notices.push(`${path}: ignored (Plano's posthog exporter; tracegate exports OTLP)`);
    return undefined;
  }
  if (isMapping(value) && value.preset !== undefined) return presetExporter(value, path, issues);
  const read = readExporter(value, path, issues);
  if (read?.endpoint === undefined) return undefined;
  return { endpoint: read.endpoint, headers: read.headers, protocol: read.protocol };
}
