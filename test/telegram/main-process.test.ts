import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { chatRef } from '../../src/privacy.js';
import { decodeRecord } from '../../src/store/session-codec.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  inspectorClient,
  TEST_REDIS_URL,
  uniqueTestPrefix,
} from '../helpers/redis.js';
import { newUser, TEST_TOKEN } from './harness.js';
import { BotApiServer } from './process/bot-api-server.js';
import { freePort } from '../../dev/net.js';

/**
 * The main job (`src/main.ts`) in its own process, as `npm start` runs it, talking to an offline
 * Telegram on 127.0.0.1 (TELEGRAM_API_ROOT, as for a self-hosted Bot API server): start-up, SIGTERM and SIGINT.
 */
const SESSION_SECRET = 'main-process-test-secret-0123456789';
const WEBHOOK_SECRET = 'wh_secret_0123456789ABCDEFabcdef';

interface Running {
  child: ChildProcess;
  /** Everything it wrote to stderr (its log) so far. */
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startMain(api: BotApiServer, env: Record<string, string>): Running {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts'],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        // The setting an NGO would use for a self-hosted Bot API server: here, the offline fake.
        TELEGRAM_API_ROOT: api.root,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        SESSION_SECRET,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, log: () => log, exited };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves with how the process ended, or fails when it is still running after `ms`. */
async function exitWithin(running: Running, ms: number) {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`still running ${ms} ms later:\n${running.log()}`)), ms).unref(),
  );
  return Promise.race([running.exited, timeout]);
}


