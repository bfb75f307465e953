import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate";
import { exporterUrl } from "../../src/telemetry/export/config";
import { samplerFromEnv, thresholdFor } from "../../src/telemetry/propagation/sampler";

// Keeps docs/tracing.md honest: every tracegate config in it validates, every collector config is complete, and the
// sampling tables agree with the sampler. A pure test (no Worker), so it runs on Node in the e2e project.

const DOC_PATH = fileURLToPath(new URL("../../docs/tracing.md", import.meta.url));
const doc = readFileSync(DOC_PATH, "utf8");

interface Block {
  readonly info: string;
  readonly body: string;
  /** 1-based line of the opening fence, for failure messages. */
  readonly line: number;
}

/** Fenced code blocks (``` only), including ones indented inside list items; the indentation is removed. */
function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,})(.*)$/.exec(lines[i] ?? "");
    if (!open) continue;
    const [, indent = "", fence = "```", info = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? "";
      if (line.trim().startsWith(fence) && line.trim().replace(/`/g, "") === "") break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    if (j >= lines.length) throw new Error(`docs/tracing.md:${i + 1}: unclosed code fence`);
    blocks.push({ info: info.trim(), body: body.join("\n"), line: i + 1 });
    i = j;
  }
  return blocks;
}

/** The document's prose, without code blocks (so a `#` comment in a block is not a heading). */
function prose(markdown: string): string {
  return markdown.replace(/^( *)(`{3,}).*\n[\s\S]*?^\1\2\s*$/gm, "");
}

const blocks = fencedBlocks(doc);
const text = prose(doc);
const tracegateBlocks = blocks.filter((b) => b.info === "yaml tracegate");
const collectorBlocks = blocks.filter((b) => b.info === "yaml collector");

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => typeof v === "object" && v !== null && !Array.isArray(v);

const where = (b: Block) => `docs/tracing.md:${b.line}`;

describe("docs/tracing.md structure", () => {
  const headings = [...text.matchAll(/^(#{1,6}) (.+)$/gm)].map((m) => ({ level: m[1]?.length ?? 0, title: m[2] ?? "" }));

  it.each([
    "Overview",
    "How a trace starts",
    "Sampling",
    "Propagation",
    "Span attributes",
    "Export",
    "Instrumenting your app",
    "Integrations",
    "Best practices",
  ])("has the section ## %s", (title) => {
    expect(headings.some((h) => h.level === 2 && h.title === title)).toBe(true);
  });

  it.each(["Jaeger", "AWS X-Ray", "Datadog", "Langtrace", "Honeycomb", "SigNoz", "TypeScript", "Python"])(
    "has a ### section for %s",
    (name) => {
      expect(headings.some((h) => h.level === 3 && h.title.startsWith(name))).toBe(true);
    },
  );

  it("links only to headings that exist", () => {
    // GitHub's anchor rule: lowercase, drop punctuation except - and _, spaces become -.
    const slug = (title: string) =>
      title
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");
    const anchors = new Set(headings.map((h) => slug(h.title)));
    const links = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? "");
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(anchors, `#${link}`).toContain(link);
  });

  it("labels every code block, and every YAML block as tracegate or collector config", () => {
    const allowed = new Set(["yaml tracegate", "yaml collector", "ts", "python", "sh", "toml", "text"]);
    for (const b of blocks) expect(allowed, `${where(b)}: info string "${b.info}"`).toContain(b.info);
    expect(tracegateBlocks.length).toBeGreaterThanOrEqual(10);
    expect(collectorBlocks.length).toBeGreaterThanOrEqual(2);
  });
});

describe("tracegate config blocks", () => {
  it.each(tracegateBlocks.map((b) => [where(b), b] as const))("%s is a valid config", (_at, block) => {
    const parsed = load(block.body);
    expect(isMapping(parsed), "a YAML mapping").toBe(true);
    const config: Mapping = { ...(parsed as Mapping) };
    expect(config.tracing, "shows a tracing: section").toBeDefined();
    // A tracing-only snippet is shown without providers; any valid provider list completes it.
    if (config.model_providers === undefined) config.model_providers = [{ model: "mock/echo" }];
    const result = validateConfig(config);
    expect(result.ok ? "" : result.errors.join("; ")).toBe("");
    // No notices either: nothing in the doc is silently ignored (e.g. a misplaced or Plano-only key).
    expect(result.ok && result.notices).toEqual([]);
  });

  it("uses endpoints that resolve to an OTLP traces path", () => {
    for (const block of tracegateBlocks) {
      // As validated: a plain entry's endpoint as written, a preset's traces URL (from its base or its default).
      const result = validateConfig({ model_providers: [{ model: "mock/echo" }], ...(load(block.body) as Mapping) });
      const exporters = result.ok ? (result.config.tracing?.exporters ?? []) : [];
      for (const e of exporters) {
        expect(exporterUrl(e.endpoint), where(block)).toMatch(/\/(v1\/traces|api\/trace)$/);
      }
    }
  });
});

/** Component ids of one kind (`receivers`, ...) defined at the top level. */
function defined(config: Mapping, kind: string): Set<string> {
  const section = config[kind];
  return new Set(isMapping(section) ? Object.keys(section) : []);
}

function idList(value: unknown, at: string): string[] {
  expect(Array.isArray(value), `${at}: a list`).toBe(true);
  const list = value as unknown[];
  for (const item of list) expect(typeof item, `${at}: component ids`).toBe("string");
  return list as string[];
}

describe("OpenTelemetry Collector config blocks", () => {
  it.each(collectorBlocks.map((b) => [where(b), b] as const))("%s is a complete collector config", (at, block) => {
    const config = load(block.body);
    expect(isMapping(config), "a YAML mapping").toBe(true);
    const c = config as Mapping;
    const receivers = defined(c, "receivers");
    const processors = defined(c, "processors");
    const exporters = defined(c, "exporters");
    const connectors = defined(c, "connectors");
    const extensions = defined(c, "extensions");
    expect(receivers.size, `${at}: receivers`).toBeGreaterThan(0);
    expect(exporters.size, `${at}: exporters`).toBeGreaterThan(0);
    // tracegate speaks OTLP/HTTP only: the receiver must offer it.
    const otlp = (c.receivers as Mapping).otlp;
    expect(isMapping(otlp) && isMapping(otlp.protocols) && "http" in otlp.protocols, `${at}: otlp http receiver`).toBe(
      true,
    );

    expect(isMapping(c.service), `${at}: service`).toBe(true);
    const service = c.service as Mapping;
    expect(isMapping(service.pipelines), `${at}: service.pipelines`).toBe(true);
    const pipelines = service.pipelines as Mapping;
    expect(isMapping(pipelines.traces), `${at}: service.pipelines.traces`).toBe(true);

    const usedAsExporter = new Set<string>();
    const usedAsReceiver = new Set<string>();
    for (const [name, value] of Object.entries(pipelines)) {
      expect(isMapping(value), `${at}: pipeline ${name}`).toBe(true);
      const p = value as Mapping;
      const pr = idList(p.receivers, `${at}: ${name}.receivers`);
      const pe = idList(p.exporters, `${at}: ${name}.exporters`);
      expect(pr.length, `${at}: ${name}.receivers`).toBeGreaterThan(0);
      expect(pe.length, `${at}: ${name}.exporters`).toBeGreaterThan(0);
      for (const id of pr) {
        expect(receivers.has(id) || connectors.has(id), `${at}: ${name} receiver ${id} is defined`).toBe(true);
        usedAsReceiver.add(id);
      }
      for (const id of pe) {
        expect(exporters.has(id) || connectors.has(id), `${at}: ${name} exporter ${id} is defined`).toBe(true);
        usedAsExporter.add(id);
      }
      if (p.processors !== undefined) {
        for (const id of idList(p.processors, `${at}: ${name}.processors`)) {
          expect(processors.has(id), `${at}: ${name} processor ${id} is defined`).toBe(true);
        }
      }
    }
    // A connector is the exporter of one pipeline and the receiver of another.
    for (const id of connectors) {
      expect(usedAsExporter.has(id) && usedAsReceiver.has(id), `${at}: connector ${id} joins two pipelines`).toBe(true);
    }
    if (service.extensions !== undefined) {
      for (const id of idList(service.extensions, `${at}: service.extensions`)) {
        expect(extensions.has(id), `${at}: extension ${id} is defined`).toBe(true);
      }
    }
    // An authenticator named by a receiver must be a defined and enabled extension.
    const enabled = new Set(service.extensions === undefined ? [] : (service.extensions as string[]));
    for (const match of block.body.matchAll(/authenticator: (\S+)/g)) {
      expect(enabled.has(match[1] ?? ""), `${at}: authenticator ${match[1]} is enabled`).toBe(true);
    }
  });
});

/** Data rows of the first markdown table at or after the line containing `marker` (header and separator dropped). */
function tableAfter(marker: string): string[][] {
  const lines = doc.split("\n");
  const start = lines.findIndex((line) => line.includes(marker));
  expect(start, `table at "${marker}"`).toBeGreaterThanOrEqual(0);
  const table: string[] = [];
  for (const line of lines.slice(start)) {
    if (line.startsWith("|")) table.push(line);
    else if (table.length > 0) break;
  }
  return table
    .filter((line) => !/^\|[\s:|-]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim().replace(/`/g, "")),
    );
}

describe("sampling tables match the sampler", () => {
  it("threshold table: th for each random_sampling", () => {
    const rows = tableAfter("| random_sampling | threshold `th` |");
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const [percent = "", th = "", keptFrom = ""] of rows) {
      const expected = thresholdFor(Number(percent));
      expect(th, `${percent}%`).toBe(expected === "" ? "none" : expected);
      if (expected !== "") expect(keptFrom.slice(0, 14), `${percent}%`).toBe(expected.padEnd(14, "0"));
    }
  });

  it("worked example: R is the last 14 hex digits and keep/drop follows R >= T", () => {
    const header = doc.slice(doc.indexOf("| trace id | R (last 14 hex digits) |")).split("\n")[0] ?? "";
    const rates = [...header.matchAll(/\| (\d+(?:\.\d+)?)% \(`([0-9a-f]+)`\)/g)].map((m) => ({
      percent: Number(m[1]),
      th: m[2] ?? "",
    }));
    expect(rates.length).toBe(4);
    for (const rate of rates) expect(thresholdFor(rate.percent)).toBe(rate.th);
    const rows = tableAfter("A worked example.");
    expect(rows.length).toBe(3);
    for (const [traceId = "", r = "", ...decisions] of rows) {
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(r).toBe(traceId.slice(-14));
      rates.forEach((rate, i) => {
        const keep = r >= rate.th.padEnd(14, "0");
        expect(decisions[i], `${traceId} at ${rate.percent}%`).toBe(keep ? "keep" : "drop");
      });
    }
  });

  it("OTEL_TRACES_SAMPLER table", () => {
    const rows = tableAfter("| `OTEL_TRACES_SAMPLER` | equivalent to |");
    expect(rows.length).toBe(6);
    for (const [name = "", equivalent = ""] of rows) {
      const sampler = samplerFromEnv(name, "0.2", undefined);
      const percent = /random_sampling: (\d+|OTEL_TRACES_SAMPLER_ARG × 100)/.exec(equivalent)?.[1];
      const trust = /trust_incoming_sampling: (true|false)/.exec(equivalent)?.[1];
      expect(sampler, name).toBeDefined();
      expect(sampler?.percentage, name).toBe(percent === "OTEL_TRACES_SAMPLER_ARG × 100" ? 20 : Number(percent));
      expect(String(sampler?.trustIncoming), name).toBe(trust);
    }
  });
});
