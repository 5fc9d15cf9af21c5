import { createClient, createCluster } from 'redis';
import { errorName } from '../conversation.js';
import type { TurnEvent } from '../engine.js';
import type { Logger } from '../log.js';
import { isoWeek } from './iso-week.js';
import { counterFields, STATS_TTL_SECONDS, StatsUnavailableError, type StatsCounter, type WeekCounts } from './stats-counter.js';

type Client = ReturnType<typeof createClient>;

/** How to reach Redis for the counters. The counters use their own connection. */
export interface RedisStatsOptions {
  url: string;
  /** Every key starts with this (REDIS_PREFIX); the counters live under `${prefix}stats:<ISO week>`. */
  prefix: string;
  /** A command slower than this fails (and is only logged: counting never holds up a conversation). */
  timeoutMs: number;
  logger: Logger;
  ttlSeconds?: number;
  /** The certificate authority to trust for rediss:// (REDIS_TLS_CA_FILE). */
  tlsCa?: Buffer;
  /**
   * Counts are added up in this process and written at most this long after the first of them
   * (default 1000 ms; 0 writes each event at once). See `RedisStatsCounter`.
   */
  flushMs?: number;
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES): each week's hash lives on the node of its key. */
  clusterNodes?: readonly string[];
}

/** How long counts wait in this process before they are written (see `RedisStatsCounter`). */
export const STATS_FLUSH_MS = 1000;

/**
 * Counters in Redis: one hash per ISO week (`${prefix}stats:2026-W48`), incremented with HINCRBY
 * and given a fresh EXPIRE in the same MULTI, so a week is dropped about two years after its last count.
 *
 * Events are not written one by one (that was a Redis command batch per turn): they are added up in
 * this process, by week and field (counts only, nothing per person), and written together about once
 * a second (`flushMs`): one MULTI per week, one HINCRBY per field that changed. `close()` and
 * `readWeeks()` write what is waiting first. What is lost: if the process dies, the counts of at most
 * the last `flushMs`; if a write fails (Redis down), the counts of that batch (logged, not retried,
 * as each event's own write was before: a retry after a timeout could count twice).
 */
export class RedisStatsCounter implements StatsCounter {
  /** Counts not written yet: week key -> field -> count. */
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly flushMs: number,
    private readonly logger: Logger,
  ) {}

  /** Connects, or throws StatsUnavailableError naming REDIS_URL when Redis cannot be reached now. */
  static async connect(o: RedisStatsOptions): Promise<RedisStatsCounter> {
    let connected = false;
    const socket = {
      connectTimeout: o.timeoutMs,
      ...(o.tlsCa ? { tls: true as const, ca: o.tlsCa } : {}),
      // At start-up a wrong address is reported at once; later, a lost connection is retried.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(100 * 2 ** retries, 10_000) : cause),
    };
    // One key per command (a week's hash), so a cluster client routes each; MULTI stays on one key.
    const client = (
      o.clusterNodes
        ? createCluster({ rootNodes: o.clusterNodes.map((url) => ({ url })), defaults: { disableOfflineQueue: true, socket } })
        : createClient({
            url: o.url,
            // Commands fail fast while disconnected instead of piling up in memory.
            disableOfflineQueue: true,
            commandOptions: { timeout: o.timeoutMs },
            socket,
          })
    ) as unknown as Client;
    // Without a listener an 'error' event would crash the process; messages can echo the URL.
    client.on('error', (err: unknown) => o.logger.warn({ err: errorName(err) }, 'stats: Redis connection error'));
    try {
      await client.connect();
    } catch (err) {
      throw new StatsUnavailableError(
        `Could not connect to Redis for the anonymous counts (${errorName(err)}). Check REDIS_URL and that the server is running.`,
        { cause: err },
      );
    }
    connected = true;
    return new RedisStatsCounter(client, o.prefix, o.ttlSeconds ?? STATS_TTL_SECONDS, o.flushMs ?? STATS_FLUSH_MS, o.logger);
  }

  /** The hash holding the counts of one ISO week. */
  keyOf(week: string): string {
    return `${this.prefix}stats:${week}`;
  }

  /** Adds the event to the counts waiting to be written (at once when `flushMs` is 0). */
  recordEvent(event: TurnEvent, channel: string, now: number = Date.now()): Promise<void> | void {
    const fields = counterFields(event, channel);
    if (fields.length === 0) return;
    const key = this.weekKey(now);
    let week = this.pending.get(key);
    if (!week) this.pending.set(key, (week = new Map()));
    for (const f of fields) week.set(f, (week.get(f) ?? 0) + 1);
    if (this.flushMs <= 0) return this.flush();
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush().catch((err: unknown) => this.logger.warn({ err: errorName(err) }, 'stats: could not write the counts of the last second'));
      }, this.flushMs);
      // Never keeps the process alive: close() writes what is left.
      this.timer.unref();
    }
  }

  /** The hash key of the week of `now`, worked out once per hour (weeks start on a whole hour, Hong Kong time). */
  private weekKey(now: number): string {
    const hour = Math.floor(now / 3_600_000);
    if (hour !== this.lastHour) {
      this.lastHour = hour;
      this.lastWeekKey = this.keyOf(isoWeek(now));
    }
    return this.lastWeekKey;
  }
  private lastHour = NaN;
  private lastWeekKey = '';

  /** Writes the counts waiting: one MULTI (HINCRBY per field, EXPIRE) per week. Rejects when a write failed (that batch is dropped). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    // One key per MULTI, so a cluster client routes each week's batch to its node.
    const writes = [...batch].map(([key, fields]) => {
      const multi = this.client.multi();
      for (const [f, n] of fields) multi.hIncrBy(key, f, n);
      multi.expire(key, this.ttlSeconds);
      return multi.exec();
    });
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async readWeeks(weeks: readonly string[]): Promise<WeekCounts[]> {
    await this.flush();
    return Promise.all(
      weeks.map(async (week) => {
        const raw = await this.client.hGetAll(this.keyOf(week));
        const counts: Record<string, number> = {};
        for (const [field, value] of Object.entries(raw)) {
          const n = Number(value);
          if (Number.isSafeInteger(n) && n > 0) counts[field] = n;
        }
        return { week, counts };
      }),
    );
  }

  /** Writes the counts still waiting (a failure is logged), then disconnects. */
  async close(): Promise<void> {
    if (this.client.isOpen) {
      await this.flush().catch((err: unknown) => this.logger.warn({ err: errorName(err) }, 'stats: could not write the last counts before closing'));
      await this.client.close();
    }
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
