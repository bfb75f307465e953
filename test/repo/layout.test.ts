import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The house rules of docs/architecture.md, checked so they stay true: small files, small functions, small folders.
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
const MAX_FILES_PER_TELEMETRY_FOLDER = 10;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** Every function-like node with more lines than the limit, as "file:line name (N lines)". */
function longFunctions(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : "(anonymous)";
      if (end - start + 1 > MAX_FUNCTION_LINES) found.push(`${file}:${start + 1} ${name} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("source layout", () => {
  const files = sourceFiles("src");

  it(`no file in src/ is over ${MAX_FILE_LINES} lines`, () => {
    const long = files.filter((f) => readFileSync(f, "utf8").split("\n").length > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`no function in src/ is over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap(longFunctions)).toEqual([]);
  });

  it(`each src/telemetry/ folder holds at most ${MAX_FILES_PER_TELEMETRY_FOLDER} files`, () => {
    const counts = new Map<string, number>();
    for (const f of files.filter((f) => f.startsWith(path.join("src", "telemetry")))) {
      counts.set(path.dirname(f), (counts.get(path.dirname(f)) ?? 0) + 1);
    }
    const crowded = [...counts].filter(([, n]) => n > MAX_FILES_PER_TELEMETRY_FOLDER);
    expect(crowded).toEqual([]);
    expect(counts.size).toBeGreaterThanOrEqual(5);
  });
});
