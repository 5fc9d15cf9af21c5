import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { MemorySessionStore } from './memory-store.js';
import { RedisSessionStore } from './redis-store.js';
import type { SessionStore } from './session-store.js';

/**
 * The store chosen by REDIS_URL: Redis when set, else memory. When REDIS_URL is set but Redis does
 * not answer, start-up stops with a ConfigError naming REDIS_URL: falling back to memory would
 * silently lose every conversation at the next restart and split chats between instances.
 */
export async function createSessionStore(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX' | 'REDIS_TIMEOUT_MS'>,
  logger: Logger,
): Promise<SessionStore> {
  if (!config.REDIS_URL) {
    logger.info('sessions are kept in memory (set REDIS_URL to keep them across restarts)');
    return new MemorySessionStore();
  }
  const where = redisUrlWithoutSecrets(config.REDIS_URL);
  try {
    const store = await RedisSessionStore.connect({
      url: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      timeoutMs: config.REDIS_TIMEOUT_MS,
      logger,
    });
    logger.info({ redis: where, prefix: config.REDIS_PREFIX }, 'sessions are kept in Redis');
    return store;
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(
      `REDIS_URL is set (${where}) but Redis does not answer there: ${reason}.\n` +
        'Start Redis, or correct REDIS_URL, or leave REDIS_URL empty to keep sessions in memory ' +
        '(then they are lost when the bot restarts).',
    );
  }
}

/** The URL without user name or password, for messages and logs; a ConfigError when it is not a Redis URL. */
export function redisUrlWithoutSecrets(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(
      'REDIS_URL is not a valid URL: it should look like redis://127.0.0.1:6379 (or rediss:// for TLS).',
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got "${u.protocol}//").`);
  }
  u.username = '';
  u.password = '';
  return u.toString();
}
