/** A syntax error in YAML text, with the 1-based line and column where it was found. */
export class YamlError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} (line ${line}, column ${column})`);
    this.name = "YamlError";
  }
}

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const HASH = 35;

/** True for a space or a tab. */
export function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** True for a space, a tab, a line break or the end of the text (NaN). */
export function isBlankOrEnd(code: number): boolean {
  return code === SPACE || code === TAB || code === NEWLINE || Number.isNaN(code);
}

/**
 * A position in YAML text (line breaks normalized to "\n") and the moves the parsers share: skipping blanks,
 * comments and empty lines, and failing with the line and column of a position.
 */
export class Cursor {
  pos = 0;
  /** Index of the first character of the line `pos` is on. */
  lineStart = 0;

  constructor(readonly text: string) {}

  /** The character code at `pos + ahead` (NaN past the end). */
  code(ahead = 0): number {
    return this.text.charCodeAt(this.pos + ahead);
  }

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  get column(): number {
    return this.pos - this.lineStart;
  }

  /** Throws a YamlError at `at` (default: the current position). */
  fail(reason: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (this.text.charCodeAt(i) === NEWLINE) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new YamlError(reason, line, at - lineStart + 1);
  }

  /** Steps over a "\n" at `pos`. */
  newline(): void {
    this.pos++;
    this.lineStart = this.pos;
  }

  skipBlanks(): void {
    while (isBlank(this.code())) this.pos++;
  }

  /** True at a line break, the end, or a comment (a `#` at a line's start or after a blank). */
  atLineEnd(): boolean {
    const code = this.code();
    if (code === NEWLINE || Number.isNaN(code)) return true;
    return code === HASH && (this.pos === this.lineStart || isBlank(this.text.charCodeAt(this.pos - 1)));
  }

  /** Skips blanks and a comment, then requires the end of the line (not consumed). */
  finishLine(): void {
    this.skipBlanks();
    if (!this.atLineEnd()) this.fail("unexpected content after a value: one value per line; quote it if it is text");
    if (this.code() === HASH) {
      const end = this.text.indexOf("\n", this.pos);
      this.pos = end < 0 ? this.text.length : end;
    }
  }

  /** True at `---` or `...` at a line's start, followed by a blank, a line break or the end. */
  atDocumentMarker(): boolean {
    if (this.pos !== this.lineStart) return false;
    const marker = this.text.slice(this.pos, this.pos + 3);
    return (marker === "---" || marker === "...") && isBlankOrEnd(this.code(3));
  }

  /**
   * From the end of a line, moves to the first character of the next line that holds content (not blank, not a
   * comment) and returns its column; returns -1 at the end of the text or at a document marker. Block indentation
   * is spaces only: a tab before content is refused.
   */
  nextContentLine(): number {
    this.finishLine();
    if (this.atEnd) return -1;
    this.newline();
    return this.contentFromLineStart();
  }

  /** nextContentLine from the start of a line (the text's first line included). */
  contentFromLineStart(): number {
    for (;;) {
      while (this.code() === SPACE) this.pos++;
      const indentEnd = this.pos;
      this.skipBlanks();
      if (!this.atLineEnd()) {
        if (this.pos !== indentEnd) this.fail("tab characters must not be used in indentation", indentEnd);
        return this.atDocumentMarker() ? -1 : this.column;
      }
      this.finishLine();
      if (this.atEnd) return -1;
      this.newline();
    }
  }
}
