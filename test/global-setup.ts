import { probeRedis } from '../dev/redis-probe.js';

/**
 * Vitest global setup: says once, before any test, when the Redis store suites will not run.
 * (Each suite checks for itself in test/helpers/redis.ts.)
 */
export default async function setup(): Promise<void> {
  const probe = await probeRedis();
  if (probe.ok) return;
  const what = process.env.CI === 'true' ? 'will FAIL (CI=true)' : 'are skipped';
  process.stderr.write(`\n[redis] ${probe.reason}: the Redis store suites ${what}.\n\n`);
}
