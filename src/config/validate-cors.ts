import { checkKeys, expectBoolean, expectMapping, expectPositiveInteger, expectStringList, fail, type Issues } from "./check";
import type { CorsConfig } from "./types";

const CORS_KEYS = ["allow_origins", "allow_credentials", "max_age"];

/** `cors:` — which browser origins may call the gateway. Exact origins (`https://app.example.com`) or `*`. */
export function validateCors(value: unknown, issues: Issues): CorsConfig | undefined {
  const map = expectMapping(value, "cors", issues);
  if (!map) return undefined;
  checkKeys(map, "cors", { known: CORS_KEYS }, issues);
  let origins: readonly string[] | "*" = [];
  if (map.allow_origins === undefined) fail(issues, "cors.allow_origins", 'required: a list of origins, or "*"');
  else if (map.allow_origins === "*") origins = "*";
  else {
    const list = expectStringList(map.allow_origins, "cors.allow_origins", issues) ?? [];
    list.forEach((origin, i) => {
      if (origin === "*") return;
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.origin !== origin) {
        fail(issues, `cors.allow_origins[${i}]`, `expected an origin like "https://app.example.com", got "${origin}"`);
      }
    });
    origins = list.includes("*") ? "*" : list;
  }
  const credentials =
    map.allow_credentials === undefined ? false : (expectBoolean(map.allow_credentials, "cors.allow_credentials", issues) ?? false);
  if (credentials && origins === "*") {
    fail(issues, "cors.allow_credentials", 'cannot be true with allow_origins "*" (browsers refuse it); list the origins');
  }
  const maxAge = map.max_age === undefined ? 600 : (expectPositiveInteger(map.max_age, "cors.max_age", issues) ?? 600);
  return { allowOrigins: origins, allowCredentials: credentials, maxAgeSeconds: maxAge };
}
