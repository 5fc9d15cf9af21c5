import type { SessionRecord, SessionStore, Versioned } from './session-store.js';

/** The embedded default: sessions in this process's memory, with TTL. Lost on restart. */
export class MemorySessionStore implements SessionStore {
  private readonly items = new Map<string, { json: string; version: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Expired entries are also dropped on read; the sweep keeps memory flat for abandoned chats.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async read(key: string): Promise<Versioned<SessionRecord> | null> {
    const item = this.live(key);
    // Stored as JSON so the memory store behaves exactly like Redis (no shared mutable objects).
    return item ? { value: JSON.parse(item.json) as SessionRecord, version: item.version } : null;
  }

  async write(key: string, value: SessionRecord, expectedVersion: number, ttlSeconds: number): Promise<boolean> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`every session needs a positive TTL (got ${ttlSeconds})`);
    // Check and set with no await in between: two overlapping writes cannot both win.
    if ((this.live(key)?.version ?? 0) !== expectedVersion) return false;
    this.items.set(key, { json: JSON.stringify(value), version: expectedVersion + 1, expiresAt: this.now() + ttlSeconds * 1000 });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, now + ttlSeconds * 1000);
    return true;
  }

  private readonly claims = new Map<string, number>();

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.items.clear();
    this.claims.clear();
  }

  /** Number of live sessions (for tests and the benchmark). */
  get size(): number {
    this.sweep();
    return this.items.size;
  }

  private live(key: string) {
    const item = this.items.get(key);
    if (item && item.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.items) if (v.expiresAt <= now) this.items.delete(k);
    for (const [k, until] of this.claims) if (until <= now) this.claims.delete(k);
  }
}
