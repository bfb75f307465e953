import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/config/validate";

const config = (responses: unknown) => ({ model_providers: [{ model: "mock/echo" }], responses });

describe("responses (the /v1/responses conversation store)", () => {
  it("reads store_ttl_seconds and max_items, each with its default", () => {
    const result = validateConfig(config({ store_ttl_seconds: 3600 }));
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.config.responsesStore).toEqual({ ttlSeconds: 3600, maxItems: 1000 });
    const absent = validateConfig({ model_providers: [{ model: "mock/echo" }] });
    expect(absent.ok && absent.config.responsesStore).toBeUndefined();
  });

  it("names each bad key by its path", () => {
    const result = validateConfig(config({ store_ttl_seconds: 0, max_item: 5, max_items: "many" }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      'responses.max_item: unknown key (did you mean "max_items"?)',
      "responses.store_ttl_seconds: expected a positive integer, got 0",
      "responses.max_items: expected a positive integer, got a string",
    ]);
  });
});
