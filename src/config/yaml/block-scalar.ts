import type { Cursor } from "./cursor";

interface Header {
  literal: boolean;
  chomping: "clip" | "strip" | "keep";
  /** The content's indentation when the header gives it (`|2`), else -1 (taken from the first content line). */
  indent: number;
}

/** Reads `|` or `>` with its chomping (`-`/`+`) and indentation (1-9) indicators, up to the end of the line. */
function readHeader(cursor: Cursor, parentIndent: number): Header {
  const header: Header = { literal: cursor.text[cursor.pos] === "|", chomping: "clip", indent: -1 };
  cursor.pos++;
  for (;;) {
    const char = cursor.text[cursor.pos] ?? "";
    if (char === "+" || char === "-") {
      if (header.chomping !== "clip") cursor.fail("a block scalar takes one chomping indicator (- or +)");
      header.chomping = char === "+" ? "keep" : "strip";
    } else if (char >= "0" && char <= "9") {
      if (char === "0") cursor.fail("a block scalar's indentation indicator is 1-9, not 0");
      if (header.indent >= 0) cursor.fail("a block scalar takes one indentation indicator");
      header.indent = parentIndent + Number(char);
    } else break;
    cursor.pos++;
  }
  cursor.finishLine();
  return header;
}

/** The scalar's lines: text with the content indentation removed, or null for an empty line. */
function readLines(cursor: Cursor, parentIndent: number, indent: number): (string | null)[] {
  const text = cursor.text;
  const lines: (string | null)[] = [];
  let contentIndent = indent;
  let widestEmpty = 0;
  while (!cursor.atEnd) {
    const lineStart = cursor.pos + 1;
    let column = 0;
    while (text.charCodeAt(lineStart + column) === 32) column++;
    const lineEnd = text.indexOf("\n", lineStart);
    const end = lineEnd < 0 ? text.length : lineEnd;
    const empty = lineStart + column === end && (contentIndent < 0 || column <= contentIndent);
    if (!empty) {
      if (contentIndent < 0) {
        if (column <= parentIndent) break;
        if (column < widestEmpty) cursor.fail("a block scalar's leading empty line is indented more than its first line", lineStart);
        contentIndent = column;
      }
      if (column < contentIndent || (column === 0 && /^(?:---|\.\.\.)(?:[ \t\n]|$)/.test(text.slice(lineStart, lineStart + 4)))) break;
    } else widestEmpty = Math.max(widestEmpty, column);
    cursor.newline();
    lines.push(empty ? null : text.slice(lineStart + contentIndent, end));
    cursor.pos = end;
  }
  return lines;
}

/** Joins the lines as a literal (`|`) or folded (`>`) scalar and applies the chomping indicator. */
function joinLines(lines: (string | null)[], header: Header): string {
  let value = "";
  let empties = 0;
  let started = false;
  let previousMoreIndented = false;
  for (const line of lines) {
    if (line === null) {
      empties++;
      continue;
    }
    const moreIndented = line.startsWith(" ") || line.startsWith("\t");
    if (!started) value += "\n".repeat(empties);
    else if (header.literal || moreIndented || previousMoreIndented) value += "\n".repeat(1 + empties);
    else value += empties === 0 ? " " : "\n".repeat(empties);
    previousMoreIndented = moreIndented;
    value += line;
    started = true;
    empties = 0;
  }
  if (header.chomping === "keep") return value + "\n".repeat(started ? 1 + empties : empties);
  if (header.chomping === "clip" && started) return value + "\n";
  return value;
}

/**
 * Reads a literal or folded block scalar (the cursor on `|` or `>`) whose lines are indented deeper than
 * `parentIndent`, the indentation of the collection holding it. The cursor ends at the end of its last line
 * (trailing empty lines included: they belong to the scalar for `+`).
 */
export function readBlockScalar(cursor: Cursor, parentIndent: number): string {
  const header = readHeader(cursor, parentIndent);
  const lines = readLines(cursor, parentIndent, header.indent);
  return joinLines(lines, header);
}
