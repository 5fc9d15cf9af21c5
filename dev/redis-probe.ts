import { createClient } from 'redis';

/** The Redis the store tests use: 127.0.0.1:6379 unless TEST_REDIS_URL says otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Whether `url` answers PING, and if not, why (for the skip or failure message). Free of vitest,
 * so that the global setup can use it too.
 */
export async function probeRedis(
  url: string = TEST_REDIS_URL,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: `Redis at ${url} does not answer (${err instanceof Error ? err.message : String(err)})`,
    };
  } finally {
    if (client.isOpen) client.destroy();
  }
}
