import fc from "fast-check";
import { dump, load, loadAll, type DumpOptions } from "js-yaml";
import { describe, expect, it } from "vitest";
import bundledText from "../../../gateway.config.yaml";
import { parseConfigText } from "../../../src/config/load";
import { YamlError } from "../../../src/config/yaml/cursor";
import { parseYaml } from "../../../src/config/yaml/parse";

// Every fixture's text (YAML, and JSON, which is YAML), read raw so both parsers see the same bytes.
const fixtures = (import.meta as ImportMeta & { glob: (pattern: string[], options: object) => Record<string, string> }).glob(
  ["../../fixtures/**/*.yaml", "../../fixtures/**/*.json"],
  { query: "?raw", import: "default", eager: true },
);

/** Our parser's single document, failing the test when the text holds another count. */
function parseOne(text: string): unknown {
  const parsed = parseYaml(text);
  expect(parsed.documents).toBe(1);
  return parsed.value;
}

function errorOf(text: string): { reason: string; line: number; column: number } {
  try {
    parseYaml(text);
  } catch (error) {
    if (error instanceof YamlError) return { reason: error.reason, line: error.line, column: error.column };
    throw error;
  }
  throw new Error(`expected a YAML error for ${JSON.stringify(text)}`);
}

describe("parseYaml agrees with js-yaml", () => {
  it("on every fixture and the bundled config", () => {
    const texts = Object.entries(fixtures);
    expect(texts.length).toBeGreaterThanOrEqual(17);
    expect(texts.filter(([path]) => path.includes("/plano/")).length).toBe(7);
    for (const [path, text] of [...texts, ["gateway.config.yaml", bundledText] as const]) {
      expect(parseOne(text), path).toEqual(load(text));
    }
  });

  const constructs: Record<string, string> = {
    "nested maps and sequences": "a:\n  b:\n    c: 1\n  d: [x, {y: z}]\n",
    "compact maps in sequences": "- name: a\n  value: 1\n- name: b\n  list:\n    - 1\n    - 2\n",
    "a sequence at its key's indentation": "a:\n- 1\n- 2\nb: 3\n",
    "nested sequences": "- - a\n  - b\n- - - c\n",
    "empty values": "a:\nb: ~\nc: null\nlist:\n  -\n  - \n",
    "flow collections over lines": "a: [1, 2,\n  3]\nb: {x: 1, 'y': \"2\",\n  z: [ ]}\nc: [a: 1, b]\n",
    "core schema": "a: 0x1F\nb: 0o17\nc: +12\nd: -3\ne: 1e3\nf: .5\ng: -.INF\nh: .NaN\ni: 1_000\nj: 0b11\nk: 010\nl: True\nm: FALSE\nn: yes\no: Null\np: 12:30\nq: -0x1\n",
    "keys the schema reads": "1: a\n2.50: b\n0x10: h\ntrue: c\n~: d\n.inf: e\n\"quoted\": f\n'single': g\n",
    "comments": "# top\na: 1 # after\nb: 'x # y' # after\nc: x#y\nd: \"#\"\n  # indented comment\ne: [1, # in flow\n  2]\n",
    "quoted scalars": "a: 'it''s'\nb: \"\\t\\u00e9\\U0001F600\\x41\\0\\a\\b\\v\\f\\r\\e\\ \\\"\\/\\\\\\N\\_\\L\\P\"\nc: \"a\\\n  b\"\nd: \"x\n\n  y\n  z\"\ne: 'l1\n  l2'\n",
    "plain scalars over lines": "a: one\n  two\n\n  three\n- not: a key\n".replace("- not: a key\n", "b: x:y, [z] {w}\n"),
    "literal block scalars": "a: |\n  line\n\n    indented\n  last\nb: |-\n  strip\n\n\nc: |+\n  keep\n\n\nd: |2\n    two extra\ne: |\n\nf: 1\n",
    "folded block scalars": "a: >\n  folded\n  text\n\n  para\n    more\n    lines\n  back\nb: >-\n  x\n  y\nc: >+\n  k\n\nd: >1-\n   lead\n",
    "block scalars in sequences": "- |\n  a\n- >-\n  b\n  c\n- k: |2\n     d\n",
    "document markers": "---\na: 1\n...\n",
    "JSON": '{"a": [1, 2.5, -3e2, {"b": null}], "c": "d\\u00e9\\n", "e": true, "f": {}}',
    "JSON indented with tabs": '{\n\t"a": [\n\t\t1\n\t],\n\t"b": "x"\n}\n',
    "CRLF line breaks": "a: 1\r\nb:\r\n  - x\r\n",
    "proto key": "__proto__: 1\nconstructor: 2\n",
  };
  for (const [name, text] of Object.entries(constructs)) {
    it(name, () => {
      expect(parseOne(text)).toEqual(load(text));
    });
  }

  it("counts documents like js-yaml's loadAll", () => {
    for (const text of ["", "# only a comment\n", "a: 1\n---\n", "---\na: 1\n", "a: 1\n...\nb: 2\n", "---\na: 1\n---\nb: 2\n---\nc: 3\n"]) {
      expect(parseYaml(text).documents, text).toBe(loadAll(text).length);
    }
  });
});

