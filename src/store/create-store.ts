import { ConfigError, redisTlsCa, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { MEMORY_STORE_MAX_SESSIONS, MemorySessionStore } from './memory-store.js';
import { RedisAccessError, RedisSessionStore } from './redis-store.js';
import type { SessionStore } from './session-store.js';

/**
 * The store chosen by REDIS_URL: Redis when set, else memory. When REDIS_URL is set but Redis does
 * not answer, start-up stops with a ConfigError naming REDIS_URL: falling back to memory would
 * silently lose every conversation at the next restart and split chats between instances.
 */
export async function createSessionStore(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX' | 'REDIS_TIMEOUT_MS'> &
    Partial<Pick<Config, 'REDIS_TLS_CA_FILE' | 'REDIS_CLUSTER_NODES' | 'MEMORY_STORE_MAX_SESSIONS'>>,
  logger: Logger,
): Promise<SessionStore> {
  const cluster = config.REDIS_CLUSTER_NODES?.length ? config.REDIS_CLUSTER_NODES : undefined;
  if (!cluster && !config.REDIS_URL) {
    const max = config.MEMORY_STORE_MAX_SESSIONS ?? MEMORY_STORE_MAX_SESSIONS;
    logger.info({ maxSessions: max }, 'sessions are kept in memory (set REDIS_URL to keep them across restarts)');
    return new MemorySessionStore(Date.now, max);
  }
  // One Redis (REDIS_URL) or a cluster's seed nodes (REDIS_CLUSTER_NODES): the same store, the same checks.
  const urls = cluster ?? [config.REDIS_URL!];
  const setting = cluster ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
  const where = urls.map(redisUrlWithoutSecrets).join(', ');
  try {
    const store = await RedisSessionStore.connect({
      url: urls[0]!,
      ...(cluster ? { clusterNodes: cluster } : {}),
      prefix: config.REDIS_PREFIX,
      timeoutMs: config.REDIS_TIMEOUT_MS,
      logger,
      tlsCa: redisTlsCa(config),
    });
    logger.info({ [cluster ? 'redisCluster' : 'redis']: where, prefix: config.REDIS_PREFIX }, `sessions are kept in ${cluster ? 'a Redis Cluster' : 'Redis'}`);
    return store;
  } catch (err) {
    if (err instanceof RedisAccessError) {
      throw new ConfigError(
        `${setting} (${where}) answers, but Redis refused to write, read and delete a key under REDIS_PREFIX "${err.prefix}" (${err.code}). ` +
          `Give the bot's Redis user rights to the keys ${err.prefix}* (e.g. ACL SETUSER <user> ~${err.prefix}* +@all), ` +
          'or use a writable primary with free memory.',
      );
    }
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const reason = urls.reduce((text, url) => withoutSecrets(text, url), cause instanceof Error ? cause.message : String(cause));
    throw new ConfigError(
      `${setting} is set (${where}) but Redis does not answer there: ${reason}.\n` +
        `Start Redis, or correct ${setting}, or leave it empty to keep sessions in memory ` +
        '(then they are lost when the bot restarts).',
    );
  }
}

/**
 * The URL without user name or password, for messages and logs; a ConfigError when it is not a
 * Redis URL. Everything between "://" and the last "@" is dropped before the URL is even parsed,
 * so a password with "/", "@" or "#" in it (not percent-encoded) never shows.
 */
export function redisUrlWithoutSecrets(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!scheme && /\s/.test(url.trim())) {
    throw new ConfigError('REDIS_URL is not a valid URL: it should look like redis://127.0.0.1:6379 (or rediss:// for TLS).');
  }
  if (!scheme || (scheme[1]!.toLowerCase() !== 'redis' && scheme[1]!.toLowerCase() !== 'rediss')) {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (e.g. redis://127.0.0.1:6379)${scheme ? ` (got "${scheme[1]}://")` : ''}.`);
  }
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const bare = `${scheme[1]!.toLowerCase()}://${at >= 0 ? rest.slice(at + 1) : rest}`;
  try {
    return new URL(bare).toString();
  } catch {
    throw new ConfigError(
      'REDIS_URL is not a valid URL: it should look like redis://127.0.0.1:6379 (or rediss:// for TLS).',
    );
  }
}

/** `text` with the user name and password of `url` (if any) replaced by "***". */
function withoutSecrets(text: string, url: string): string {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const at = rest.lastIndexOf('@');
  if (at < 0) return text;
  const credentials = rest.slice(0, at);
  let out = text.split(credentials).join('***');
  for (const part of credentials.split(':')) if (part.length >= 3) out = out.split(part).join('***');
  return out;
}
