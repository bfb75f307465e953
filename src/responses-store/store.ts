import { DurableObject } from "cloudflare:workers";

/** One stored response: the items it adds to its conversation, and the response object itself. */
export interface StoredTurn {
  readonly id: string;
  /** The `previous_response_id` it continued, or null for a conversation's first response. */
  readonly previous: string | null;
  /** The id of the conversation's first response (`gen_ai.conversation.id` of later calls). */
  readonly conversation: string;
  /** This turn's input items followed by its output items, as JSON (Responses input items). */
  readonly items: string;
  /** The response object as JSON (for `GET /v1/responses/{id}`). */
  readonly response: string;
}

/** A conversation up to one response: every turn's items in order, and its conversation id. */
export interface StoredChain {
  readonly conversation: string;
  /** JSON arrays of items, oldest turn first. */
  readonly items: readonly string[];
}

export interface StoreLimits {
  readonly ttlSeconds: number;
  readonly maxItems: number;
}

/**
 * The conversations of one client (one object per authenticated client name, so another client's response ids are
 * simply not there): stored responses of `/v1/responses` where tracegate translates for providers that keep no
 * state. Each response expires `ttlSeconds` after the last turn of its conversation was stored (an alarm deletes
 * it); past `maxItems` responses the oldest go first. SQLite-backed (wrangler.toml `new_sqlite_classes`).
 */
export class ResponsesStore extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS turns (id TEXT PRIMARY KEY, previous TEXT, conversation TEXT NOT NULL,
         items TEXT NOT NULL, response TEXT NOT NULL, expires INTEGER NOT NULL);
       CREATE INDEX IF NOT EXISTS turns_expires ON turns (expires)`,
    );
  }

  /** Stores a turn; its whole conversation then lives `ttlSeconds` from now. */
  async put(turn: StoredTurn, limits: StoreLimits): Promise<void> {
    const sql = this.ctx.storage.sql;
    const expires = Date.now() + limits.ttlSeconds * 1000;
    sql.exec(
      "INSERT OR REPLACE INTO turns (id, previous, conversation, items, response, expires) VALUES (?, ?, ?, ?, ?, ?)",
      turn.id, turn.previous, turn.conversation, turn.items, turn.response, expires,
    );
    sql.exec("UPDATE turns SET expires = ? WHERE conversation = ?", expires, turn.conversation);
    const count = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM turns").one().n;
    if (count > limits.maxItems) {
      sql.exec("DELETE FROM turns WHERE id IN (SELECT id FROM turns ORDER BY rowid LIMIT ?)", count - limits.maxItems);
    }
    await this.schedule();
  }

  /** The conversation up to `id`; null when it, or any turn before it, is unknown or expired. */
  async chain(id: string): Promise<StoredChain | null> {
    const now = Date.now();
    const items: string[] = [];
    let conversation: string | undefined;
    let next: string | null = id;
    // Bounded: each turn is visited once (a cycle cannot be stored: a turn's previous existed before it).
    for (let seen = 0; next !== null && seen <= 100_000; seen++) {
      const row = this.row(next, now);
      if (!row) return null;
      conversation ??= row.conversation;
      items.push(row.items);
      next = row.previous;
    }
    return conversation === undefined ? null : { conversation, items: items.reverse() };
  }

  /** The stored response object (JSON), or null. */
  async response(id: string): Promise<string | null> {
    return this.row(id, Date.now())?.response ?? null;
  }

  /** Deletes a stored response; whether there was one. */
  async remove(id: string): Promise<boolean> {
    const found = this.row(id, Date.now()) !== undefined;
    this.ctx.storage.sql.exec("DELETE FROM turns WHERE id = ?", id);
    return found;
  }

  override async alarm(): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM turns WHERE expires <= ?", Date.now());
    await this.schedule();
  }

  private row(id: string, now: number): Omit<StoredTurn, "id"> | undefined {
    const rows = this.ctx.storage.sql
      .exec<{ previous: string | null; conversation: string; items: string; response: string }>(
        "SELECT previous, conversation, items, response FROM turns WHERE id = ? AND expires > ?",
        id,
        now,
      )
      .toArray();
    return rows[0];
  }

  /** The alarm at the earliest expiry (none when empty). */
  private async schedule(): Promise<void> {
    const next = this.ctx.storage.sql.exec<{ t: number | null }>("SELECT MIN(expires) AS t FROM turns").one().t;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== next) await this.ctx.storage.setAlarm(next);
  }
}
