import type { Attributes } from "@opentelemetry/api";

// The SERVER span's URL attributes (HTTP server semantic conventions: server.address, server.port, url.query), read
// from the request URL string without a URL object per request.

/** Query keys whose values are secrets (compared lower-case): their values are recorded as "REDACTED". */
const SECRET_QUERY_KEYS = new Set([
  "key",
  "api_key",
  "apikey",
  "token",
  "access_token",
  "id_token",
  "refresh_token",
  "sig",
  "signature",
  "password",
  "passwd",
  "secret",
  "client_secret",
  // The semantic conventions' own examples (url.query): AWS and Google signed URLs.
  "awsaccesskeyid",
  "x-goog-signature",
  "x-amz-signature",
  "x-amz-credential",
]);

function redactPair(pair: string): string {
  const eq = pair.indexOf("=");
  if (eq < 0) return pair;
  let name = pair.slice(0, eq);
  try {
    name = decodeURIComponent(name.replaceAll("+", " "));
  } catch {
    // A malformed escape: compared as written.
  }
  return SECRET_QUERY_KEYS.has(name.toLowerCase()) ? `${pair.slice(0, eq)}=REDACTED` : pair;
}

/** `url.query` as it arrived, with the values of secret-looking keys replaced by "REDACTED". */
export function redactQuery(query: string): string {
  return query.split("&").map(redactPair).join("&");
}

function defaultPort(scheme: string): number | undefined {
  if (scheme === "https") return 443;
  if (scheme === "http") return 80;
  return undefined;
}

/**
 * server.address / server.port (the host the client addressed: the URL's authority, as the HTTP server conventions
 * ask) and url.query (without "?", redacted) of an absolute request URL, added to `into`.
 */
export function addUrlAttributes(url: string, scheme: string, into: Attributes): void {
  const authorityStart = url.indexOf("://") + 3;
  let authorityEnd = url.length;
  let queryStart = -1;
  let queryEnd = url.length;
  for (let i = authorityStart; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (authorityEnd === url.length && (code === 47 || code === 63 || code === 35)) authorityEnd = i; // / ? #
    if (code === 63 && queryStart < 0) queryStart = i + 1;
    if (code === 35) {
      queryEnd = i;
      break;
    }
  }
  const authority = url.slice(authorityStart, authorityEnd);
  const hostStart = authority.lastIndexOf("@") + 1;
  const portSep = authority.lastIndexOf(":");
  const bracket = authority.lastIndexOf("]");
  const hasPort = portSep > hostStart && portSep > bracket;
  const host = authority.slice(hostStart, hasPort ? portSep : authority.length).replace(/^\[(.*)\]$/, "$1");
  if (host !== "") into["server.address"] = host;
  const port = hasPort ? Number(authority.slice(portSep + 1)) : defaultPort(scheme);
  if (port !== undefined && Number.isSafeInteger(port)) into["server.port"] = port;
  if (queryStart >= 0 && queryStart < queryEnd) into["url.query"] = redactQuery(url.slice(queryStart, queryEnd));
}
