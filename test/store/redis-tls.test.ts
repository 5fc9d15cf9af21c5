import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createStatsCounter } from '../../src/stats/create-counter.js';
import { createSessionStore } from '../../src/store/create-store.js';
import { describeWithRedisServerBinary, freePort, REDIS_SERVER_BIN } from '../helpers/redis.js';
import { sampleRecord } from './session-store-contract.js';

/**
 * A managed Redis with its own certificate authority, played by a local redis-server on a TLS port
 * with a certificate made here (openssl): REDIS_TLS_CA_FILE makes the bot trust that CA.
 */
const silent = createLogger('silent');

describeWithRedisServerBinary('Redis over TLS with its own certificate authority (REDIS_TLS_CA_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const file = (name: string) => join(dir, name);
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Test CA');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
    port = await freePort();
    server = spawn(
      REDIS_SERVER_BIN,
      ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key'),
        '--tls-ca-cert-file', file('ca.crt'), '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''],
      { stdio: 'ignore' },
    );
    // Ready when the TLS port takes connections.
    for (const end = Date.now() + 10_000; Date.now() < end; ) {
      const ok = await createSessionStore({ REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PREFIX: 'tls-probe:', REDIS_TIMEOUT_MS: 500, REDIS_TLS_CA_FILE: file('ca.crt') }, silent)
        .then(async (s) => (await s.close(), true))
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('with the CA file, sessions and counts are kept in the TLS Redis', async () => {
    const config = loadConfig({ REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PREFIX: 'tls:', REDIS_TLS_CA_FILE: file('ca.crt') });
    const store = await createSessionStore(config, silent);
    expect(await store.write('chat', sampleRecord(), 0, 60)).toBe(true);
    expect((await store.read('chat'))?.version).toBeGreaterThan(0);
    await store.close();
    const counter = await createStatsCounter(config, silent);
    await counter.close();
  });

  it('without it, the server\'s certificate is not trusted and the start stops naming REDIS_URL', async () => {
    const attempt = createSessionStore({ REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PREFIX: 'tls:', REDIS_TIMEOUT_MS: 500 }, silent);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    expect(await attempt.catch((e: Error) => e.message)).toMatch(/^REDIS_URL is set \(rediss:\/\/127\.0\.0\.1:\d+\) but Redis does not answer there: /);
  });

  it('a CA file that does not exist, or a plain redis:// URL with it, stops the start with one sentence each', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS_CA_FILE: '/nowhere/ca.pem' })).toThrow(
      'Bad setting(s):\nREDIS_TLS_CA_FILE names /nowhere/ca.pem, but there is no such file.\nREDIS_TLS_CA_FILE is set, but REDIS_URL does not start with rediss:// (Redis over TLS): use rediss://host:port.\nSee .env.example.',
    );
  });
});
