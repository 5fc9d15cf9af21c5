import { createClient } from 'redis';

/**
 * Vitest global setup: says once, before any test, when the Redis store suites will not run.
 * (Each suite checks for itself in test/helpers/redis.ts, which imports vitest and so cannot be
 * used here.)
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const what = process.env.CI === 'true' ? 'will FAIL (CI=true)' : 'are skipped';
    const reason = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `\n[redis] Redis at ${url} does not answer (${reason}): the Redis store suites ${what}.\n\n`,
    );
  } finally {
    if (client.isOpen) client.destroy();
  }
}
