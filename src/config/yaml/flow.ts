import { isBlank, isBlankOrEnd, type Cursor } from "./cursor";
import { resolvePlain, setEntry } from "./resolve";
import { canStartPlain, continuePlain, readPlainLine, readQuoted } from "./scalars";
import { MAX_DEPTH, refuseUnsupported } from "./unsupported";

interface FlowNode {
  value: unknown;
  /** The node as a mapping key: a quoted scalar's text, a plain one's value as a string; none for a collection. */
  key: string | undefined;
  /** A plain scalar needs a blank after its `:`; a quoted one or a collection may be followed by `:` directly. */
  plain: boolean;
  at: number;
}

const CLOSERS = new Set([",", "]", "}"]);

/** Skips blanks, line breaks and comments inside a flow collection; the text may not end there. */
function skipFlowSpace(cursor: Cursor, openedAt: number): void {
  for (;;) {
    const code = cursor.code();
    if (isBlank(code)) cursor.pos++;
    else if (code === 10) cursor.newline();
    else if (code === 35 && (cursor.pos === cursor.lineStart || isBlank(cursor.code(-1)))) {
      const end = cursor.text.indexOf("\n", cursor.pos);
      cursor.pos = end < 0 ? cursor.text.length : end;
    } else break;
  }
  if (cursor.atEnd) cursor.fail("unexpected end of the text within a flow collection opened here", openedAt);
  if (cursor.atDocumentMarker()) cursor.fail("a flow collection opened here is not closed before the document marker", openedAt);
}

function flowNode(cursor: Cursor, depth: number): FlowNode {
  const at = cursor.pos;
  const char = cursor.text[at];
  if (char === "[" || char === "{") return { value: readFlow(cursor, depth + 1), key: undefined, plain: false, at };
  if (char === '"' || char === "'") {
    const text = readQuoted(cursor);
    return { value: text, key: text, plain: false, at };
  }
  refuseUnsupported(cursor);
  if (!canStartPlain(cursor, true)) cursor.fail(`expected a value in the flow collection, found '${char ?? ""}'`);
  const value = resolvePlain(continuePlain(cursor, readPlainLine(cursor, true), -1, true));
  return { value, key: String(value), plain: true, at };
}

function keyOf(cursor: Cursor, node: FlowNode): string {
  if (node.key === undefined) cursor.fail("complex keys (a collection as a key) are not supported: use a plain or quoted key", node.at);
  return node.key;
}

/** Reads `node` or `key: value` (a value may be empty: null). */
function flowEntry(cursor: Cursor, depth: number, openedAt: number): { key: FlowNode; value: unknown } | FlowNode {
  const node = flowNode(cursor, depth);
  skipFlowSpace(cursor, openedAt);
  if (cursor.text[cursor.pos] !== ":" || !(!node.plain || isBlankOrEnd(cursor.code(1)) || CLOSERS.has(cursor.text[cursor.pos + 1] ?? ""))) {
    return node;
  }
  cursor.pos++;
  skipFlowSpace(cursor, openedAt);
  const value = CLOSERS.has(cursor.text[cursor.pos] ?? "") ? null : flowNode(cursor, depth).value;
  return { key: node, value };
}

/** After an entry: a comma (consumed) or the closing bracket (left); true when the collection goes on. */
function afterEntry(cursor: Cursor, closer: string, openedAt: number): boolean {
  skipFlowSpace(cursor, openedAt);
  const char = cursor.text[cursor.pos];
  if (char === ",") {
    cursor.pos++;
    return true;
  }
  if (char !== closer) cursor.fail(`expected ',' or '${closer}' in the flow collection, found '${char ?? ""}'`);
  return false;
}

function readSequence(cursor: Cursor, depth: number, openedAt: number): unknown[] {
  const items: unknown[] = [];
  do {
    skipFlowSpace(cursor, openedAt);
    if (cursor.text[cursor.pos] === "]") break;
    const entry = flowEntry(cursor, depth, openedAt);
    if ("at" in entry) items.push(entry.value);
    else {
      const pair: Record<string, unknown> = {};
      setEntry(pair, keyOf(cursor, entry.key), entry.value);
      items.push(pair);
    }
  } while (afterEntry(cursor, "]", openedAt));
  cursor.pos++;
  return items;
}

function readMapping(cursor: Cursor, depth: number, openedAt: number): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  do {
    skipFlowSpace(cursor, openedAt);
    if (cursor.text[cursor.pos] === "}") break;
    const entry = flowEntry(cursor, depth, openedAt);
    const [key, value] = "at" in entry ? [entry, null] : [entry.key, entry.value];
    if (!setEntry(map, keyOf(cursor, key), value)) cursor.fail("duplicated mapping key", key.at);
  } while (afterEntry(cursor, "}", openedAt));
  cursor.pos++;
  return map;
}

/** Reads a flow sequence `[a, b]` or mapping `{a: 1}` (the cursor on its bracket); it may span lines. */
export function readFlow(cursor: Cursor, depth: number): unknown {
  if (depth > MAX_DEPTH) cursor.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  const openedAt = cursor.pos;
  const opener = cursor.text[cursor.pos];
  cursor.pos++;
  return opener === "[" ? readSequence(cursor, depth, openedAt) : readMapping(cursor, depth, openedAt);
}
