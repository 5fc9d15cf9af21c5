import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramChannel, type TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';
import { freePort, until } from '../../dev/net.js';

/**
 * End-to-end smoke tests against telegram-test-api, a local Bot API emulator on 127.0.0.1: the
 * real grammY client, real HTTP, long polling through the channel's own start-up. The emulator
 * has no `deleteMessages` and no `setMyCommands` (it answers 500): the bot logs the menu failure
 * and falls back to one `deleteMessage` per message, which is what these tests see.
 */
const TOKEN = '424242:emulator-token-for-end-to-end-tests';



describe('end to end against the telegram-test-api emulator', () => {
  let server: TelegramServer;
  let channel: TelegramChannel;
  let h: TelegramHarness;
  const calls: { method: string; payload: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    h = new TelegramHarness({ locales: ['en', 'id'] });
    channel = await startTelegramChannel({
      core: h.core,
      config: {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_MODE: 'polling',
        TELEGRAM_WEBHOOK_URL: undefined,
        TELEGRAM_WEBHOOK_SECRET: undefined,
        PORT: 0,
        SESSION_SECRET: TEST_SECRET,
      },
      logger: h.logger,
      apiRoot: server.config.apiURL,
      // Passes every call through to the emulator, keeping a copy to check what was asked.
      apiTransformer: (prev, method, payload, signal) => {
        if (method !== 'getUpdates')
          calls.push({ method, payload: (payload ?? {}) as Record<string, unknown> });
        return prev(method, payload, signal);
      },
    });
  });

  afterAll(async () => {
    await channel?.stop();
    await server?.stop();
  });

  const botMessages = (chatId: number) =>
    server.storage.botMessages.filter((u) => Number(u.message.chat_id) === chatId);
  const userMessages = (chatId: number) =>
    server.storage.userMessages.filter(
      (u) => 'message' in u && !('callbackQuery' in u) && u.message.chat.id === chatId,
    );

  it('/start with a payload, a button tap (its keyboard edited away), then quick exit deletes the chat', async () => {
    const user = newUser();
    const client = server.getClient(TOKEN, {
      userId: user.id,
      chatId: user.id,
      firstName: user.first_name,
      userName: user.username,
    });

    // /start from a leaflet link: Indonesian, no language question.
    await client.sendCommand(client.makeCommand('/start id-mfmw2026'));
    const passport = await until(() =>
      botMessages(user.id).find((u) => u.message.text === h.t('id', 'q.passport.text')),
    );
    expect(botMessages(user.id)[0]!.message.text).toBe(h.t('id', 'privacy.promise'));
    const keyboard = passport.message.reply_markup as {
      inline_keyboard: { text: string; callback_data: string }[][];
    };
    expect(keyboard.inline_keyboard.flat().map((b) => b.callback_data)).toContain('c|passport|self');

    // A tap: answered, the tapped question's keyboard edited away, the next question sent.
    await client.sendCallback(
      client.makeCallbackQuery('c|passport|self', { message: { message_id: passport.messageId } }),
    );
    await until(() => botMessages(user.id).find((u) => u.message.text === h.t('id', 'q.job_promised.text')));
    const edited = botMessages(user.id).find((u) => u.messageId === passport.messageId)!;
    expect(edited.message.reply_markup).toEqual({ inline_keyboard: [] });

    // A typed answer, then the exit word: every message of hers and the bot's is deleted.
    await client.sendMessage(client.makeMessage('ya'));
    await until(() => botMessages(user.id).find((u) => u.message.text === h.t('id', 'q.other_work.text')));
    expect(userMessages(user.id).length).toBeGreaterThanOrEqual(2);
    const before = [...botMessages(user.id), ...userMessages(user.id)].map((u) => u.messageId);
    // The emulator gives a button tap the id of the next message without using it up, so a
    // deleteMessage for that message removes the tap's record instead (an emulator quirk).
    const shadowed = new Set(
      server.storage.userMessages
        .filter((u) => 'callbackQuery' in u && u.callbackQuery.message.chat.id === user.id)
        .map((u) => u.messageId),
    );
    await client.sendMessage(client.makeMessage(h.exitWord('id')));
    await until(() =>
      botMessages(user.id).some((u) => u.message.text === h.t('id', 'exit.done')) ? true : undefined,
    );
    const exitMessage = Math.max(...before) + 1;
    // The emulator has no deleteMessages: the bot fell back to one deleteMessage per message, all of them.
    expect(calls.filter((c) => c.method === 'deleteMessages')).toHaveLength(1);
    const deleted = calls
      .filter((c) => c.method === 'deleteMessage')
      .map((c) => Number(c.payload.message_id));
    expect(deleted.sort((a, b) => a - b)).toEqual([...before, exitMessage].sort((a, b) => a - b));
    const left = botMessages(user.id).filter((u) => !shadowed.has(u.messageId));
    expect(left.map((u) => u.message.text)).toEqual([h.t('id', 'exit.done')]);
    expect(userMessages(user.id)).toEqual([]);
  });

  it('a sticker gets the "please use the buttons" reply', async () => {
    const user = newUser();
    const client = server.getClient(TOKEN, { userId: user.id, chatId: user.id, firstName: user.first_name });
    await client.sendCommand(client.makeCommand('/start en'));
    await until(() => botMessages(user.id).find((u) => u.message.text === h.t('en', 'q.passport.text')));
    const sticker = client.makeMessage('', {
      sticker: {
        file_id: 'CAAC',
        file_unique_id: 'AgAD',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    } as never);
    delete (sticker as { text?: string }).text;
    await client.sendMessage(sticker as never);
    await until(() => botMessages(user.id).find((u) => u.message.text === h.t('en', 'input.non_text')));
  });
});
