import { describe, expect, it } from "vitest";
import { encodeSse, SseParser } from "../../../src/streaming/sse";

const bytes = (s: string) => new TextEncoder().encode(s);

function parseInPieces(text: string, size: number) {
  const parser = new SseParser();
  const events = [];
  const all = bytes(text);
  for (let i = 0; i < all.length; i += size) events.push(...parser.push(all.slice(i, i + size)));
  events.push(...parser.end());
  return events;
}

describe("SseParser", () => {
  const stream =
    'event: message_start\ndata: {"a":1}\n\n: keep-alive\n\ndata: line1\ndata: line2\n\nevent: x\r\ndata: crlf\r\n\r\ndata: caf\u00e9 \u2603\n\n';
  const expected = [
    { event: "message_start", data: '{"a":1}' },
    { event: undefined, data: "line1\nline2" },
    { event: "x", data: "crlf" },
    { event: undefined, data: "caf\u00e9 \u2603" },
  ];

  it("parses named events, comments, multi-line data and CRLF", () => {
    expect(parseInPieces(stream, 10_000)).toEqual(expected);
  });

  it("gives the same events whatever the chunk boundaries (down to one byte, splitting CRLF and UTF-8)", () => {
    for (const size of [1, 2, 3, 5, 7, 13]) expect(parseInPieces(stream, size)).toEqual(expected);
  });

  it("flushes a last event that lacks the closing blank line", () => {
    expect(parseInPieces("data: tail", 4)).toEqual([{ event: undefined, data: "tail" }]);
  });

  it("handles bare CR line endings", () => {
    expect(parseInPieces("data: a\r\rdata: b\r\r", 1)).toEqual([
      { event: undefined, data: "a" },
      { event: undefined, data: "b" },
    ]);
  });

  it("keeps a value without the optional space and ignores unknown fields", () => {
    expect(parseInPieces("id: 7\nretry: 10\ndata:x\n\n", 3)).toEqual([{ event: undefined, data: "x" }]);
  });
});

describe("encodeSse", () => {
  it("encodes with and without an event name", () => {
    expect(encodeSse('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(encodeSse("{}", "ping")).toBe("event: ping\ndata: {}\n\n");
  });
});
