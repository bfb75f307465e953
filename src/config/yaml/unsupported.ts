import { isBlankOrEnd, type Cursor } from "./cursor";

/** Nesting deeper than this is refused (a config never comes close; the parsers recurse once per level). */
export const MAX_DEPTH = 500;

function named(cursor: Cursor): string {
  return /^[^\s,[\]{}]*/.exec(cursor.text.slice(cursor.pos, cursor.pos + 64))?.[0] ?? "";
}

/**
 * Refuses the YAML features configs do not need, with what to write instead: anchors and aliases, tags, complex
 * keys, directives and the reserved `@` and backtick. Does nothing at any other character.
 */
export function refuseUnsupported(cursor: Cursor): void {
  const char = cursor.text[cursor.pos];
  const at = `at column ${cursor.column + 1}`;
  switch (char) {
    case "&":
    case "*":
      cursor.fail(
        `anchors and aliases (${named(cursor)} ${at}) are not supported: write the value out in each place it is used`,
      );
    case "!":
      cursor.fail(`tags (${named(cursor)} ${at}) are not supported: remove the tag, and quote the value if it is text`);
    case "%":
      cursor.fail(`directives (${named(cursor)} ${at}) are not supported: remove the line`);
    case "@":
    case "`":
      cursor.fail(`'${char}' ${at} cannot start a plain value: quote the value`);
    case "?":
      if (isBlankOrEnd(cursor.code(1))) {
        cursor.fail(`complex keys ('? ' ${at}) are not supported: write the key as "key: value"`);
      }
  }
}

/** Refuses the merge key `<<` (js-yaml's default schema would read it as an ordinary key named "<<"). */
export function refuseMergeKey(cursor: Cursor, key: string, at: number): void {
  if (key === "<<") {
    cursor.fail(`merge keys (<< at column ${at - cursor.lineStart + 1}) are not supported: write the keys out in this mapping`, at);
  }
}
