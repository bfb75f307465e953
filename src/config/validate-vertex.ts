import { expectString, fail, type Issues } from "./check";
import { mapping, optional, required, withDefault } from "./schema";
import { secretName } from "./secrets";

function projectId(value: unknown, path: string, issues: Issues): string | undefined {
  const text = expectString(value, path, issues);
  if (text === undefined || /^[a-z0-9][a-z0-9.:-]*$/.test(text)) return text;
  return fail(issues, path, 'expected a Google Cloud project id such as "my-project"');
}

function location(value: unknown, path: string, issues: Issues): string | undefined {
  const text = expectString(value, path, issues);
  if (text === undefined || /^[a-z0-9-]+$/.test(text)) return text;
  return fail(issues, path, 'expected a Vertex AI location such as "us-central1" or "global"');
}

/** A service-account key file is a secret: only as a `$NAME` reference, never written into the config. */
function serviceAccount(value: unknown, path: string, issues: Issues): string | undefined {
  const text = expectString(value, path, issues);
  if (text === undefined || secretName(text) !== undefined) return text;
  return fail(issues, path, "expected a $NAME reference to a secret holding the service account's JSON key file");
}

/** `vertex:` of a `vertex_ai/<model>` entry. */
export const readVertex = mapping({
  project: required(projectId, 'required, the Google Cloud project id (e.g. "my-project")'),
  location: withDefault(location, "us-central1"),
  /** `$NAME` of a secret holding a service account's JSON key; else `access_key` is an OAuth access token. */
  service_account: optional(serviceAccount),
});

/** Vertex AI's regional endpoint (`global` has no region prefix). */
export function vertexBaseUrl(region: string): string {
  return region === "global" ? "https://aiplatform.googleapis.com/v1" : `https://${region}-aiplatform.googleapis.com/v1`;
}
