import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramChannel, type TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { startWhatsApp } from '../../bots/whatsapp/start-whatsapp.js';
import type { WhatsAppChannel } from '../../bots/whatsapp/whatsapp-channel.js';
import { createCore, loadCheckedBundle, type Core } from '../../src/app.js';
import type { TurnEvent } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { FakeWhatsAppClient, libraryMessage } from './fake-client.js';
import { freePort, until } from '../../dev/net.js';

/*
 * Telegram and WhatsApp in one process, as src/main.ts runs them: one core and one store, the
 * Telegram channel against the telegram-test-api emulator on 127.0.0.1 (real grammY, real HTTP,
 * long polling), the WhatsApp channel from its own start-up code (default pacing) on a fake client.
 * Both answer at the same time, keep their chats apart, count under their own channel, and stop
 * together.
 */

const TOKEN = '424243:emulator-token-for-two-channels-test';
const SECRET = 'two-channels-test-secret-0123456789';
const WA_CHAT = '85291234567@c.us';
const TG_USER = 7_100_000_001;



describe('Telegram and WhatsApp in one process', () => {
  let server: TelegramServer;
  let core: Core;
  let telegram: TelegramChannel;
  let whatsapp: WhatsAppChannel;
  const wa = new FakeWhatsAppClient();
  const events: [string, TurnEvent][] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    const logger = createLogger('debug', { write: (l: string) => void logLines.push(l) });
    core = createCore({
      bundle: loadCheckedBundle(),
      config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
      logger,
      onEvent: (event, channel) => void events.push([channel, event]),
    });
    telegram = await startTelegramChannel({
      core,
      config: {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_MODE: 'polling',
        TELEGRAM_WEBHOOK_URL: undefined,
        TELEGRAM_WEBHOOK_SECRET: undefined,
        PORT: 0,
        SESSION_SECRET: SECRET,
      },
      logger,
      apiRoot: server.config.apiURL,
    });
    whatsapp = await startWhatsApp({
      config: {
        WHATSAPP_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'wa-two-')), 'wa'),
        CHROMIUM_PATH: process.execPath, // any file: the fake client launches no browser
        SESSION_SECRET: SECRET,
        SESSION_TTL_HOURS: 24,
      },
      core,
      logger,
      createClient: () => wa,
    });
    wa.emit('ready');
    await whatsapp.idle();
  });

  afterAll(async () => {
    await server?.stop();
  });

  const telegramTexts = () =>
    server.storage.botMessages
      .filter((u) => Number(u.message.chat_id) === TG_USER)
      .map((u) => u.message.text);

  it('answers both at once, each in its own language, with separate sessions and counts', async () => {
    const tg = server.getClient(TOKEN, { userId: TG_USER, chatId: TG_USER, firstName: 'Ana' });
    const t = (lang: string, key: string) => core.translator.t(lang, key);

    // Both start at the same moment: Telegram from a leaflet link, WhatsApp from a leaflet text.
    await tg.sendCommand(tg.makeCommand('/start id-mfmw2026'));
    wa.emit('message', libraryMessage(WA_CHAT, 'SIMULA tl-sunday'));
    await whatsapp.idle();
    await until(() => (telegramTexts().includes(t('id', 'q.passport.text')) ? true : undefined));

    expect(wa.textsTo(WA_CHAT)[0]).toBe(t('tl', 'privacy.promise'));
    expect(wa.textsTo(WA_CHAT).at(-1)).toContain(t('tl', 'q.passport.text'));
    expect(telegramTexts()[0]).toBe(t('id', 'privacy.promise'));
    expect(wa.sent.every((s) => s.chatId === WA_CHAT)).toBe(true);

    // An answer on each: both sessions move on, neither touches the other.
    await tg.sendMessage(tg.makeMessage('1'));
    wa.emit('message', libraryMessage(WA_CHAT, '1'));
    await whatsapp.idle();
    await until(() => (telegramTexts().includes(t('id', 'q.job_promised.text')) ? true : undefined));
    expect(wa.textsTo(WA_CHAT).at(-1)).toContain(t('tl', 'q.job_promised.text'));

    const waSession = await core.store.read(chatRef(SECRET, 'whatsapp', WA_CHAT));
    const tgSession = await core.store.read(chatRef(SECRET, 'telegram', TG_USER));
    expect(waSession?.value.s).toMatchObject({ lang: 'tl', campaign: 'sunday', step: 'job_promised' });
    expect(tgSession?.value.s).toMatchObject({ lang: 'id', campaign: 'mfmw2026', step: 'job_promised' });
    expect(events.filter(([, e]) => e.type === 'started')).toEqual(
      expect.arrayContaining([
        ['telegram', { type: 'started', lang: 'id', campaign: 'mfmw2026' }],
        ['whatsapp', { type: 'started', lang: 'tl', campaign: 'sunday' }],
      ]),
    );
  });

  it('stops both together, as the shutdown in src/main.ts does', async () => {
    const results = await Promise.allSettled([telegram, whatsapp].map((c) => c.stop()));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(wa.destroyed).toBe(true);
    const logged = logLines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
  });
});
