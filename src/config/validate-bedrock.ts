import { expectString, fail, type Issues, type Mapping } from "./check";
import { optional } from "./schema";
import { isMalformedReference } from "./secrets";

/** The provider prefix of Amazon Bedrock entries, as Plano spells it (`amazon_bedrock/<model id>`). */
export const BEDROCK_PROVIDER = "amazon_bedrock";

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The region in a Bedrock runtime host: `bedrock-runtime(-fips).<region>.amazonaws.com(.cn)`, VPC endpoints too. */
const RUNTIME_HOST = /(?:^|\.)bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

function secretRef(value: unknown, path: string, issues: Issues): string | undefined {
  const ref = expectString(value, path, issues);
  if (ref === undefined || !isMalformedReference(ref)) return ref;
  return fail(issues, path, "malformed secret reference; write $NAME or ${NAME}");
}

function region(value: unknown, path: string, issues: Issues): string | undefined {
  const text = expectString(value, path, issues);
  if (text === undefined || REGION.test(text)) return text;
  return fail(issues, path, `expected an AWS region such as "us-east-1", got "${text}"`);
}

/**
 * The keys only `amazon_bedrock` entries take. Plano's own Bedrock entries have `access_key` (a Bedrock API key,
 * sent as a bearer token) and `base_url`; these add SigV4: `access_key` is then the access key id.
 */
export const BEDROCK_FIELDS = {
  aws_secret_access_key: optional(secretRef),
  aws_session_token: optional(secretRef),
  region: optional(region),
};

/** What an entry's Bedrock keys read to (with the keys every entry has that Bedrock's checks need). */
interface BedrockKeys {
  readonly aws_secret_access_key: string | undefined;
  readonly aws_session_token: string | undefined;
  readonly region: string | undefined;
  readonly base_url: URL | undefined;
}

/** A Bedrock entry's settings: the region for SigV4 and the unresolved `$VAR` references of the SigV4 secrets. */
export interface BedrockSettings {
  /** The signing region; undefined only with bearer auth and a `base_url` whose host names none. */
  readonly region: string | undefined;
  /** Set for SigV4 (`access_key` is then the access key id); unset: `access_key` is a Bedrock API key. */
  readonly secretAccessKey: string | undefined;
  readonly sessionToken: string | undefined;
}

/** Errors for Bedrock keys on an entry of another provider. */
export function rejectBedrockKeys(entry: BedrockKeys, provider: string, path: string, issues: Issues): void {
  for (const key of Object.keys(BEDROCK_FIELDS) as (keyof typeof BEDROCK_FIELDS)[]) {
    if (entry[key] !== undefined) fail(issues, `${path}.${key}`, `only for ${BEDROCK_PROVIDER} providers, not "${provider}"`);
  }
}

/**
 * An `amazon_bedrock` entry's base URL (`base_url`, else the region's runtime endpoint) and settings; undefined after
 * reporting what is missing. The region comes from `region`, else from a `base_url` host that names it. `raw` tells
 * an absent key from a wrong one (already reported).
 */
export function readBedrock(
  entry: BedrockKeys,
  raw: Mapping,
  path: string,
  issues: Issues,
): { baseUrl: string; settings: BedrockSettings } | undefined {
  const url = entry.base_url;
  const hostRegion = url ? RUNTIME_HOST.exec(url.hostname)?.[1] : undefined;
  const signingRegion = entry.region ?? hostRegion;
  const sigV4 = raw.aws_secret_access_key !== undefined;
  const errorsBefore = issues.errors.length;
  if (raw.base_url === undefined && raw.region === undefined) {
    fail(issues, `${path}.region`, `required for ${BEDROCK_PROVIDER} without a base_url (e.g. "us-east-1")`);
  } else if (sigV4 && signingRegion === undefined && raw.region === undefined) {
    fail(issues, `${path}.region`, "required for SigV4 when the base_url host does not name the region");
  }
  if (sigV4 && raw.access_key === undefined) {
    fail(issues, `${path}.access_key`, "required with aws_secret_access_key: the access key id (e.g. $AWS_ACCESS_KEY_ID)");
  }
  if (!sigV4 && raw.aws_session_token !== undefined) {
    fail(issues, `${path}.aws_session_token`, "only with aws_secret_access_key (SigV4)");
  }
  if (issues.errors.length > errorsBefore || (url === undefined && signingRegion === undefined)) return undefined;
  const baseUrl = url ? url.origin + url.pathname.replace(/\/+$/, "") : `https://bedrock-runtime.${signingRegion}.amazonaws.com`;
  return {
    baseUrl,
    settings: { region: signingRegion, secretAccessKey: entry.aws_secret_access_key, sessionToken: entry.aws_session_token },
  };
}
