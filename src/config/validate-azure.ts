import { expectOneOf, expectString, fail, type Issues } from "./check";
import { mapping, withDefault } from "./schema";

/** The `api-version` Plano sends to Azure OpenAI's deployment-scoped URLs. */
export const DEFAULT_AZURE_API_VERSION = "2025-01-01-preview";

const AZURE_AUTH = ["api_key", "entra"] as const;

function apiVersion(value: unknown, path: string, issues: Issues): string | undefined {
  const text = expectString(value, path, issues);
  if (text === undefined || /^[A-Za-z0-9._-]+$/.test(text)) return text;
  return fail(issues, path, 'expected an Azure API version such as "2025-01-01-preview"');
}

/** `azure:` of an `azure_openai/<deployment>` entry: the `api-version` and how the key travels. */
export const readAzure = mapping({
  api_version: withDefault(apiVersion, DEFAULT_AZURE_API_VERSION),
  /** `api_key`: the `api-key` header; `entra`: a Microsoft Entra ID token as `Authorization: Bearer`. */
  auth: withDefault((v: unknown, p: string, i: Issues) => expectOneOf(v, AZURE_AUTH, p, i), "api_key"),
});

type AzureSettings = NonNullable<ReturnType<typeof readAzure>>;

/** Where an Azure OpenAI entry's requests go: base URL, the path after it, and the header its key travels in. */
export interface AzureEndpoint {
  readonly baseUrl: string;
  /** Appended to `baseUrl`; `{model}` stands for the deployment. */
  readonly callPath: string;
  readonly keyHeader: string | undefined;
}

/**
 * Azure's two URL forms, decided by `base_url` as Plano does: `https://<resource>.openai.azure.com` (or with a path
 * of one's own) is deployment-scoped, `{base}/openai/deployments/{deployment}/chat/completions?api-version=…`;
 * a base ending in `/openai/v1` is the newer form, `{base}/chat/completions` with the deployment as `model`.
 */
export function azureEndpoint(base: URL, settings: AzureSettings | undefined): AzureEndpoint {
  const keyHeader = settings?.auth === "entra" ? undefined : "api-key";
  const path = base.pathname.replace(/\/+$/, "");
  if (path.endsWith("/openai/v1")) return { baseUrl: base.origin + path, callPath: "/chat/completions", keyHeader };
  const version = settings?.api_version ?? DEFAULT_AZURE_API_VERSION;
  return {
    baseUrl: base.origin + (path === "" ? "/openai/deployments" : path),
    callPath: `/{model}/chat/completions?api-version=${version}`,
    keyHeader,
  };
}
