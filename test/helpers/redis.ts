import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { freePort } from './net.js';
import { probeRedis, TEST_REDIS_URL } from './redis-probe.js';

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

// === A throwaway Redis Cluster

/** The binary that creates a cluster from running nodes (Debian's redis-tools). */
export const REDIS_CLI_BIN = process.env.REDIS_CLI_BIN || '/usr/bin/redis-cli';

/**
 * A Redis Cluster of the test's own: 3 masters and 3 replicas on 127.0.0.1, nothing saved to disk,
 * a node timeout of one second so that a replica takes over a killed master within a few seconds.
 */
export class ThrowawayCluster {
  private readonly nodes = new Map<number, ChildProcess>();
  private constructor(readonly ports: number[]) {}

  static async start(): Promise<ThrowawayCluster> {
    const ports: number[] = [];
    while (ports.length < 6) {
      const p = await freePort();
      // The cluster bus listens on port + 10000: keep both free and distinct.
      if (p < 55_000 && !ports.includes(p)) ports.push(p);
    }
    const cluster = new ThrowawayCluster(ports);
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/redis-cluster-`);
    for (const port of ports) {
      const child = spawn(
        REDIS_SERVER_BIN,
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '1000', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''],
        { stdio: 'ignore' },
      );
      cluster.nodes.set(port, child);
      running.add(child);
      child.once('exit', () => running.delete(child));
    }
    for (const port of ports) await until(async () => (await probeRedis(`redis://127.0.0.1:${port}`)).ok, `node ${port}`);
    const { execFileSync } = await import('node:child_process');
    execFileSync(REDIS_CLI_BIN, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
      stdio: 'ignore',
      timeout: 30_000,
    });
    await until(async () => (await cluster.state(ports[0]!)) === 'ok', 'the cluster to be ok');
    return cluster;
  }

  get urls(): string[] {
    return this.ports.map((p) => `redis://127.0.0.1:${p}`);
  }

  /** cluster_state as one node sees it ("ok" or "fail"), or undefined when it does not answer. */
  async state(port: number): Promise<string | undefined> {
    const client = await inspectorClient(`redis://127.0.0.1:${port}`).catch(() => undefined);
    if (!client) return undefined;
    try {
      const info = String(await client.sendCommand(['CLUSTER', 'INFO']));
      return /cluster_state:(\w+)/.exec(info)?.[1];
    } catch {
      return undefined;
    } finally {
      client.destroy();
    }
  }

  /** The port of the master that serves `key` now. */
  async masterOf(key: string): Promise<number> {
    for (const port of this.ports) {
      if (!this.nodes.has(port)) continue;
      const client = await inspectorClient(`redis://127.0.0.1:${port}`).catch(() => undefined);
      if (!client) continue;
      try {
        const slot = Number(await client.sendCommand(['CLUSTER', 'KEYSLOT', key]));
        const slots = (await client.sendCommand(['CLUSTER', 'SLOTS'])) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
        const range = slots.find(([from, to]) => slot >= Number(from) && slot <= Number(to));
        if (range) return Number(range[2][1]);
      } finally {
        client.destroy();
      }
    }
    throw new Error('no node answers');
  }

  /**
   * Waits until the replicas of `key`'s master hold `key` (replication is asynchronous: a master
   * killed right after a write may take that write with it, as in any Redis Cluster).
   */
  async replicated(key: string): Promise<void> {
    await until(async () => {
      for (const port of this.ports) {
        if (!this.nodes.has(port)) continue;
        const client = await inspectorClient(`redis://127.0.0.1:${port}`).catch(() => undefined);
        if (!client) continue;
        try {
          const slot = Number(await client.sendCommand(['CLUSTER', 'KEYSLOT', key]));
          const slots = (await client.sendCommand(['CLUSTER', 'SLOTS'])) as unknown[][];
          const range = slots.find((r) => slot >= Number(r[0]) && slot <= Number(r[1]));
          const replicas = (range ?? []).slice(3) as [string, number][];
          for (const [, replicaPort] of replicas) {
            const replica = await inspectorClient(`redis://127.0.0.1:${replicaPort}`);
            try {
              await replica.sendCommand(['READONLY']);
              if (Number(await replica.sendCommand(['EXISTS', key])) !== 1) return false;
            } finally {
              replica.destroy();
            }
          }
          return replicas.length > 0;
        } finally {
          client.destroy();
        }
      }
      return false;
    }, `${key} on the replicas`);
  }

  /** SIGKILL one node, as in a crash. */
  async kill(port: number): Promise<void> {
    const child = this.nodes.get(port);
    this.nodes.delete(port);
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    for (const port of [...this.nodes.keys()]) await this.kill(port);
  }
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
