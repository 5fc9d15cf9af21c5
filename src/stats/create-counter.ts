import { redisTlsCa, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { MemoryStatsCounter } from './memory-counter.js';
import { RedisStatsCounter } from './redis-counter.js';
import type { StatsCounter } from './stats-counter.js';

/** The counter chosen by REDIS_URL: Redis when set (and reachable), else memory. */
export async function createStatsCounter(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX' | 'REDIS_TIMEOUT_MS'> & Partial<Pick<Config, 'REDIS_TLS_CA_FILE' | 'REDIS_CLUSTER_NODES'>>,
  logger: Logger,
): Promise<StatsCounter> {
  const cluster = config.REDIS_CLUSTER_NODES;
  if (cluster?.length) {
    return RedisStatsCounter.connect({
      url: cluster[0]!,
      clusterNodes: cluster,
      prefix: config.REDIS_PREFIX,
      timeoutMs: config.REDIS_TIMEOUT_MS,
      logger,
      tlsCa: redisTlsCa(config),
    });
  }
  if (!config.REDIS_URL) {
    logger.info('anonymous counts are kept in memory and lost on restart (set REDIS_URL to keep them)');
    return new MemoryStatsCounter();
  }
  return RedisStatsCounter.connect({
    url: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    logger,
    tlsCa: redisTlsCa(config),
  });
}