// Config-like values: nested maps and arrays whose strings are the ones a YAML writer must quote or fold.
const tricky = fc.constantFrom(
  "a: b", "#", "a #b", " lead", "trail ", "'q'", '"d"', "yes", "no", "null", "~", "1e3", "0x1F", ".inf", "-", "- x",
  "? x", ":", "a:b", "[x]", "{y}", "&a", "*b", "!t", "%p", "@", "`", "é", "日本", "😀", "line\nbreak", "two\n\nbreaks",
  "\ttab", "back\\slash", "", " ", "\n", "trailing\n", "x\n ", "---", "...", "a\u0085b", "\u2028", "\x07", "True",
  "+1", "-0", "1_000", "010", "12:30",
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  tricky,
  fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join("")),
  fc.string({ unit: fc.constantFrom("a", " ", "\n", ":", "#", "-", "'", '"', "\\", "x") }),
);
// js-yaml writes a key holding a line break as a complex key (`? `), which tracegate refuses; config keys never do.
const key = text.filter((k) => !k.includes("\n"));
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { node } = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(key, tie("node"), { maxKeys: 4 })),
}));
const config = fc.dictionary(key, node, { maxKeys: 5 });

describe("parseYaml reads back what js-yaml dumps", () => {
  const styles: Record<string, DumpOptions> = {
    default: {},
    "flowLevel: 1": { flowLevel: 1 },
    "lineWidth: 20": { lineWidth: 20 },
    forceQuotes: { forceQuotes: true },
    "quoteStyle: double": { quoteStyle: "double" },
    "flowLevel: 0, indent: 4": { flowLevel: 0, indent: 4 },
    "seqNoIndent, lineWidth: 20": { seqNoIndent: true, lineWidth: 20 },
    "compact flow": { flowLevel: 1, flowSkipCommaSpace: true, flowSkipColonSpace: true, flowBracketPadding: true },
    "seqInlineFirst, forced double quotes": { seqInlineFirst: true, quoteStyle: "double", forceQuotes: true },
    "flowLevel: 2, lineWidth: 20, quoteFlowKeys": { flowLevel: 2, lineWidth: 20, quoteFlowKeys: true },
  };
  for (const [name, options] of Object.entries(styles)) {
    it(name, () => {
      fc.assert(
        fc.property(config, (value) => {
          const dumped = dump(value, options);
          // js-yaml writes a key like "--- x" plain, then refuses it as a document marker: nothing to compare.
          fc.pre(!/^(?:---|\.\.\.)(?:[ \t\n]|$)/m.test(dumped));
          expect(parseOne(dumped)).toEqual(value);
          expect(parseOne(dumped)).toEqual(load(dumped));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("JSON, compact and indented", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(undefined, 2, "\t"), (value, indent) => {
        const json = JSON.stringify(value, null, indent);
        expect(parseOne(json)).toEqual(JSON.parse(json));
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseYaml errors", () => {
  const cases: [string, string, number, number, RegExp][] = [
    ["tab indentation", "a:\n\tb: 1\n", 2, 1, /^tab characters must not be used in indentation$/],
    ["duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, /^duplicated mapping key$/],
    ["duplicate flow key", "x: {a: 1, a: 2}\n", 1, 11, /^duplicated mapping key$/],
    ["unclosed flow mapping", '{"a": [\n  1,\n]\n', 1, 1, /^unexpected end of the text within a flow collection/],
    ["missing comma", 'a: ["x" 1]\n', 1, 9, /^expected ',' or '\]'/],
    ["unclosed quote", "a: 'x\n", 1, 4, /^unexpected end of the text within a quoted string/],
    ["unknown escape", 'a: "\\q"\n', 1, 5, /^unknown escape sequence \\q/],
    ["bad mapping indentation", "a:\n  b: 1\n   c: 2\n", 3, 4, /^bad indentation of a mapping entry$/],
    ["bad sequence indentation", "- [a]\n  - b\n", 2, 3, /^bad indentation of a sequence entry$/],
    ["mapping on its key's line", "a: b: c\n", 1, 4, /^a mapping cannot start on the line of its key/],
    ["sequence on its key's line", "a: - b\n", 1, 4, /^a sequence cannot start on the line of its key/],
    ["missing colon", "a: 1\nb\n", 2, 1, /^expected "key: value"/],
    ["anchor", "base: &defaults\n  x: 1\n", 1, 7, /^anchors and aliases \(&defaults at column 7\) are not supported: write the value out/],
    ["alias", "a: 1\nb: *a\n", 2, 4, /^anchors and aliases \(\*a at column 4\) are not supported/],
    ["alias in flow", "a: [1, *x]\n", 1, 8, /^anchors and aliases \(\*x at column 8\)/],
    ["tag", "a: !!str 1\n", 1, 4, /^tags \(!!str at column 4\) are not supported: remove the tag/],
    ["merge key", "a:\n  <<: {x: 1}\n", 2, 3, /^merge keys \(<< at column 3\) are not supported: write the keys out/],
    ["complex key", "? a\n: b\n", 1, 1, /^complex keys \('\? ' at column 1\) are not supported/],
    ["directive", "%YAML 1.2\n---\na: 1\n", 1, 1, /^directives \(%YAML at column 1\) are not supported: remove the line$/],
    ["reserved indicator", "a: @x\n", 1, 4, /^'@' at column 4 cannot start a plain value: quote the value$/],
    ["content after the root", "  a: 1\nb: 2\n", 2, 1, /^unexpected content after the document/],
    ["deep block nesting", Array.from({ length: 700 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"), 502, 502, /^nesting deeper than 500 levels$/],
    ["deep flow nesting", `a: ${"[".repeat(600)}`, 1, 503, /^nesting deeper than 500 levels$/],
  ];
  for (const [name, source, line, column, reason] of cases) {
    it(name, () => {
      const error = errorOf(source);
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.reason).toMatch(reason);
    });
  }

  it("reach the config's message with their line", () => {
    expect(parseConfigText("model_providers:\n  - model: mock/echo\n    base: &b x\n")).toEqual({
      ok: false,
      errors: [
        "config: invalid YAML at line 3: anchors and aliases (&b at column 11) are not supported: write the value out in each place it is used",
      ],
    });
  });
});
