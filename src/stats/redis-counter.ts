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
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES): each week's hash lives on the node of its key. */
  clusterNodes?: readonly string[];
}

/**
 * Counters in Redis: one hash per ISO week (`${prefix}stats:2026-W48`), incremented with HINCRBY
 * and given a fresh EXPIRE in the same MULTI, so a week is dropped about two years after its last count.
 */
export class RedisStatsCounter implements StatsCounter {
  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
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
    return new RedisStatsCounter(client, o.prefix, o.ttlSeconds ?? STATS_TTL_SECONDS);
  }

  /** The hash holding the counts of one ISO week. */
  keyOf(week: string): string {
    return `${this.prefix}stats:${week}`;
  }

  async recordEvent(event: TurnEvent, channel: string, now: number = Date.now()): Promise<void> {
    const fields = counterFields(event, channel);
    if (fields.length === 0) return;
    const key = this.keyOf(isoWeek(now));
    const multi = this.client.multi();
    for (const f of fields) multi.hIncrBy(key, f, 1);
    multi.expire(key, this.ttlSeconds);
    await multi.exec();
  }

  async readWeeks(weeks: readonly string[]): Promise<WeekCounts[]> {
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

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
  }
}
