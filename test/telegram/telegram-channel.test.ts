import { describe, expect, it } from 'vitest';
import { SECRET_HEADER } from '../../bots/telegram/webhook-server.js';
import { startTelegramChannel, type TelegramChannelOptions } from '../../bots/telegram/telegram-channel.js';
import { ConfigError } from '../../src/config.js';
import { newUser, TelegramHarness, TEST_SECRET, TEST_TOKEN } from './harness.js';
import { freePort } from '../../dev/net.js';

const WEBHOOK_SECRET = 'wh_secret_0123456789ABCDEFabcdef';

function options(
  h: TelegramHarness,
  config: Partial<TelegramChannelOptions['config']> = {},
): TelegramChannelOptions {
  return {
    core: h.core,
    config: {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'polling',
      TELEGRAM_WEBHOOK_URL: undefined,
      TELEGRAM_WEBHOOK_SECRET: undefined,
      PORT: 0,
      SESSION_SECRET: TEST_SECRET,
      ...config,
    },
    logger: h.logger,
    host: '127.0.0.1',
    apiTransformer: h.fake.transformer,
  };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('starting the Telegram channel', () => {
  it('webhook mode: checks the token, sets the menu and the webhook with its secret, serves updates, stops', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'] });
    const channel = await startTelegramChannel(
      options(h, {
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/hook',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      }),
    );
    try {
      expect(h.fake.calls.map((c) => c.method)).toEqual([
        'getMe',
        'setMyCommands',
        'setMyCommands',
        'setWebhook',
      ]);
      expect(h.fake.callsOf('setWebhook')[0]!.payload).toMatchObject({
        url: 'https://bot.example.org/tg/hook',
        secret_token: WEBHOOK_SECRET,
        allowed_updates: ['message', 'callback_query'],
      });
      const user = newUser();
      const res = await fetch(`http://127.0.0.1:${channel.port}/tg/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
        body: JSON.stringify(h.fake.text(user, '/start id')),
      });
      expect(res.status).toBe(200);
      await until(() => h.sentTexts(user.id).length === 2);
    } finally {
      await channel.stop();
    }
    await expect(fetch(`http://127.0.0.1:${channel.port}/health`)).rejects.toThrow();
    // The webhook stays set: other instances may still serve it.
    expect(h.fake.callsOf('deleteWebhook')).toEqual([]);
  });

  it('polling mode: removes any webhook, long-polls, answers, and stops cleanly', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    h.fake.queueUpdate(h.fake.text(user, '/start en'));
    const channel = await startTelegramChannel(options(h));
    try {
      await until(() => h.sentTexts(user.id).length === 2);
      expect(h.fake.calls.map((c) => c.method).slice(0, 3)).toEqual([
        'getMe',
        'setMyCommands',
        'deleteWebhook',
      ]);
      h.fake.queueUpdate(h.fake.text(user, '1'));
      await until(() => h.sentTexts(user.id).length === 3);
      expect(h.sentTexts(user.id)[2]).toBe(h.t('en', 'q.job_promised.text'));
    } finally {
      await channel.stop();
    }
  });

  it('polling mode: a stop waits for the turn in flight to finish before it resolves', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    h.fake.slowDown('sendMessage', 150);
    h.fake.queueUpdate(h.fake.text(user, '/start en'));
    const channel = await startTelegramChannel(options(h));
    await until(() => h.fake.callsOf('sendMessage').length === 1);
    await channel.stop();
    // Both messages of the turn went out before the stop resolved (after it, Redis is closed).
    expect(h.sentTexts(user.id)).toEqual([h.t('en', 'privacy.promise'), h.t('en', 'q.passport.text')]);
    expect(h.logLines.join('')).not.toContain('still in flight');
  });

  it('polling mode: another copy polling with the same token (409) stops with a plain message', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    h.fake.failOnce('getUpdates', {
      ok: false,
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    let failed: unknown;
    const channel = await startTelegramChannel({ ...options(h), onPollingFailed: (err) => (failed = err) });
    await until(() => failed !== undefined);
    expect(h.logLines.join('')).toContain(
      'another copy of this bot is polling with the same TELEGRAM_BOT_TOKEN',
    );
    await channel.stop();
  });

  it('webhook mode: an address Telegram does not accept is a clear start-up error, and the port is freed', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    h.fake.failOnce('setWebhook', {
      ok: false,
      error_code: 400,
      description: 'Bad Request: bad webhook: Failed to resolve host: Name or service not known',
    });
    const port = await freePort();
    const start = startTelegramChannel(
      options(h, {
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.invalid/tg',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PORT: port,
      }),
    );
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/TELEGRAM_WEBHOOK_URL .*Failed to resolve host/);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('a missing token is a clear start-up error', async () => {
    const h = new TelegramHarness();
    await expect(startTelegramChannel(options(h, { TELEGRAM_BOT_TOKEN: undefined }))).rejects.toThrow(
      new ConfigError('TELEGRAM_BOT_TOKEN is not set: get one from @BotFather (see README, "Telegram").'),
    );
  });

  it('a token Telegram refuses is a clear start-up error (and the token is not in it)', async () => {
    const h = new TelegramHarness();
    h.fake.failOnce('getMe', { ok: false, error_code: 401, description: 'Unauthorized' });
    const err = await startTelegramChannel(options(h)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/refused TELEGRAM_BOT_TOKEN/);
    expect((err as Error).message).not.toContain(TEST_TOKEN.split(':')[1]);
  });
});

