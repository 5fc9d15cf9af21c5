import { decodeRecord, encodeChange, encodeRecord, type RecordChange } from './session-codec.js';
import {
  firstVersion,
  ttlWholeSeconds,
  type SessionRecord,
  type SessionStore,
  type SwapResult,
  type Versioned,
} from './session-store.js';

/** Sessions kept at most by the memory store unless told otherwise (MEMORY_STORE_MAX_SESSIONS). */
export const MEMORY_STORE_MAX_SESSIONS = 100_000;

/**
 * The embedded default: sessions in this process's memory, with TTL. Lost on restart.
 * At most `maxSessions` are kept (about 0.5 KB each): past that the session written longest ago is
 * dropped first (that chat starts again, and is told so), and so are claimed update ids.
 */
export class MemorySessionStore implements SessionStore {
  private readonly items = new Map<string, { text: string; version: number; expiresAt: number }>();
  private readonly claims = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    readonly maxSessions: number = MEMORY_STORE_MAX_SESSIONS,
  ) {
    if (!Number.isInteger(maxSessions) || maxSessions < 1)
      throw new RangeError(`maxSessions must be a positive whole number (got ${maxSessions})`);
    // Expired entries are also dropped on read; the sweep keeps memory flat for abandoned chats.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async read(key: string): Promise<Versioned<SessionRecord> | null> {
    return this.versioned(key);
  }

  async write(
    key: string,
    value: SessionRecord,
    expectedVersion: number,
    ttlSeconds: number,
  ): Promise<boolean> {
    return (await this.swap(key, value, expectedVersion, ttlSeconds)).written;
  }

  async swap(
    key: string,
    value: SessionRecord,
    expectedVersion: number,
    ttlSeconds: number,
  ): Promise<SwapResult> {
    ttlWholeSeconds(ttlSeconds);
    // Check and set with no await in between: two overlapping writes cannot both win.
    const stored = this.live(key)?.version ?? 0;
    if (stored !== expectedVersion) return { written: false, current: this.versioned(key) };
    // Stored encoded so the memory store behaves exactly like Redis (no shared mutable objects).
    return this.put(key, encodeRecord(value), expectedVersion === 0 ? firstVersion() : expectedVersion + 1, ttlSeconds);
  }

  async amend(
    key: string,
    change: RecordChange,
    expectedVersion: number,
    ttlSeconds: number,
  ): Promise<SwapResult> {
    ttlWholeSeconds(ttlSeconds);
    const item = this.live(key);
    if (!item || item.version !== expectedVersion) return { written: false, current: this.versioned(key) };
    return this.put(key, item.text + encodeChange(change), expectedVersion + 1, ttlSeconds);
  }

  /** Keeps `text` as the newest session, dropping the one written longest ago beyond the cap. */
  private put(key: string, text: string, version: number, ttlSeconds: number): SwapResult {
    this.items.delete(key);
    this.items.set(key, { text, version, expiresAt: this.now() + ttlSeconds * 1000 });
    while (this.items.size > this.maxSessions) this.items.delete(this.items.keys().next().value!);
    return { written: true, version };
  }

  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }

  async take(key: string): Promise<Versioned<SessionRecord> | null> {
    const current = this.versioned(key);
    this.items.delete(key);
    return current;
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.delete(key);
    this.claims.set(key, now + ttlSeconds * 1000);
    while (this.claims.size > this.maxSessions) this.claims.delete(this.claims.keys().next().value!);
    return true;
  }

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

  private versioned(key: string): Versioned<SessionRecord> | null {
    const item = this.live(key);
    return item ? { value: decodeRecord(item.text), version: item.version } : null;
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
