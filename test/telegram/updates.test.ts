import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { chatRef } from '../../src/privacy.js';
import { buttons } from './fake-telegram.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';

const LANGS = ['en', 'id', 'tl', 'hi'] as const;

/** What she sees as the newest question. */
const questionText = (h: TelegramHarness, chatId: number) => h.fake.lastQuestion(chatId)?.text;

describe('typed answers', () => {
  it('"2" picks the second answer, and the question she answered by typing loses its buttons', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.say(user, '/start en');
    const passport = h.fake.lastQuestion(user.id)!;
    await h.say(user, '2');
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.answers).toEqual({ passport: 'employer' });
    expect(buttons(h.fake.visible(user.id).find((m) => m.id === passport.id)!)).toEqual([]);
    // Someone else keeps her passport: the follow-up about her bank card comes next.
    expect(questionText(h, user.id)).toBe(h.t('en', 'q.bank_card.text'));
  });

  const words: [lang: string, word: string][] = [
    ['en', 'yes'],
    ['en', 'Yes!'],
    ['id', 'ya'],
    ['id', 'Iya'],
    ['tl', 'oo'],
    ['tl', 'Opo'],
  ];
  for (const [lang, word] of words) {
    it(`"${word}" answers yes in ${lang}`, async () => {
      const h = new TelegramHarness({ locales: [...LANGS] });
      const user = newUser();
      await h.say(user, `/start ${lang}`);
      await h.tap(user, 'self');
      await h.say(user, word);
      const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
      expect(record?.value.s.answers).toEqual({ passport: 'self', job_promised: 'yes' });
      expect(questionText(h, user.id)).toBe(h.t(lang, 'q.other_work.text'));
      expect(h.sentTexts(user.id)).not.toContain(h.t(lang, 'input.tap_a_choice'));
    });
  }

  it('a number in Devanagari digits ("२") works in Hindi, a full-width "２" anywhere', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.say(user, '/start hi');
    await h.say(user, '२');
    await h.say(user, '２');
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.answers).toEqual({ passport: 'employer', bank_card: 'yes' });
  });

  it('a word that is no answer gets "please tap or type a number" and the question again, buttons and all', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.say(user, '/start id');
    const before = h.sentTexts(user.id).length;
    await h.say(user, 'kemarin majikan marah');
    expect(h.sentTexts(user.id).slice(before)).toEqual([
      h.t('id', 'input.tap_a_choice'),
      h.t('id', 'q.passport.text'),
    ]);
    expect(h.fake.visible(user.id).filter((m) => buttons(m).length > 0)).toHaveLength(1);
  });
});

describe('updates that are not a message or a button tap in her private chat', () => {
  /** Sends `update` and checks that nothing at all happened: no call to Telegram, nothing stored. */
  async function expectIgnored(h: TelegramHarness, update: Update | Record<string, unknown>) {
    const calls = h.fake.calls.length;
    const writes = h.store.written.length;
    await expect(h.send(update as Update)).resolves.toBeUndefined();
    expect(h.fake.calls.slice(calls)).toEqual([]);
    expect(h.store.written.length).toBe(writes);
  }

  it('an edited message is ignored: her earlier answer stands and nothing is sent', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    await h.say(user, '1');
    const hers = h.fake
      .visible(user.id)
      .filter((m) => m.from === 'user')
      .at(-1)!;
    await expectIgnored(h, h.fake.edit(user, hers.id, '2'));
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.answers).toEqual({ passport: 'self' });
  });

  it('an edited "exit" does nothing either; typing it again does exit (and the edited message is erased)', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    await h.say(user, 'hello');
    const hers = h.fake
      .visible(user.id)
      .filter((m) => m.from === 'user')
      .at(-1)!;
    await expectIgnored(h, h.fake.edit(user, hers.id, 'exit'));
    await h.say(user, 'exit');
    expect(h.fake.visible(user.id).map((m) => m.text)).toEqual([h.t('en', 'exit.done')]);
  });

  it('reactions, member updates, channel posts and their edits, inline queries: ignored', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    const from = { id: user.id, is_bot: false, first_name: user.first_name };
    const chat = { id: user.id, type: 'private' as const, first_name: user.first_name };
    const channel = { id: -1009876543210, type: 'channel' as const, title: 'news' };
    await h.say(user, '/start en');
    const updates: Record<string, unknown>[] = [
      {
        message_reaction: {
          chat,
          message_id: 2,
          user: from,
          date: 0,
          old_reaction: [],
          new_reaction: [{ type: 'emoji', emoji: '👍' }],
        },
      },
      {
        my_chat_member: {
          chat,
          from,
          date: 0,
          old_chat_member: { status: 'member', user: from },
          new_chat_member: { status: 'kicked', user: from, until_date: 0 },
        },
      },
      { channel_post: { message_id: 1, date: 0, chat: channel, text: '/start en' } },
      { edited_channel_post: { message_id: 1, date: 0, edit_date: 1, chat: channel, text: 'exit' } },
      { inline_query: { id: '1', from, query: 'help', offset: '' } },
      { chosen_inline_result: { result_id: '1', from, query: 'x' } },
      { poll_answer: { poll_id: '1', user: from, option_ids: [0] } },
    ];
    for (const u of updates) await expectIgnored(h, { update_id: h.fake.updateId(), ...u });
  });

  it('in a group: messages, edits and stickers get no answer, a tap there is only acknowledged', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    const group = { id: -1001234567890, type: 'supergroup' as const, title: 'Sunday friends' };
    await expectIgnored(h, h.fake.userMessage(user, 'text', { text: 'exit' }, group));
    await expectIgnored(h, h.fake.userMessage(user, 'sticker', { sticker: { file_id: 'x' } }, group));
    await expectIgnored(h, {
      update_id: h.fake.updateId(),
      edited_message: { message_id: 1, date: 0, edit_date: 1, chat: group, text: '/start' },
    });
    expect(h.store.keys.size).toBe(0);
  });
});

