import { ADAPTERS } from "../providers/adapters";
import type { ProviderInterface } from "../providers/known";
import { knownProvider, PLANO_INTERFACES, PLANO_PROVIDER_KEYS } from "./plano-providers";
import {
  expectBoolean,
  expectHeaders,
  expectHttpUrl,
  expectList,
  expectPositiveInteger,
  expectString,
  fail,
  isMapping,
  kindOf,
  type Issues,
  type Mapping,
} from "./check";
import { mapping, optional, required, withDefault, type Frozen } from "./schema";
import { isMalformedReference } from "./secrets";
import { BEDROCK_FIELDS, BEDROCK_PROVIDER, readBedrock, rejectBedrockKeys } from "./validate-bedrock";
import { pricingOf } from "./validate-pricing";
import { DEFAULT_RETRY, retryPolicy } from "./validate-retry";
import { readAzure } from "./validate-azure";
import { providerEndpoint } from "./validate-endpoint";
import { readVertex } from "./validate-vertex";

/** `provider/model` (the model part may hold more `/`) or `provider/*`; undefined for anything else. */
function parseModel(text: string): { provider: string; model: string } | undefined {
  const match = /^([^\s/]+)\/(\S+)$/.exec(text);
  const provider = match?.[1];
  const model = match?.[2];
  if (provider === undefined || model === undefined) return undefined;
  if (model !== "*" && (model.includes("*") || model.split("/").includes(""))) return undefined;
  return { provider, model };
}

function parseInterface(value: unknown, path: string, issues: Issues): ProviderInterface | undefined {
  if (typeof value === "string" && Object.hasOwn(PLANO_INTERFACES, value)) return PLANO_INTERFACES[value];
  const got = typeof value === "string" ? `"${value}"` : kindOf(value);
  return fail(issues, path, `expected "openai" or "anthropic" (or a Plano provider speaking one of them), got ${got}`);
}

function modelRef(value: unknown, path: string, issues: Issues) {
  if (typeof value !== "string") return fail(issues, path, `expected "provider/model", got ${kindOf(value)}`);
  return parseModel(value) ?? fail(issues, path, 'expected "provider/model"');
}

/** A literal key, or a `$NAME` reference resolved from the Worker's bindings at call time. */
function accessKey(value: unknown, path: string, issues: Issues): string | undefined {
  const key = expectString(value, path, issues);
  if (key === undefined || !isMalformedReference(key)) return key;
  return fail(issues, path, "malformed secret reference; write $NAME or ${NAME}");
}

const readEntry = mapping(
  {
    model: required(modelRef, 'required, e.g. "openai/gpt-4o" or "openai/*"'),
    name: optional(expectString),
    access_key: optional(accessKey),
    default: withDefault(expectBoolean, false),
    passthrough_auth: withDefault(expectBoolean, false),
    propagate_trace_context: withDefault(expectBoolean, true),
    retry: withDefault(retryPolicy, DEFAULT_RETRY),
    timeout_ms: optional(expectPositiveInteger),
    first_chunk_timeout_ms: optional(expectPositiveInteger),
    headers: withDefault(expectHeaders, {}),
    base_url: optional(expectHttpUrl),
    provider_interface: optional(parseInterface),
    ...BEDROCK_FIELDS,
    pricing: optional(pricingOf),
    azure: optional(readAzure),
    vertex: optional(readVertex),
  },
  { ignored: PLANO_PROVIDER_KEYS },
);

type Entry = NonNullable<ReturnType<typeof readEntry>>;

/** The entry's config once every key has been read; `raw` tells an absent key from a wrong one. */
function providerConfig(entry: Entry, raw: Mapping, path: string, issues: Issues) {
  const parsed = entry.model;
  if (!parsed) return undefined;
  const known = knownProvider(parsed.provider);
  const providerInterface = entry.provider_interface ?? known?.interface;
  if (providerInterface === undefined && raw.provider_interface === undefined) {
    fail(issues, `${path}.provider_interface`, `required for provider "${parsed.provider}" ("openai" or "anthropic")`);
  }
  const isBedrock = parsed.provider === BEDROCK_PROVIDER;
  const bedrock = isBedrock ? readBedrock(entry, raw, path, issues) : undefined;
  if (!isBedrock) rejectBedrockKeys(entry, parsed.provider, path, issues);
  // The endpoint is checked even without an interface, so that every missing key is reported at once.
  const keys = { provider: parsed.provider, interface: providerInterface ?? "openai", base_url: entry.base_url, azure: entry.azure, vertex: entry.vertex };
  const endpoint = isBedrock
    ? bedrock && { baseUrl: bedrock.baseUrl, callPath: ADAPTERS.openai.path, keyHeader: undefined, vertex: undefined }
    : providerEndpoint(keys, known, raw, path, issues);
  if (providerInterface === undefined || endpoint === undefined) return undefined;
  return {
    /** `name` from the config, else the `model` string. */
    name: entry.name ?? `${parsed.provider}/${parsed.model}`,
    /** Provider part of `model` (`openai` in `openai/gpt-4o`). */
    provider: parsed.provider,
    /** Model part of `model` as sent upstream (`gpt-4o`), or `*` for a wildcard entry. */
    model: parsed.model,
    interface: providerInterface,
    ...endpoint,
    /** Unresolved key: a literal, or `$NAME` resolved from the Worker's bindings at call time. */
    accessKey: entry.access_key,
    headers: entry.headers,
    passthroughAuth: entry.passthrough_auth,
    isDefault: entry.default,
    /** False stops sending `traceparent`/`tracestate` to this provider. */
    propagateTraceContext: entry.propagate_trace_context,
    retry: entry.retry,
    /** For streams: limit for the first body chunk after the headers (`first_chunk_timeout_ms`). */
    firstChunkTimeoutMs: entry.first_chunk_timeout_ms,
    /** Limit for a whole call, headers and body (`timeout_ms`); undefined = the default (10 minutes). */
    timeoutMs: entry.timeout_ms,
    /** `gen_ai.provider.name` for spans. */
    otelName: known?.otelName ?? parsed.provider,
    /** The wire adapter between the OpenAI interface and the provider's own API (`providers/wire.ts`), if any. */
    wire: known?.wire,
    /** Amazon Bedrock's region and SigV4 secrets (`amazon_bedrock` entries only). */
    bedrock: bedrock?.settings,
    /** `pricing:`, replacing the bundled price table for this entry's calls; undefined: the table's. */
    pricing: entry.pricing,
    /** Serves `POST /embeddings`: a known provider that has it, or any other OpenAI-compatible server. */
    embeddings: known ? known.embeddings === true : providerInterface === "openai",
  };
}

