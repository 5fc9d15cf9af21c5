import { redisTlsCa, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { MemoryStatsCounter } from './memory-counter.js';
import { RedisStatsCounter, type RedisStatsOptions } from './redis-counter.js';
import type { StatsCounter } from './stats-counter.js';

/** The counter chosen by REDIS_URL: Redis when set (and reachable), else memory. */
export async function createStatsCounter(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX' | 'REDIS_TIMEOUT_MS'> & Partial<Pick<Config, 'REDIS_TLS_CA_FILE' | 'REDIS_CLUSTER_NODES'>>,
  logger: Logger,
): Promise<StatsCounter> {
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES?.length) {
    logger.info('anonymous counts are kept in memory and lost on restart (set REDIS_URL to keep them)');
    return new MemoryStatsCounter();
  }
  return RedisStatsCounter.connect(redisStatsOptions(config, logger));
}

/** Where the counts live in Redis: one server (REDIS_URL) or a cluster (REDIS_CLUSTER_NODES). */
export function redisStatsOptions(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX' | 'REDIS_TIMEOUT_MS'> & Partial<Pick<Config, 'REDIS_TLS_CA_FILE' | 'REDIS_CLUSTER_NODES'>>,
  logger: Logger,
): RedisStatsOptions {
  const cluster = config.REDIS_CLUSTER_NODES?.length ? config.REDIS_CLUSTER_NODES : undefined;
  return {
    url: cluster?.[0] ?? config.REDIS_URL ?? '',
    ...(cluster ? { clusterNodes: cluster } : {}),
    prefix: config.REDIS_PREFIX,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    logger,
    tlsCa: redisTlsCa(config),
  };
}
