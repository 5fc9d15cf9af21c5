import { spawn, type ChildProcess } from 'node:child_process';
import { createClient } from 'redis';
import { freePort } from './net.js';
import { probeRedis } from './redis-probe.js';

/** The binaries (Debian's redis-server and redis-tools). */
const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function inspectorClient(url: string) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The binary that creates a cluster from running nodes (Debian's redis-tools). */
export const REDIS_CLI_BIN = process.env.REDIS_CLI_BIN || '/usr/bin/redis-cli';

/**
 * A Redis Cluster of its own, for the tests and the benchmark: 3 masters and 3 replicas on 127.0.0.1, nothing saved to disk,
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
    // Every replica linked to its master and synced: only then can a replica take over a master.
    await until(async () => (await cluster.syncedReplicas()) === ports.length / 2, 'the replicas to be in sync');
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

  /** How many nodes are replicas whose link to their master is up and not syncing. */
  async syncedReplicas(): Promise<number> {
    let synced = 0;
    for (const port of this.ports) {
      if (!this.nodes.has(port)) continue;
      const client = await inspectorClient(`redis://127.0.0.1:${port}`).catch(() => undefined);
      if (!client) continue;
      try {
        const info = String(await client.sendCommand(['INFO', 'replication']));
        if (/role:slave/.test(info) && /master_link_status:up/.test(info) && /master_sync_in_progress:0/.test(info)) synced++;
      } finally {
        client.destroy();
      }
    }
    return synced;
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
