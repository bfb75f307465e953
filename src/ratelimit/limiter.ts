import { DurableObject } from "cloudflare:workers";

interface WindowState {
  window: number;
  requests: number;
  tokens: number;
}

export interface LimitSpec {
  readonly requests: number | undefined;
  readonly tokens: number | undefined;
  readonly windowSeconds: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** Seconds until the current window ends (for Retry-After) when not allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * One rate-limit bucket (a client, or a header value, per rule): a fixed window of requests and tokens. A Durable
 * Object is single-threaded and global, so the count holds across isolates and colos; the state is stored so an
 * evicted object resumes its window.
 */
export class RateLimiter extends DurableObject {
  private async current(windowSeconds: number): Promise<{ state: WindowState; endsIn: number }> {
    const now = Date.now() / 1000;
    const window = Math.floor(now / windowSeconds);
    const stored = await this.ctx.storage.get<WindowState>("w");
    const state = stored && stored.window === window ? stored : { window, requests: 0, tokens: 0 };
    return { state, endsIn: (window + 1) * windowSeconds - now };
  }

  /** Counts one request if the window still has room for it (and tokens are not used up). */
  async take(limit: LimitSpec): Promise<TakeResult> {
    const { state, endsIn } = await this.current(limit.windowSeconds);
    const full =
      (limit.requests !== undefined && state.requests >= limit.requests) ||
      (limit.tokens !== undefined && state.tokens >= limit.tokens);
    if (full) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(endsIn)) };
    state.requests++;
    await this.ctx.storage.put("w", state);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Adds the tokens a finished call actually used. */
  async addTokens(tokens: number, windowSeconds: number): Promise<void> {
    const { state } = await this.current(windowSeconds);
    state.tokens += tokens;
    await this.ctx.storage.put("w", state);
  }
}
