import { describe, expect, it } from "vitest";
import { rawPath } from "../../../src/telemetry/server-span";

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
