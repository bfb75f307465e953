/**
 * Trace and span ids: lowercase hex from `crypto.getRandomValues`. Workers refuse random values at module scope, so
 * these are only ever called while handling a request (the lookup table below is plain constant data).
 *
 * Every byte of a trace id is random, so the right-most 7 bytes (56 bits) are uniformly random as W3C Trace Context
 * Level 2 requires when the random flag (0x02) is set, and they can serve as the randomness of consistent sampling.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

// Random bytes are drawn from crypto.getRandomValues a pool at a time (one native call per 64 trace ids instead of
// one per id) and each byte is used once. A fixed-size isolate buffer, refilled inside a request when used up.
const POOL_BYTES = 1024;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;

function randomHex(bytes: number): string {
  for (;;) {
    if (poolAt + bytes > POOL_BYTES) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    let out = "";
    let any = 0;
    for (let i = poolAt; i < poolAt + bytes; i++) {
      const b = pool[i] ?? 0;
      out += HEX[b] ?? "00";
      any |= b;
    }
    poolAt += bytes;
    if (any !== 0) return out; // all-zero ids are invalid (odds 2^-64 / 2^-128): draw again
  }
}

/** 32 lowercase hex digits (16 random bytes), never all zero. */
export function newTraceId(): string {
  return randomHex(16);
}

/** 16 lowercase hex digits (8 random bytes), never all zero. */
export function newSpanId(): string {
  return randomHex(8);
}
