import { Cursor, isBlankOrEnd } from "./cursor";
import { readBlockScalar } from "./block-scalar";
import { readFlow } from "./flow";
import { resolvePlain, setEntry } from "./resolve";
import { canStartPlain, continuePlain, readPlainLine, readQuoted } from "./scalars";
import { MAX_DEPTH, refuseMergeKey, refuseUnsupported } from "./unsupported";

/** The block structure of a document: mappings and sequences by indentation, with scalars and flow collections. */
class BlockParser {
  private saved = { pos: 0, lineStart: 0 };

  constructor(private readonly cursor: Cursor) {}

  /** Moves to the next line with content and returns its column (-1: none); `back` undoes the move. */
  private advance(): number {
    this.saved = { pos: this.cursor.pos, lineStart: this.cursor.lineStart };
    return this.cursor.nextContentLine();
  }

  private back(): void {
    this.cursor.pos = this.saved.pos;
    this.cursor.lineStart = this.saved.lineStart;
  }

  private atSequenceEntry(): boolean {
    return this.cursor.text[this.cursor.pos] === "-" && isBlankOrEnd(this.cursor.code(1));
  }

  /**
   * The value after `key:` (`underKey`) or `-`: on the same line, or on the next lines deeper than `parentIndent`;
   * under a key, a sequence may also sit at the key's own indentation. Null when there is none.
   */
  value(parentIndent: number, underKey: boolean, depth: number): unknown {
    this.cursor.skipBlanks();
    if (!this.cursor.atLineEnd()) return this.node(parentIndent, !underKey, depth);
    const column = this.advance();
    if (column > parentIndent) return this.node(parentIndent, true, depth);
    if (underKey && column === parentIndent && this.atSequenceEntry()) return this.sequence(column, depth);
    this.back();
    return null;
  }

  /** A node starting at the cursor; `compact`: a block collection may start here (not after `key: `). */
  node(parentIndent: number, compact: boolean, depth: number): unknown {
    const cursor: Cursor = this.cursor;
    if (depth > MAX_DEPTH) cursor.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const column = cursor.column;
    const at = cursor.pos;
    const char = cursor.text[at];
    refuseUnsupported(cursor);
    if (this.atSequenceEntry()) {
      if (!compact) cursor.fail("a sequence cannot start on the line of its key: start it on the next line");
      return this.sequence(column, depth);
    }
    if (char === "|" || char === ">") return readBlockScalar(cursor, parentIndent);
    if (char === "[" || char === "{") {
      const value = readFlow(cursor, depth + 1);
      cursor.skipBlanks();
      if (cursor.text[cursor.pos] === ":") cursor.fail("complex keys (a collection as a key) are not supported: use a plain or quoted key", at);
      return value;
    }
    let key: string;
    if (char === '"' || char === "'") {
      const text = readQuoted(cursor);
      if (!this.atKeyColon()) return text;
      key = text;
    } else {
      if (!canStartPlain(cursor, false)) cursor.fail(`expected a value, found '${char ?? ""}'`);
      const line = readPlainLine(cursor, false);
      if (!this.atKeyColon()) return resolvePlain(continuePlain(cursor, line, parentIndent, false));
      key = String(resolvePlain(line));
      refuseMergeKey(cursor, line, at);
    }
    if (!compact) cursor.fail("a mapping cannot start on the line of its key: start it on the next line", at);
    return this.mapping(column, key, at, depth);
  }

  /** True at `: ` (or `:` at the line's end) after a key, blanks skipped. */
  private atKeyColon(): boolean {
    this.cursor.skipBlanks();
    return this.cursor.text[this.cursor.pos] === ":" && isBlankOrEnd(this.cursor.code(1));
  }

  /** A key at the start of a mapping's line (the cursor on it), up to its colon. */
  private key(): string {
    const cursor: Cursor = this.cursor;
    const at = cursor.pos;
    const char = cursor.text[at];
    refuseUnsupported(cursor);
    if (this.atSequenceEntry()) cursor.fail("a sequence entry where a mapping key was expected: check the indentation");
    let key: string;
    if (char === '"' || char === "'") key = readQuoted(cursor);
    else if (canStartPlain(cursor, false)) {
      const line = readPlainLine(cursor, false);
      refuseMergeKey(cursor, line, at);
      key = String(resolvePlain(line));
    } else cursor.fail(`expected a mapping key, found '${char ?? ""}'`);
    if (!this.atKeyColon()) cursor.fail('expected "key: value": a mapping entry needs a colon and a blank after its key', at);
    return key;
  }

  private mapping(indent: number, firstKey: string, firstAt: number, depth: number): Record<string, unknown> {
    const cursor: Cursor = this.cursor;
    const map: Record<string, unknown> = {};
    let key = firstKey;
    let at = firstAt;
    for (;;) {
      if (Object.prototype.hasOwnProperty.call(map, key)) cursor.fail("duplicated mapping key", at);
      cursor.pos++;
      setEntry(map, key, this.value(indent, true, depth + 1));
      const column = this.advance();
      if (column > indent) cursor.fail("bad indentation of a mapping entry");
      if (column < indent) {
        this.back();
        return map;
      }
      at = cursor.pos;
      key = this.key();
    }
  }

  private sequence(indent: number, depth: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      this.cursor.pos++;
      items.push(this.value(indent, false, depth + 1));
      const column = this.advance();
      if (column > indent) this.cursor.fail("bad indentation of a sequence entry");
      if (column < indent || !this.atSequenceEntry()) {
        this.back();
        return items;
      }
    }
  }
}

/** The parsed text: how many documents it holds (0 when it has no content) and the first one's value. */
export interface YamlDocuments {
  documents: number;
  value: unknown;
}

const MARKER_LINE = /^(?:---|\.\.\.)(?=[ \t\n]|$)/gm;

/** Counts the documents after the first one, from the cursor (at a document marker or the end). */
function documentsAfter(cursor: Cursor): number {
  const rest = cursor.text.slice(cursor.pos);
  const markers = rest.match(MARKER_LINE) ?? [];
  let documents = markers.filter((marker) => marker === "---").length;
  const afterEnd = /^\.\.\.[^\n]*\n?/.exec(rest);
  // Content after `...` without a `---` is a document of its own.
  if (afterEnd && !/^\s*(?:#[^\n]*\s*)*(?:---|$)/.test(rest.slice(afterEnd[0].length))) documents++;
  return documents;
}

/**
 * Parses YAML text with the YAML 1.2 core schema (as js-yaml's `load` does) into plain values; JSON is YAML.
 * Throws a YamlError with the line and column of the first problem, including the features configs do not need
 * (anchors, aliases, tags, merge and complex keys).
 */
export function parseYaml(source: string): YamlDocuments {
  const cursor = new Cursor(source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"));
  const parser = new BlockParser(cursor);
  if (cursor.contentFromLineStart() < 0 && !cursor.atDocumentMarker()) return { documents: 0, value: undefined };
  refuseUnsupported(cursor);
  let value: unknown;
  if (cursor.text.startsWith("---", cursor.pos) && cursor.atDocumentMarker()) {
    cursor.pos += 3;
    value = parser.value(-1, false, 0);
  } else if (cursor.atDocumentMarker()) return { documents: documentsAfter(cursor), value: undefined };
  else value = parser.node(-1, true, 0);
  if (cursor.nextContentLine() >= 0) cursor.fail("unexpected content after the document: check its indentation");
  return { documents: 1 + documentsAfter(cursor), value };
}
