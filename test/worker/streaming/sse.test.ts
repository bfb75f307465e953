import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/errors";
import { DEFAULT_MAX_SSE_EVENT_CHARS, encodeSse, SseParser } from "../../../src/streaming/sse";

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

  it("refuses a line that never ends once it passes the event limit, without buffering the rest (502)", () => {
    const parser = new SseParser();
    const piece = bytes("x".repeat(64 * 1024));
    parser.push(bytes("data: "));
    let chunks = 0;
    let error: unknown;
    try {
      for (; chunks < 256; chunks++) parser.push(piece); // 16 MiB offered
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(502);
    expect((error as GatewayError).message).toBe(`provider sent a stream event over ${DEFAULT_MAX_SSE_EVENT_CHARS} characters`);
    // "data: " plus 15 pieces fit; the 16th passes the 1 MiB limit and is refused (not the 256th).
    expect(chunks).toBe(DEFAULT_MAX_SSE_EVENT_CHARS / piece.length - 1);
  });

  it("bounds an event made of many data lines as well as one long line", () => {
    const parser = new SseParser(100);
    expect(parser.push(bytes(`data: ${"a".repeat(40)}\ndata: ${"b".repeat(40)}\n`))).toEqual([]);
    expect(() => parser.push(bytes(`data: ${"c".repeat(40)}\n`))).toThrow(GatewayError);
    const fresh = new SseParser(100);
    expect(fresh.push(bytes(`data: ${"a".repeat(90)}\n\ndata: ${"b".repeat(90)}\n\n`))).toHaveLength(2);
  });

  it("finds every line of a large chunk with many lines and no CR", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `data: {"i":${i}}\n\n`).join("");
    const events = new SseParser().push(bytes(lines));
    expect(events).toHaveLength(20_000);
    expect(events[19_999]).toEqual({ event: undefined, data: '{"i":19999}' });
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

  it("writes data spanning lines as several data: lines, which parse back to the same data", () => {
    const data = '{"id":"c1",\n"choices":[]}';
    expect(encodeSse(data)).toBe('data: {"id":"c1",\ndata: "choices":[]}\n\n');
    expect(encodeSse(data, "message")).toBe('event: message\ndata: {"id":"c1",\ndata: "choices":[]}\n\n');
    expect(parseInPieces(encodeSse(data, "message"), 3)).toEqual([{ event: "message", data }]);
  });
});
