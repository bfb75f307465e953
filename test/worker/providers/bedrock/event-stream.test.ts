import { describe, expect, it } from "vitest";
import { FormatError } from "../../../../src/formats/check";
import { crc32, EventStreamDecoder, type EventStreamMessage } from "../../../../src/providers/bedrock/event-stream";
import { concatBytes, converseEvent, converseTextStream } from "../../../fixtures/bedrock/frames";

const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
const utf8 = new TextDecoder();

// AWS's event-stream test vectors (aws-c-event-stream, carried by smithy-typescript's eventstream-codec fixtures).
const VECTORS = {
  all_headers:
    "000000cc000000af0fae64ca0a6576656e742d74797065040000a00c0c636f6e74656e742d747970650700106170706c69636174696f6e2f" +
    "6a736f6e0a626f6f6c2066616c73650109626f6f6c207472756500046279746502cf08627974652062756606001449276d2061206c697474" +
    "6c6520746561706f74210974696d657374616d70080000000000845fed05696e74313603002a05696e7436340500000000028757b2047575" +
    "6964090102030405060708090a0b0c0d0e0f107b27666f6f273a27626172277daba5f10c",
  empty_message: "000000100000000005c248eb7d98c8ff",
  payload_one_str_header:
    "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a2762617227" +
    "7d8d9c08b1",
};

function decodeAll(chunks: readonly Uint8Array[]): EventStreamMessage[] {
  const decoder = new EventStreamDecoder();
  const out = chunks.flatMap((c) => decoder.push(c));
  expect(decoder.hasPartial).toBe(false);
  return out;
}

function corrupt(vector: string, at: number, value: number): Uint8Array {
  const bytes = hex(vector);
  bytes[at] = value;
  return bytes;
}

describe("crc32", () => {
  it("gives the CRC-32 check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("EventStreamDecoder against AWS's test vectors", () => {
  it("decodes a message with one string header", () => {
    const [message] = decodeAll([hex(VECTORS.payload_one_str_header)]);
    expect(message?.headers).toEqual({ "content-type": "application/json" });
    expect(utf8.decode(message?.payload)).toBe("{'foo':'bar'}");
  });

  it("skips headers of every other value type and keeps the string ones", () => {
    const [message] = decodeAll([hex(VECTORS.all_headers)]);
    expect(message?.headers).toEqual({ "content-type": "application/json" });
    expect(utf8.decode(message?.payload)).toBe("{'foo':'bar'}");
  });

  it("decodes an empty message", () => {
    const [message] = decodeAll([hex(VECTORS.empty_message)]);
    expect(message?.headers).toEqual({});
    expect(message?.payload.byteLength).toBe(0);
  });

  it("rejects the corrupted vectors: header length, total length (prelude CRC), payload and headers (message CRC)", () => {
    const one = VECTORS.payload_one_str_header;
    const cases: [Uint8Array, RegExp][] = [
      [corrupt(one, 7, 33), /prelude CRC mismatch/],
      [corrupt(one, 3, 62), /prelude CRC mismatch/],
      [corrupt(one, 45, 97), /message CRC mismatch/],
      [corrupt(one, 44, 91), /message CRC mismatch/],
    ];
    for (const [bytes, message] of cases) {
      const err = (() => {
        try {
          new EventStreamDecoder().push(bytes);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).message).toMatch(message);
    }
  });
});

describe("EventStreamDecoder across chunk boundaries", () => {
  const frames = converseTextStream(["Hel", "lo ", "wörld"], { inputTokens: 5, outputTokens: 3, totalTokens: 8 });
  const body = concatBytes(frames);
  const whole = decodeAll([body]);

  it("decodes ConverseStream events with their :event-type and :message-type headers", () => {
    expect(whole.map((m) => m.headers[":event-type"])).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(whole.every((m) => m.headers[":message-type"] === "event")).toBe(true);
    expect(JSON.parse(utf8.decode(whole[3]?.payload))).toEqual({ contentBlockIndex: 0, delta: { text: "wörld" } });
  });

  it("gives the same messages for every split: byte by byte, inside the prelude, at odd sizes", () => {
    const splits = [1, 3, 7, 11, 13, 29, 64];
    for (const size of splits) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
      const decoded = decodeAll(chunks);
      expect(decoded.map((m) => [m.headers, utf8.decode(m.payload)])).toEqual(whole.map((m) => [m.headers, utf8.decode(m.payload)]));
    }
  });

  it("keeps an unfinished message for the next chunk and reports it while unfinished", () => {
    const decoder = new EventStreamDecoder();
    const event = converseEvent("messageStop", { stopReason: "end_turn" });
    expect(decoder.push(event.subarray(0, 20))).toEqual([]);
    expect(decoder.hasPartial).toBe(true);
    const done = decoder.push(event.subarray(20));
    expect(done).toHaveLength(1);
    expect(decoder.hasPartial).toBe(false);
  });
});