describeWithRedis('the main job on Telegram, in its own process', () => {
  const prefix = uniqueTestPrefix('telegram-main');
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;
  let api: BotApiServer;

  beforeAll(async () => {
    inspector = await inspectorClient();
    api = await BotApiServer.start();
  });
  afterAll(async () => {
    await deleteKeysUnder(inspector, prefix);
    await inspector?.close();
    await api?.close();
  });

  /** The session the process saved for `chatId`, read straight from Redis. */
  const session = async (chatId: number) => {
    const raw = await inspector.get(`${prefix}s:${chatRef(SESSION_SECRET, 'telegram', chatId)}`);
    return raw ? decodeRecord(raw.slice(raw.indexOf('|') + 1)) : null;
  };

  it('webhook mode: SIGTERM finishes the turn in flight (sent, saved, ids remembered), closes Redis and exits 0', async () => {
    const port = await freePort();
    const main = startMain(api, {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/hook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PORT: String(port),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    await until(
      () =>
        fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status === 200,
          () => false,
        ),
      'the health endpoint',
    );
    expect(api.fake.callsOf('setWebhook')[0]?.payload).toMatchObject({ secret_token: WEBHOOK_SECRET });

    const user = newUser();
    api.fake.slowDown('sendMessage', 300);
    const res = await fetch(`http://127.0.0.1:${port}/tg/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(api.fake.text(user, '/start en')),
    });
    expect(res.status).toBe(200);
    await until(() => api.fake.callsOf('sendMessage').length === 1, 'the first reply to be on its way');
    main.child.kill('SIGTERM');

    expect(await exitWithin(main, 10_000)).toEqual({ code: 0, signal: null });
    const sent = api.fake.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === user.id);
    expect(sent).toHaveLength(2);
    const saved = await session(user.id);
    expect(saved?.s.step).toBe('passport');
    // Both replies' ids were written before Redis was closed: an exit later erases them.
    expect(saved?.m?.flatMap(([, ...ids]) => ids)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(main.log()).toContain('"signal":"SIGTERM"');
    expect(main.log()).toContain('"msg":"stopped"');
    expect(main.log()).not.toContain(String(user.id));
    api.fake.slowDown('sendMessage', 0);
  });

  it('polling mode: SIGINT finishes the turn in flight and exits 0', async () => {
    const user = newUser();
    const main = startMain(api, {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'polling',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    await until(() => main.log().includes('telegram: long polling'), 'polling to start');
    api.fake.slowDown('sendMessage', 300);
    api.fake.queueUpdate(api.fake.text(user, '/start id'));
    await until(
      () => api.fake.callsOf('sendMessage').some((c) => Number(c.payload.chat_id) === user.id),
      'the first reply to be on its way',
    );
    main.child.kill('SIGINT');

    expect(await exitWithin(main, 10_000)).toEqual({ code: 0, signal: null });
    expect(api.fake.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === user.id)).toHaveLength(
      2,
    );
    const saved = await session(user.id);
    expect(saved?.m?.flatMap(([, ...ids]) => ids)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(main.log()).toContain('"signal":"SIGINT"');
    api.fake.slowDown('sendMessage', 0);
  });

  it('polling mode: another copy polling (409) stops this one with a plain message and exit code 1', async () => {
    api.fake.failOnce('getUpdates', {
      ok: false,
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    const main = startMain(api, {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'polling',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    expect((await exitWithin(main, 15_000)).code).toBe(1);
    expect(main.log()).toContain('another copy of this bot is polling with the same TELEGRAM_BOT_TOKEN');
  });

  it('a missing token with TELEGRAM_MODE=webhook stops the start with a message naming it', async () => {
    const main = startMain(api, {
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    expect((await exitWithin(main, 15_000)).code).toBe(1);
    expect(main.log()).toContain('TELEGRAM_BOT_TOKEN is required when TELEGRAM_MODE=webhook');
  });

  it('a token Telegram refuses stops the start with a plain message and exit code 1', async () => {
    api.fake.failOnce('getMe', { ok: false, error_code: 401, description: 'Unauthorized' });
    const main = startMain(api, { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'polling' });
    expect((await exitWithin(main, 15_000)).code).toBe(1);
    expect(main.log()).toContain('Telegram refused TELEGRAM_BOT_TOKEN');
    expect(main.log()).not.toContain(TEST_TOKEN.split(':')[1]);
  });

  it('a failed start with REDIS_URL set also exits: the store and the counter are closed', async () => {
    api.fake.failOnce('getMe', { ok: false, error_code: 401, description: 'Unauthorized' });
    const main = startMain(api, {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'polling',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    expect((await exitWithin(main, 15_000)).code).toBe(1);
    expect(main.log()).toContain('Telegram refused TELEGRAM_BOT_TOKEN');
  });

  /** A settings file in a folder of its own, as an NGO writes it next to the bot. */
  const envFile = (lines: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
    writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`);
    return join(dir, '.env');
  };

  it('settings from a .env file: webhook mode registers its webhook with the (fake) Bot API, and the environment wins over the file', async () => {
    const port = await freePort();
    const file = envFile([
      '# written by an NGO, as the README says',
      `TELEGRAM_BOT_TOKEN=${TEST_TOKEN}`,
      'TELEGRAM_MODE=webhook',
      'TELEGRAM_WEBHOOK_URL="https://bot.example.org/from-file"',
      `TELEGRAM_WEBHOOK_SECRET=${WEBHOOK_SECRET}`,
      `PORT=${port}`,
      'LOG_LEVEL=debug',
    ]);
    // LOG_LEVEL is also in the environment (info): the environment wins.
    const main = startMain(api, { ENV_FILE: file });
    await until(() => api.fake.callsOf('setWebhook').some((c) => c.payload.url === 'https://bot.example.org/from-file'), 'the webhook from the file');
    main.child.kill('SIGTERM');
    expect(await exitWithin(main, 10_000)).toEqual({ code: 0, signal: null });
    expect(main.log()).not.toContain('"level":20'); // no debug lines: LOG_LEVEL=info from the environment won
    expect(main.log()).not.toContain(TEST_TOKEN.split(':')[1]);
  });

  it('a .env line that cannot be read stops the start and names the line, never its content', async () => {
    const file = envFile(['TELEGRAM_MODE=webhook', 'this line has no equals sign SECRETWORD', 'PORT=8080']);
    const main = startMain(api, { ENV_FILE: file });
    expect((await exitWithin(main, 15_000)).code).toBe(1);
    expect(main.log()).toContain(`${file} line 2 cannot be read: each line must be NAME=value (or a # comment).`);
    expect(main.log()).not.toContain('SECRETWORD');
  });

  it('wrong settings stop the start with one sentence each, all at once', async () => {
    const main = startMain(api, {
      NODE_ENV: 'prod',
      PORT: '70000',
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'http://bot.example.org/tg',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    expect((await exitWithin(main, 15_000)).code).toBe(1);
    expect(main.log()).toBe(
      [
        'Bad setting(s):',
        'NODE_ENV: must be development, production or test (got "prod")',
        'PORT: must be a whole number from 1 to 65535 (a TCP port) (got "70000")',
        'TELEGRAM_WEBHOOK_URL must be the public https:// address Telegram posts to, e.g. https://bot.example.org/telegram.',
        'See .env.example.',
        '',
      ].join('\n'),
    );
  });

  it('a port in use stops the start with one plain sentence; the server listens on HOST (127.0.0.1 by default)', async () => {
    const port = await freePort();
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const main = startMain(api, {
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/hook',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PORT: String(port),
      });
      expect((await exitWithin(main, 15_000)).code).toBe(1);
      expect(main.log()).toContain(
        `PORT ${port} on 127.0.0.1 is already in use (another program, or another copy of the bot): choose another PORT, or stop the other program.\n`,
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('no network to Telegram: one plain line per attempt, waiting longer each time, not a stream of retries', async () => {
    const closed = await freePort();
    const main = startMain(api, { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'polling', TELEGRAM_API_ROOT: `http://127.0.0.1:${closed}` });
    await until(() => main.log().includes('retrying in 4 s'), 'the second attempt', 15_000);
    // A stop while it still waits for Telegram ends the start cleanly (not killed mid-start).
    main.child.kill('SIGTERM');
    expect(await exitWithin(main, 10_000)).toEqual({ code: 0, signal: null });
    const lines = main.log().split('\n').filter((l) => l.includes('Telegram'));
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      `cannot reach Telegram at http://127.0.0.1:${closed}; retrying in 2 s`,
      `cannot reach Telegram at http://127.0.0.1:${closed}; retrying in 4 s`,
    ]);
    expect(main.log()).not.toContain('telegram call failed on the network');
    expect(main.log()).not.toContain(TEST_TOKEN.split(':')[1]);
  });
});
