import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../dev/net.js';
import { probeRedis, TEST_REDIS_URL } from '../../dev/redis-probe.js';

export { probeRedis, TEST_REDIS_URL };

/** The binary the restart tests spawn (Debian's redis-server). */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';

const inCi = process.env.CI === 'true';

const probe = await probeRedis();

/** Why the Redis suites do not run here, or null when Redis answers. */
export const redisUnavailableReason: string | null = probe.ok ? null : probe.reason;

/**
 * A suite that needs the Redis at TEST_REDIS_URL. When it does not answer, the suite fails under
 * CI=true and is skipped (with the reason in its name and on stderr) everywhere else.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisUnavailableReason === null) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it('needs a Redis server (CI=true: not skipped)', () => {
        expect.fail(`${redisUnavailableReason}. .ci/run starts one; locally run redis-server or set TEST_REDIS_URL.`);
      });
    });
  } else {
    process.stderr.write(
      `[skip] ${name}: ${redisUnavailableReason}. Start redis-server or set TEST_REDIS_URL.\n`,
    );
    describe.skipIf(true)(`${name} [skipped: ${redisUnavailableReason}]`, body);
  }
}

/**
 * A suite that spawns its own redis-server. Without the binary it fails under CI=true and is
 * skipped with the reason elsewhere.
 */
export function describeWithRedisServerBinary(name: string, body: () => void): void {
  if (existsSync(REDIS_SERVER_BIN)) {
    describe(name, body);
    return;
  }
  const reason = `${REDIS_SERVER_BIN} is not installed (apt-get install redis-server, or set REDIS_SERVER_BIN)`;
  if (inCi) {
    describe(name, () => {
      it('needs the redis-server binary (CI=true: not skipped)', () => {
        expect.fail(reason);
      });
    });
  } else {
    process.stderr.write(`[skip] ${name}: ${reason}\n`);
    describe.skipIf(true)(`${name} [skipped: ${reason}]`, body);
  }
}

/** A key prefix no other test run uses, so tests can share one Redis and clean up after themselves. */
export function uniqueTestPrefix(label: string): string {
  return `test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** A plain node-redis client for inspecting what the store wrote (SCAN, GET, PTTL). */
export async function inspectorClient(url: string = TEST_REDIS_URL) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

type Inspector = Awaited<ReturnType<typeof inspectorClient>>;

/** Every key under `prefix` (SCAN, never KEYS). */
export async function keysUnder(client: Inspector, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 200 }))
    keys.push(...batch);
  return keys;
}

/** Deletes every key under `prefix`. */
export async function deleteKeysUnder(client: Inspector, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.unlink(keys);
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

// === A throwaway redis-server

export { freePort };

/**
 * A redis-server of the test's own on 127.0.0.1:`port`, with nothing saved to disk, that the test
 * can kill, freeze and start again on the same port.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ThrowawayRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<ThrowawayRedis> {
    const server = new ThrowawayRedis(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or starts again) on the same port; resolves when it answers PING. */
  async start(): Promise<void> {
    if (this.child) throw new Error('already running');
    const child = spawn(
      REDIS_SERVER_BIN,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        '/tmp',
        '--logfile',
        '',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`))),
    );
    exited.catch(() => {});
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const probe = await Promise.race([probeRedis(this.url), exited]);
      if (probe.ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
  }

  /** SIGKILL: the server and everything in it are gone at once, as in a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGSTOP: the server keeps its connections open but answers nothing (a hung or overloaded Redis). */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after freeze(). */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }
}

// === A throwaway Redis Cluster (in its own module: the benchmark uses it too, outside vitest)

export { ThrowawayCluster, REDIS_CLI_BIN } from '../../dev/throwaway-cluster.js';
