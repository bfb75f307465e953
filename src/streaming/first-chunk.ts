import type { ChunkSource } from "./pipe";

/**
 * Waits up to `timeoutMs` for a stream's first chunk. On time, returns a source that replays it before the rest,
 * so the pipe sees the stream whole; undefined when the provider stayed silent (the caller aborts and retries).
 */
export async function awaitFirstChunk(body: ReadableStream<Uint8Array>, timeoutMs: number): Promise<ChunkSource | undefined> {
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const first = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
  if (first === undefined) {
    void reader.cancel().catch(() => undefined);
    return undefined;
  }
  let replayed = false;
  return {
    read: () => {
      if (replayed) return reader.read();
      replayed = true;
      return Promise.resolve(first);
    },
    cancel: (reason) => reader.cancel(reason),
  };
}
