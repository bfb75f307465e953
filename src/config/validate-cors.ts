import { expectBoolean, expectPositiveInteger, expectStringList, fail, type Issues } from "./check";
import { mapping, required, withDefault, type Frozen } from "./schema";

/** `"*"`, or a list of exact origins (`https://app.example.com`); a `*` in the list allows any origin too. */
function allowOrigins(value: unknown, path: string, issues: Issues): string[] | "*" | undefined {
  if (value === "*") return "*";
  const list = expectStringList(value, path, issues);
  if (!list) return undefined;
  list.forEach((origin, i) => {
    if (origin === "*") return;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      fail(issues, `${path}[${i}]`, `expected an origin like "https://app.example.com", got "${origin}"`);
    }
  });
  return list.includes("*") ? "*" : list;
}

const readCors = mapping({
  allow_origins: required(allowOrigins, 'required: a list of origins, or "*"'),
  allow_credentials: withDefault(expectBoolean, false),
  max_age: withDefault(expectPositiveInteger, 600),
});

/** `cors:` — which browser origins may call the gateway. */
export function validateCors(value: unknown, issues: Issues) {
  const cors = readCors(value, "cors", issues);
  if (!cors) return undefined;
  const origins = cors.allow_origins ?? [];
  if (cors.allow_credentials && origins === "*") {
    fail(issues, "cors.allow_credentials", 'cannot be true with allow_origins "*" (browsers refuse it); list the origins');
  }
  return {
    /** Exact origins, or `*` for any. */
    allowOrigins: origins,
    allowCredentials: cors.allow_credentials,
    /** `Access-Control-Max-Age` of preflight answers. */
    maxAgeSeconds: cors.max_age,
  };
}

/** `cors:` — browser origins allowed to call the gateway. */
export type CorsConfig = Frozen<NonNullable<ReturnType<typeof validateCors>>>;
