// What an HTTP header may hold, for headers the gateway sends on a user's say-so: `headers:` of a provider or an
// exporter in the config, and `OTEL_EXPORTER_OTLP_HEADERS`. `fetch` throws on anything else, on every request.

/** RFC 9110 token: the characters a header name may use. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Line breaks and NUL would split or end the header. */
const BREAKS = /[\r\n\0]/;

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

export function isHeaderValue(value: string): boolean {
  return !BREAKS.test(value);
}