describe('malformed updates never crash the bot', () => {
  const user = newUser();
  const chat = { id: user.id, type: 'private', first_name: user.first_name };
  const from = { id: user.id, is_bot: false, first_name: user.first_name };
  const malformed: [string, Record<string, unknown>][] = [
    ['only an update id', {}],
    ['an empty message', { message: {} }],
    ['a message that is null', { message: null }],
    ['a message that is a string', { message: 'hello' }],
    ['a message without chat', { message: { message_id: 1, date: 0, text: 'exit' } }],
    ['a chat without type', { message: { message_id: 1, date: 0, chat: { id: user.id }, text: '/start' } }],
    ['a message without id or sender', { message: { date: 0, chat, text: '/start en' } }],
    ['text that is a number', { message: { message_id: 1, date: 0, chat, from, text: 42 } }],
    ['a tap without message or data', { callback_query: { id: '9001', from, chat_instance: '1' } }],
    [
      'a tap whose data is a number',
      {
        callback_query: {
          id: '9002',
          from,
          chat_instance: '1',
          data: 7,
          message: { message_id: 1, date: 0, chat, text: 'x' },
        },
      },
    ],
    [
      'a tap on a message Telegram no longer shows (inaccessible, date 0)',
      {
        callback_query: {
          id: '9003',
          from,
          chat_instance: '1',
          data: 'c|passport|self',
          message: { message_id: 1, date: 0, chat },
        },
      },
    ],
    ['an unknown kind of update', { business_connection_v9: { anything: true } }],
  ];

  for (const [what, fields] of malformed) {
    it(`${what}: handled without an exception; a tap is still acknowledged`, async () => {
      const h = new TelegramHarness({ locales: ['en'] });
      await expect(h.send({ update_id: h.fake.updateId(), ...fields } as Update)).resolves.toBeUndefined();
      expect(h.logLines.join('')).not.toContain('telegram update failed');
      const query = (fields.callback_query as { id?: string } | undefined)?.id;
      if (query) {
        expect(h.fake.callsOf('answerCallbackQuery').map((c) => c.payload.callback_query_id)).toEqual([
          query,
        ]);
      }
      // Whatever was sent went to her chat only, and is the normal start of a conversation.
      for (const c of h.fake.callsOf('sendMessage')) expect(Number(c.payload.chat_id)).toBe(user.id);
    });
  }
});

describe('button taps', () => {
  it('every tap is acknowledged, also a stale one, an unknown one and one on a finished chat', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    const passport = h.fake.lastQuestion(user.id)!;
    await h.tap(user, 'self');
    await h.send(h.fake.tap(user, passport.id, 'c|passport|agency', { force: true }));
    await h.send(h.fake.tap(user, passport.id, 'zz|unknown|data', { force: true }));
    const question = h.fake.lastQuestion(user.id)!;
    await h.say(user, 'exit');
    // After the exit she finds a notification and taps a button on a message that is gone.
    h.fake.removeFromChat(user.id, question.id);
    await h.send({
      update_id: h.fake.updateId(),
      callback_query: {
        id: 'late-1',
        from: { id: user.id, is_bot: false, first_name: user.first_name },
        chat_instance: '1',
        data: 'c|job_promised|yes',
        message: {
          message_id: question.id,
          date: 0,
          chat: { id: user.id, type: 'private', first_name: user.first_name },
        },
      },
    } as Update);
    const taps = h.fake.calls.filter((c) => c.method === 'answerCallbackQuery');
    expect(taps).toHaveLength(4);
    expect(new Set(taps.map((c) => c.payload.callback_query_id)).size).toBe(4);
  });

  it('a tap is acknowledged even when answering fails (the query is too old): the turn goes on', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    h.fake.failOnce('answerCallbackQuery', {
      ok: false,
      error_code: 400,
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    await h.tap(user, 'self');
    expect(questionText(h, user.id)).toBe(h.t('en', 'q.job_promised.text'));
  });

  it('callback data carries the step and answer ids only: never her chat id, user id or name', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'] });
    const user = newUser();
    await h.say(user, '/start');
    await h.tap(user, 'id');
    await h.tap(user, 'self');
    const datas = h.fake
      .callsOf('sendMessage')
      .flatMap(
        (c) =>
          (c.payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
            ?.inline_keyboard ?? [],
      )
      .flat()
      .map((b) => b.callback_data ?? '');
    expect(datas.length).toBeGreaterThan(10);
    for (const d of datas) {
      expect(d).toMatch(/^(c\|[a-z0-9_!-]+\|[A-Za-z0-9_-]+|n\|(contacts|exit))$/);
      for (const secret of [String(user.id), user.first_name, user.username!])
        expect(d).not.toContain(secret);
      expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
    }
  });
});
