import { ADAPTERS } from "../providers/adapters";
import type { KnownProvider, ProviderInterface } from "../providers/known";
import { fail, type Issues, type Mapping } from "./check";
import { azureEndpoint, type readAzure } from "./validate-azure";
import { vertexBaseUrl, type readVertex } from "./validate-vertex";

type Azure = ReturnType<typeof readAzure>;
type Vertex = ReturnType<typeof readVertex>;

/** Where one entry's requests go, and provider-specific settings its adapter reads. */
export interface ProviderEndpoint {
  /** Base URL including the API prefix, without trailing slash (`https://api.openai.com/v1`). */
  readonly baseUrl: string;
  /** Appended to `baseUrl` for a call; `{model}` stands for the upstream model (Azure's deployment). */
  readonly callPath: string;
  /** The header the key travels in when not the interface's own (Azure's `api-key`). */
  readonly keyHeader: string | undefined;
  /** Vertex AI's project and location, and the service account secret (`vertex:`). */
  readonly vertex: NonNullable<Vertex> | undefined;
}

/** A path in `base_url` replaces the provider's default API prefix; no path keeps the default prefix. */
function baseUrlFrom(url: URL, known: KnownProvider | undefined): string {
  const path = url.pathname.replace(/\/+$/, "");
  if (path !== "") return url.origin + path;
  const prefix = known?.baseUrl === undefined ? "/v1" : new URL(known.baseUrl).pathname.replace(/\/+$/, "");
  return url.origin + prefix;
}

interface EndpointKeys {
  readonly provider: string;
  readonly interface: ProviderInterface;
  readonly base_url: URL | undefined;
  readonly azure: Azure;
  readonly vertex: Vertex;
}

/** A provider-specific section on another provider's entry is a mistake worth naming. */
function misplaced(keys: EndpointKeys, raw: Mapping, path: string, issues: Issues): void {
  if (raw.azure !== undefined && keys.provider !== "azure_openai") {
    fail(issues, `${path}.azure`, 'only for "azure_openai/<deployment>" entries');
  }
  if (raw.vertex !== undefined && keys.provider !== "vertex_ai") fail(issues, `${path}.vertex`, 'only for "vertex_ai/<model>" entries');
}

/**
 * The base URL (`base_url`, else the known provider's), the call path and key header of the entry's interface,
 * with Azure's deployment-scoped URLs and Vertex AI's regional endpoint; undefined (reported) when incomplete.
 */
export function providerEndpoint(
  keys: EndpointKeys,
  known: KnownProvider | undefined,
  raw: Mapping,
  path: string,
  issues: Issues,
): ProviderEndpoint | undefined {
  misplaced(keys, raw, path, issues);
  const plain = { callPath: ADAPTERS[keys.interface].path, keyHeader: undefined, vertex: undefined };
  if (keys.provider === "azure_openai") {
    if (keys.base_url) return { ...plain, ...azureEndpoint(keys.base_url, keys.azure) };
    if (raw.base_url === undefined) fail(issues, `${path}.base_url`, 'required for Azure OpenAI, e.g. "https://<resource>.openai.azure.com"');
    return undefined;
  }
  if (keys.provider === "vertex_ai") {
    if (!keys.vertex) {
      if (raw.vertex === undefined) fail(issues, `${path}.vertex`, "required for Vertex AI: project (and location, service_account)");
      return undefined;
    }
    const baseUrl = keys.base_url ? baseUrlFrom(keys.base_url, known) : vertexBaseUrl(keys.vertex.location);
    return { ...plain, baseUrl, vertex: keys.vertex };
  }
  if (keys.base_url) return { ...plain, baseUrl: baseUrlFrom(keys.base_url, known) };
  if (raw.base_url !== undefined) return undefined;
  const baseUrl = known?.baseUrl ?? fail(issues, `${path}.base_url`, `required for provider "${keys.provider}"`);
  return baseUrl === undefined ? undefined : { ...plain, baseUrl };
}