/** One validated `model_providers[]` entry. */
export type ProviderConfig = Frozen<NonNullable<ReturnType<typeof providerConfig>>>;

/** What the cross-entry checks and `model_aliases` need from one entry, even when other keys in it are wrong. */
interface EntrySummary {
  readonly path: string;
  /** `provider/model` when `model` is well formed. */
  readonly modelKey: string | undefined;
  readonly explicitName: string | undefined;
  readonly isDefault: boolean;
  /** Undefined when anything in the entry is wrong. */
  readonly config: ProviderConfig | undefined;
}

function validateEntry(value: unknown, path: string, issues: Issues): EntrySummary {
  const errorsBefore = issues.errors.length;
  const entry = readEntry(value, path, issues);
  if (!entry || !isMapping(value)) return { path, modelKey: undefined, explicitName: undefined, isDefault: false, config: undefined };
  const config = providerConfig(entry, value, path, issues);
  const parsed = entry.model;
  return {
    path,
    modelKey: parsed ? `${parsed.provider}/${parsed.model}` : undefined,
    explicitName: entry.name,
    isDefault: entry.default,
    config: issues.errors.length > errorsBefore ? undefined : config,
  };
}

/** The names `model_aliases` targets may use. */
export interface ModelCatalog {
  /** `provider/model` of each non-wildcard entry, and every entry's `name`. */
  readonly exact: ReadonlySet<string>;
  /** Providers with a `provider/*` entry. */
  readonly wildcards: ReadonlySet<string>;
  /** Unprefixed model name -> how many entries serve it. */
  readonly bare: ReadonlyMap<string, number>;
}

export interface ProvidersResult {
  /** Undefined when any entry is wrong. */
  readonly providers: ProviderConfig[] | undefined;
  readonly catalog: ModelCatalog;
}

/** Validates `model_providers` (or `llm_providers`; `key` is the spelling used, for paths). */
export function validateProviders(raw: unknown, key: string, issues: Issues): ProvidersResult {
  const list = expectList(raw, key, issues) ?? [];
  const errorsBefore = issues.errors.length;
  const entries = list.map((item, i) => validateEntry(item, `${key}[${i}]`, issues));

  // Model strings and names share one namespace: a client names either.
  const taken = new Map<string, string>();
  let defaultAt: string | undefined;
  const exact = new Set<string>();
  const wildcards = new Set<string>();
  const bare = new Map<string, number>();
  for (const e of entries) {
    if (e.modelKey !== undefined) {
      const owner = taken.get(e.modelKey);
      if (owner !== undefined) fail(issues, `${e.path}.model`, `"${e.modelKey}" is already used by ${owner}`);
      else taken.set(e.modelKey, e.path);
      const slash = e.modelKey.indexOf("/");
      const model = e.modelKey.slice(slash + 1);
      if (model === "*") wildcards.add(e.modelKey.slice(0, slash));
      else {
        exact.add(e.modelKey);
        bare.set(model, (bare.get(model) ?? 0) + 1);
      }
    }
    if (e.explicitName !== undefined && e.explicitName !== e.modelKey) {
      const owner = taken.get(e.explicitName);
      if (owner !== undefined) fail(issues, `${e.path}.name`, `"${e.explicitName}" is already used by ${owner}`);
      else taken.set(e.explicitName, e.path);
      exact.add(e.explicitName);
    }
    if (e.isDefault) {
      if (defaultAt !== undefined) fail(issues, `${e.path}.default`, `only one provider can be the default (${defaultAt} already is)`);
      else defaultAt = e.path;
    }
  }

  const configs = entries.map((e) => e.config);
  const complete = issues.errors.length === errorsBefore && configs.every((c) => c !== undefined);
  return {
    providers: complete ? configs.filter((c): c is ProviderConfig => c !== undefined) : undefined,
    catalog: { exact, wildcards, bare },
  };
}
