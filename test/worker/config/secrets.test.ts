import { describe, expect, it } from "vitest";
import { isMalformedReference, resolveSecret, secretName } from "../../../src/config/secrets";

const PATH = "model_providers[0].access_key";
const env = {
  OPENAI_API_KEY: "sk-live-0123456789",
  EMPTY_KEY: "",
  KV_BINDING: { get: () => null },
  OTHER: "sk-other-secret-value",
};

function errorOf(result: ReturnType<typeof resolveSecret>): string {
  if (result.ok) throw new Error("expected an error");
  return result.error;
}

describe("resolveSecret", () => {
  it("reads $NAME and ${NAME} from the bindings", () => {
    expect(resolveSecret("$OPENAI_API_KEY", env, PATH)).toEqual({ ok: true, value: "sk-live-0123456789" });
    expect(resolveSecret("${OPENAI_API_KEY}", env, PATH)).toEqual({ ok: true, value: "sk-live-0123456789" });
    expect(resolveSecret(" $OPENAI_API_KEY ", env, PATH)).toEqual({ ok: true, value: "sk-live-0123456789" });
  });

  it("returns a literal as is, and undefined for no key", () => {
    expect(resolveSecret("sk-literal", env, PATH)).toEqual({ ok: true, value: "sk-literal" });
    expect(resolveSecret("Bearer $OPENAI_API_KEY", env, PATH)).toEqual({ ok: true, value: "Bearer $OPENAI_API_KEY" });
    expect(resolveSecret(undefined, env, PATH)).toEqual({ ok: true, value: undefined });
  });

  it("names the path, the binding and the fix when the secret is missing", () => {
    expect(errorOf(resolveSecret("$ANTHROPIC_API_KEY", env, PATH))).toBe(
      "model_providers[0].access_key: secret ANTHROPIC_API_KEY is not set; set it with `wrangler secret put ANTHROPIC_API_KEY` (or a ANTHROPIC_API_KEY=... line in .dev.vars for wrangler dev)",
    );
    expect(errorOf(resolveSecret("${MISSING}", {}, "x.y"))).toMatch(/^x\.y: secret MISSING is not set; .*wrangler secret put MISSING.*\.dev\.vars/);
  });

  it("rejects an empty secret and a binding that is not text", () => {
    expect(errorOf(resolveSecret("$EMPTY_KEY", env, PATH))).toMatch(
      /^model_providers\[0\]\.access_key: secret EMPTY_KEY is empty; set it with `wrangler secret put EMPTY_KEY`/,
    );
    expect(errorOf(resolveSecret("$KV_BINDING", env, PATH))).toMatch(
      /^model_providers\[0\]\.access_key: binding KV_BINDING is not a text secret or variable; /,
    );
  });

  it("never puts the value of any binding in an error", () => {
    const refs = ["$MISSING", "${MISSING}", "$EMPTY_KEY", "$KV_BINDING", "${KV_BINDING}"];
    const values = Object.values(env).filter((v): v is string => typeof v === "string" && v !== "");
    for (const ref of refs) {
      const error = errorOf(resolveSecret(ref, env, PATH));
      for (const value of values) expect(error).not.toContain(value);
      expect(error).not.toContain("sk-");
    }
  });
});

describe("secretName / isMalformedReference", () => {
  it("recognises only whole-string references", () => {
    expect(secretName("$A_1")).toBe("A_1");
    expect(secretName("${_B}")).toBe("_B");
    expect(secretName("$1A")).toBeUndefined();
    expect(secretName("x$A")).toBeUndefined();
    expect(secretName("$A-B")).toBeUndefined();
  });

  it("flags strings that start like a reference but are not one", () => {
    for (const ref of ["$", "${A", "$A-B", "${}", "$ A"]) expect(isMalformedReference(ref), ref).toBe(true);
    for (const ref of ["$A", "${A}", "sk-abc", "key$A"]) expect(isMalformedReference(ref), ref).toBe(false);
  });
});
