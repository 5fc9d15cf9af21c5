import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOUD_CHANNEL } from '../../bots/whatsapp-cloud/cloud-channel.js';
import { PROJECT_ROOT } from '../../src/app.js';
import { chatRef } from '../../src/privacy.js';
import { freePort } from '../../dev/net.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  inspectorClient,
  TEST_REDIS_URL,
  uniqueTestPrefix,
} from '../helpers/redis.js';
import { newUser, TEST_TOKEN } from '../telegram/harness.js';
import { BotApiServer } from '../telegram/process/bot-api-server.js';
import { FakeGraph } from './fake-graph.js';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  messageId,
  newWaId,
  PATH,
  PHONE_NUMBER_ID,
  sign,
  VERIFY_TOKEN,
  webhookBody,
} from './harness.js';
import { decodeRecord } from '../../src/store/session-codec.js';

/*
 * `npm start` with Telegram in webhook mode and the WhatsApp Cloud API channel: one process, one
 * port, both webhooks. Two such processes share Redis behind a (pretend) load balancer.
 */
const SESSION_SECRET = 'cloud-main-process-secret-0123456789';
const WEBHOOK_SECRET = 'wh_secret_0123456789ABCDEFabcdef';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describeWithRedis('the main job with Telegram webhooks and the Cloud API together', () => {
  const prefix = uniqueTestPrefix('wacloud-main');
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;
  let api: BotApiServer;
  let graph: FakeGraph;

  beforeAll(async () => {
    inspector = await inspectorClient();
    api = await BotApiServer.start();
    graph = await new FakeGraph(PHONE_NUMBER_ID, ACCESS_TOKEN).start();
  });
  afterAll(async () => {
    await deleteKeysUnder(inspector, prefix);
    await inspector?.close();
    await api?.close();
    await graph?.close();
  });

  async function startMain(): Promise<{ port: number; child: ChildProcess; log: () => string }> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        SESSION_SECRET,
        PORT: String(port),
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        TELEGRAM_API_ROOT: api.root,
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/hook',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        WHATSAPP_CLOUD_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
        WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_CLOUD_WEBHOOK_PATH: PATH,
        WHATSAPP_CLOUD_GRAPH_ROOT: graph.root,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString('utf8')));
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status === 200,
          () => false,
        ),
      () => log,
    );
    return { port, child, log: () => log };
  }

  it('one process answers Telegram and WhatsApp on one port; a second process shares Redis and drops a re-delivery', async () => {
    const [one, two] = await Promise.all([startMain(), startMain()]);
    // Health answers once Telegram's server listens; the Cloud API route is mounted on it already.
    await waitFor(
      () => one.log().includes('whatsapp cloud: webhook on the Telegram webhook server'),
      one.log,
    );

    // Meta's verification handshake and a Telegram update, on the same port.
    const verified = await fetch(
      `http://127.0.0.1:${one.port}${PATH}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=987654`,
    );
    expect(await verified.text()).toBe('987654');
    const user = newUser();
    const tg = await fetch(`http://127.0.0.1:${one.port}/tg/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(api.fake.text(user, '/start en')),
    });
    expect(tg.status).toBe(200);

    // WhatsApp: she starts on process one, answers on process two; Meta re-delivers her answer to one.
    const from = newWaId();
    const post = (port: number, body: unknown) => {
      const raw = JSON.stringify(body);
      return fetch(`http://127.0.0.1:${port}${PATH}`, {
        method: 'POST',
        headers: { 'x-hub-signature-256': sign(raw) },
        body: raw,
      });
    };
    expect(
      (await post(one.port, webhookBody(from, { type: 'text', text: { body: 'start en' } }))).status,
    ).toBe(200);
    await waitFor(() => graph.to(from).length === 2, one.log);
    const id = messageId(from);
    const answer = webhookBody(
      from,
      {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'c|passport|self', title: 'x' } },
      },
      { id },
    );
    expect((await post(two.port, answer)).status).toBe(200);
    await waitFor(() => graph.to(from).length === 3, two.log);
    expect((await post(one.port, answer)).status).toBe(200);

    await waitFor(
      () => api.fake.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === user.id).length === 2,
      one.log,
    );
    // Her next message goes to process one after the re-delivery: answered once that one was dropped.
    await post(one.port, webhookBody(from, { type: 'text', text: { body: '1' } }));
    await waitFor(() => graph.to(from).length >= 4, one.log);
    await new Promise((r) => setTimeout(r, 100));
    expect(graph.to(from)).toHaveLength(4);
    const raw = await inspector.get(`${prefix}s:${chatRef(SESSION_SECRET, CLOUD_CHANNEL, from)}`);
    const answers = decodeRecord(raw!.replace(/^\d+\|/, '')).s.answers;
    expect(answers.passport).toBe('self');
    expect(Object.keys(answers)).toHaveLength(2);

    for (const p of [one, two]) p.child.kill('SIGTERM');
    for (const p of [one, two]) {
      const code = await new Promise((resolve) =>
        p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', resolve),
      );
      expect(code).toBe(0);
      expect(p.log()).not.toContain(from);
    }
  }, 60_000);
});

async function waitFor(
  check: () => boolean | Promise<boolean>,
  log: () => string,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out; log:\n${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
