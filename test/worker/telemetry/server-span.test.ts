import { describe, expect, it } from "vitest";
import { rawPath } from "../../../src/telemetry/server-span";
import { addUrlAttributes } from "../../../src/telemetry/url-attributes";

describe("rawPath (the SERVER span's url.path)", () => {
  it("is URL.pathname for the URLs Workers hand in: percent-encoding kept, query and fragment dropped", () => {
    const urls = [
      "https://gw.example/v1/chat/completions",
      "http://127.0.0.1:8787/v1/messages?beta=true",
      "https://gw.example/v1/caf%C3%A9%0Ax",
      "https://gw.example/a%2Fb%20c#frag",
      "https://gw.example/v1/chat/complet%69ons?x=/y#z",
      "https://gw.example/",
      "https://user:pw@gw.example:8443/healthz?",
    ];
    for (const url of urls) expect(rawPath(url)).toBe(new URL(url).pathname);
  });
});

describe("addUrlAttributes (the SERVER span's server.address, server.port, url.query)", () => {
  const of = (url: string) => {
    const attrs: Record<string, unknown> = {};
    addUrlAttributes(url, url.slice(0, url.indexOf(":")), attrs);
    return attrs;
  };

  it("agrees with URL for host and port, default ports by scheme", () => {
    for (const url of [
      "https://gw.example/v1/chat/completions",
      "http://127.0.0.1:8787/v1/messages?beta=true",
      "https://user:pw@gw.example:8443/healthz?",
      "http://[::1]:8787/v1/models",
      "https://[2001:db8::1]/v1/models#x",
    ]) {
      const parsed = new URL(url);
      const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
      expect(of(url)).toMatchObject({ "server.address": parsed.hostname.replace(/^\[(.*)\]$/, "$1"), "server.port": port });
    }
  });

  it("url.query only when there is one, without ? and fragment, secrets redacted", () => {
    expect(of("https://gw.example/v1/models")["url.query"]).toBeUndefined();
    expect(of("https://gw.example/v1/models?")["url.query"]).toBeUndefined();
    expect(of("https://gw.example/v1/models?beta=true&token=abc#frag")["url.query"]).toBe("beta=true&token=REDACTED");
  });
});
