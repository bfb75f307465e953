import { Cursor, isBlank, isBlankOrEnd } from "./cursor";

const NEWLINE = 10;

const SIMPLE_ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Reads the escape after a backslash in a double-quoted scalar (the cursor on the backslash). */
function readEscape(cursor: Cursor): string {
  const at = cursor.pos;
  const letter = cursor.text[at + 1] ?? "";
  const simple = SIMPLE_ESCAPES[letter];
  if (simple !== undefined) {
    cursor.pos += 2;
    return simple;
  }
  const width = HEX_ESCAPES[letter];
  const hex = width === undefined ? "" : cursor.text.slice(at + 2, at + 2 + width);
  if (width === undefined || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
    cursor.fail(`unknown escape sequence \\${letter} in a double-quoted string: write \\\\ for a backslash`, at);
  }
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) cursor.fail(`escape \\${letter}${hex} is beyond Unicode`, at);
  cursor.pos += 2 + width;
  return width === 4 ? String.fromCharCode(code) : String.fromCodePoint(code);
}

/**
 * Folds the line break at the cursor inside a quoted scalar: one break becomes a space, each further empty line a
 * "\n"; the next line's leading blanks are dropped.
 */
function foldQuotedBreak(cursor: Cursor, quote: string): string {
  let breaks = 0;
  while (cursor.code() === NEWLINE) {
    cursor.newline();
    breaks++;
    if (cursor.atDocumentMarker()) cursor.fail(`a ${quote} string is not closed before the document marker`);
    cursor.skipBlanks();
  }
  return breaks === 1 ? " " : "\n".repeat(breaks - 1);
}

/** Reads a single- or double-quoted scalar (the cursor on its opening quote), with escapes and line folding. */
export function readQuoted(cursor: Cursor): string {
  const quote = cursor.text[cursor.pos] ?? "";
  const start = cursor.pos;
  cursor.pos++;
  let value = "";
  for (;;) {
    const code = cursor.code();
    if (Number.isNaN(code)) cursor.fail(`unexpected end of the text within a quoted string opened here`, start);
    const char = cursor.text[cursor.pos];
    if (char === quote) {
      if (quote === "'" && cursor.code(1) === 39) {
        value += "'";
        cursor.pos += 2;
        continue;
      }
      cursor.pos++;
      return value;
    }
    if (quote === '"' && char === "\\") {
      if (cursor.code(1) === NEWLINE) {
        cursor.pos++;
        cursor.newline();
        cursor.skipBlanks();
      } else value += readEscape(cursor);
    } else if (isBlank(code)) {
      const blanksStart = cursor.pos;
      cursor.skipBlanks();
      if (cursor.code() !== NEWLINE) value += cursor.text.slice(blanksStart, cursor.pos);
    } else if (code === NEWLINE) value += foldQuotedBreak(cursor, quote);
    else {
      value += char;
      cursor.pos++;
    }
  }
}

const FLOW_INDICATORS = new Set([",", "[", "]", "{", "}"]);

/** True when a plain scalar may start at the cursor (not an indicator, not `- `, `? ` or `: `). */
export function canStartPlain(cursor: Cursor, inFlow: boolean): boolean {
  const char = cursor.text[cursor.pos] ?? "";
  if (char === "" || "#&*!|>'\"%@`,[]{}".includes(char) || isBlankOrEnd(cursor.code())) return false;
  if (char === "-" || char === "?" || char === ":") {
    const next = cursor.text[cursor.pos + 1] ?? "";
    return !(isBlankOrEnd(cursor.code(1)) || (inFlow && FLOW_INDICATORS.has(next)));
  }
  return true;
}

/** The end of the plain text on the cursor's line: before `: `, ` #`, the line's end or (in flow) an indicator. */
function plainLineEnd(cursor: Cursor, inFlow: boolean): number {
  const text = cursor.text;
  let end = cursor.pos;
  for (let i = cursor.pos; i < text.length; i++) {
    const char = text[i] ?? "";
    if (char === "\n") break;
    if (char === ":") {
      const next = text[i + 1] ?? "";
      if (isBlankOrEnd(text.charCodeAt(i + 1)) || (inFlow && FLOW_INDICATORS.has(next))) break;
    } else if (char === "#" && isBlank(text.charCodeAt(i - 1))) break;
    else if (inFlow && FLOW_INDICATORS.has(char)) break;
    if (!isBlank(text.charCodeAt(i))) end = i + 1;
  }
  return end;
}

/** Reads one line of a plain scalar; the cursor stops after its last non-blank character. */
export function readPlainLine(cursor: Cursor, inFlow: boolean): string {
  const start = cursor.pos;
  cursor.pos = plainLineEnd(cursor, inFlow);
  return cursor.text.slice(start, cursor.pos);
}

/**
 * Continues a plain scalar over the following lines while they are indented deeper than `parentIndent` (any
 * indentation inside flow collections), folding line breaks as YAML does. The cursor ends after the last text read.
 */
export function continuePlain(cursor: Cursor, firstLine: string, parentIndent: number, inFlow: boolean): string {
  let value = firstLine;
  for (;;) {
    cursor.skipBlanks();
    if (cursor.code() !== NEWLINE) return value;
    const end = { pos: cursor.pos, lineStart: cursor.lineStart };
    let breaks = 0;
    while (cursor.code() === NEWLINE) {
      cursor.newline();
      breaks++;
      cursor.skipBlanks();
    }
    const resumable =
      !cursor.atEnd &&
      !cursor.atDocumentMarker() &&
      !cursor.atLineEnd() &&
      (inFlow || cursor.column > parentIndent);
    if (!resumable) {
      cursor.pos = end.pos;
      cursor.lineStart = end.lineStart;
      return value;
    }
    const line = readPlainLine(cursor, inFlow);
    // A line that reads as `key:` is not text (a plain scalar holds no ": "): leave it to the caller, which reports
    // it as a misplaced mapping entry.
    if (line === "" || (!inFlow && cursor.text[cursor.pos] === ":")) {
      cursor.pos = end.pos;
      cursor.lineStart = end.lineStart;
      return value;
    }
    value += breaks === 1 ? " " : "\n".repeat(breaks - 1);
    value += line;
  }
}
