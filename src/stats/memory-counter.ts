import { isoWeek } from './iso-week.js';
import { counterFields, STATS_TTL_SECONDS, type StatsCounter, type WeekCounts } from './stats-counter.js';
import type { TurnEvent } from '../engine.js';

/**
 * The embedded default: counts in this process's memory, lost on restart. Each week expires
 * `ttlSeconds` after its last write, like a Redis key with EXPIRE.
 */
export class MemoryStatsCounter implements StatsCounter {
  private readonly weeks = new Map<string, { counts: Map<string, number>; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number = STATS_TTL_SECONDS,
    private readonly clock: () => number = Date.now,
  ) {}

  recordEvent(event: TurnEvent, channel: string, now: number = this.clock()): void {
    const fields = counterFields(event, channel);
    if (fields.length === 0) return;
    this.dropExpired(now);
    const week = isoWeek(now);
    const entry = this.weeks.get(week) ?? { counts: new Map<string, number>(), expiresAt: 0 };
    for (const f of fields) entry.counts.set(f, (entry.counts.get(f) ?? 0) + 1);
    entry.expiresAt = now + this.ttlSeconds * 1000;
    this.weeks.set(week, entry);
  }

  async readWeeks(weeks: readonly string[]): Promise<WeekCounts[]> {
    this.dropExpired(this.clock());
    return weeks.map((week) => ({ week, counts: Object.fromEntries(this.weeks.get(week)?.counts ?? []) }));
  }

  async close(): Promise<void> {
    this.weeks.clear();
  }

  private dropExpired(now: number): void {
    for (const [week, entry] of this.weeks) if (entry.expiresAt <= now) this.weeks.delete(week);
  }
}
