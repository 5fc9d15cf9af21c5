import { describe, expect, it, vi } from 'vitest';
import { chatRef } from '../../src/privacy.js';
import { buttons, type FakeUser } from './fake-telegram.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';

/** A conversation with some of everything: taps, typed answers, a sticker, a command. */
async function chatABit(h: TelegramHarness, user: FakeUser, lang: string): Promise<void> {
  await h.say(user, `/start ${lang}`);
  await h.tap(user, 'self');
  await h.say(user, '1');
  await h.send(
    h.fake.userMessage(user, 'sticker', {
      sticker: {
        file_id: 'x',
        file_unique_id: 'y',
        type: 'regular',
        width: 1,
        height: 1,
        is_animated: false,
        is_video: false,
      },
    }),
  );
  await h.say(user, '/contacts');
  await h.say(user, 'my name is Maria, call me');
}

/** Nothing of the conversation is left: at most the one neutral line. */
async function expectErased(h: TelegramHarness, user: FakeUser, lang: string): Promise<void> {
  const left = h.fake.visible(user.id);
  expect(left).toEqual([{ id: expect.any(Number), from: 'bot', kind: 'text', text: h.t(lang, 'exit.done') }]);
  expect(await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id))).toBeNull();
  // Every message sent in the conversation, hers and the bot's, was asked to be deleted.
  const deleted = new Set([
    ...h.fake.callsOf('deleteMessages').flatMap((c) => c.payload.message_ids as number[]),
    ...h.fake.callsOf('deleteMessage').map((c) => Number(c.payload.message_id)),
  ]);
  expect(deleted.size).toBe(left[0]!.id - 1);
}

describe('quick exit erases the conversation', () => {
  it('the exit word typed in her language (hapus) deletes every message, hers and the bot’s, and leaves one neutral line', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id', 'tl'] });
    const user = newUser();
    await chatABit(h, user, 'id');
    expect(h.fake.visible(user.id).length).toBeGreaterThan(12);
    expect(h.exitWord('id')).toBe('hapus');
    await h.say(user, h.exitWord('id'));
    await expectErased(h, user, 'id');
    expect(h.fake.callsOf('deleteMessages')).toHaveLength(1);
  });

  it('/exit deletes everything too', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    await h.say(user, '/exit');
    await expectErased(h, user, 'en');
  });

  it('the exit button under a question deletes everything, including the question it was on', async () => {
    const h = new TelegramHarness({ locales: ['en', 'tl'] });
    const user = newUser();
    await chatABit(h, user, 'tl');
    const edits = h.fake.callsOf('editMessageReplyMarkup').length;
    await h.tapNav(user, 'exit');
    await expectErased(h, user, 'tl');
    // No pointless edit of a message about to be deleted.
    expect(h.fake.callsOf('editMessageReplyMarkup')).toHaveLength(edits);
    expect(h.fake.callsOf('answerCallbackQuery').length).toBeGreaterThan(0);
  });

  it('the exit word of another language works in any session ("quit" while chatting in Tagalog)', async () => {
    const h = new TelegramHarness({ locales: ['en', 'tl'] });
    const user = newUser();
    // "exit" is a Tagalog exit word too; "quit" is English only.
    expect(h.core.translator.words('tl', 'command.exit.words')).not.toContain('quit');
    expect(h.core.translator.words('en', 'command.exit.words')).toContain('quit');
    await chatABit(h, user, 'tl');
    await h.say(user, 'QUIT');
    await expectErased(h, user, 'tl');
  });

  it('"exit" on the urgent-help screen (an answer button there) erases too', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    for (const [step, choice] of [
      ['passport', 'self'],
      ['job_promised', 'yes'],
      ['other_work', 'no'],
      ['wages', 'full'],
      ['wage_amount', 'yes'],
      ['rest_day', 'yes'],
      ['holidays', 'yes'],
      ['hours', 'up_to_12'],
      ['food', 'yes'],
      ['room', 'own_room'],
      ['agency_fee', 'no'],
      ['debt', 'no'],
      ['go_out', 'locked_in'],
    ] as const) {
      expect(h.currentStep(user)).toBe(step);
      await h.tap(user, choice);
    }
    expect(h.currentStep(user)).toBe('go_out!urgent!locked_in');
    expect(h.sentTexts(user.id).at(-2)).toContain(h.t('en', 'urgent.text'));
    await h.tap(user, 'exit');
    await expectErased(h, user, 'en');
  });

  it('when the batch call fails, each message is deleted on its own; ones already gone or too old are skipped silently', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    // She deleted one message herself; another is too old for Telegram to delete.
    h.fake.removeFromChat(user.id, 3);
    h.fake.failOnce('deleteMessages', {
      ok: false,
      error_code: 400,
      description: 'Bad Request: method is not available',
    });
    const onScreen = h.fake.visible(user.id).length;
    await h.say(user, 'exit');
    // One call per remembered message: those on screen, the one she deleted, and her "exit".
    expect(h.fake.callsOf('deleteMessage')).toHaveLength(onScreen + 2);
    await expectErased(h, user, 'en');
    expect(h.logLines.join('')).not.toContain('"method":"deleteMessage"');
  });

  it('a message Telegram refuses to delete (older than 48 hours) does not stop the rest', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    h.fake.failOnce('deleteMessages', {
      ok: false,
      error_code: 400,
      description: 'Bad Request: method is not available',
    });
    h.fake.failOnce('deleteMessage', {
      ok: false,
      error_code: 400,
      description: "Bad Request: message can't be deleted for everyone",
    });
    await h.say(user, 'exit');
    const left = h.fake.visible(user.id);
    expect(left).toHaveLength(2); // the one Telegram kept, and the neutral line
    expect(left[0]!.id).toBe(1);
    expect(h.logLines.join('')).not.toContain('"method":"deleteMessage"');
  });

  it('a long conversation is deleted in batches of at most 100', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    for (let i = 0; i < 80; i++) await h.say(user, 'what?');
    expect(h.fake.visible(user.id).length).toBeGreaterThan(200);
    await h.say(user, 'exit');
    const batches = h.fake.callsOf('deleteMessages').map((c) => (c.payload.message_ids as number[]).length);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...batches)).toBeLessThanOrEqual(100);
    await expectErased(h, user, 'en');
  });

  it('exit as the very first message deletes it and ends with the neutral line', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, 'exit');
    await expectErased(h, user, 'en');
  });

  it('after an exit, nothing of the old conversation is remembered: a new start begins afresh', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    await h.say(user, 'exit');
    await h.say(user, 'hello');
    expect(h.sentTexts(user.id).at(-1)).toBe(h.t('en', 'language.choose'));
    expect(buttons(h.fake.lastQuestion(user.id)!).length).toBeGreaterThan(0);
  });
});

describe('quick exit leaves at most one neutral line', () => {
  it('exit twice: still one line (the first "Chat ended." is erased by the second exit)', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    await h.say(user, 'exit');
    await h.say(user, 'exit');
    await h.say(user, '/exit');
    await expectErased(h, user, 'en');
  });

  it('exit, a new conversation, exit again: one line, nothing of either conversation', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    await h.say(user, 'exit');
    await chatABit(h, user, 'id');
    await h.tapNav(user, 'exit');
    await expectErased(h, user, 'id');
  });

  it('a turn that failed (store down) is erased by the next exit: her message and the emergency reply', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    const read = vi.spyOn(h.store, 'read').mockRejectedValueOnce(new Error('ECONNREFUSED'));
    await h.say(user, 'my employer is Mrs Chan');
    expect(read).toHaveBeenCalled();
    expect(h.sentTexts(user.id).at(-1)).toContain(h.t('en', 'error.sorry'));
    await h.say(user, 'exit');
    await expectErased(h, user, 'en');
  });

  it('a crash inside the bot (caught by the error handler) is erased by the next exit too', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await chatABit(h, user, 'en');
    vi.spyOn(h.core.conversations, 'handleExclusive').mockRejectedValueOnce(new TypeError('boom'));
    await h.say(user, 'hello');
    expect(h.sentTexts(user.id).at(-1)).toContain(h.t('en', 'error.sorry'));
    await h.say(user, 'exit');
    await expectErased(h, user, 'en');
  });
});

describe('messages older than 48 hours', () => {
  it('are not asked to be deleted (Telegram cannot); everything newer is', async () => {
    let clock = Date.UTC(2026, 10, 22, 9, 0, 0);
    const h = new TelegramHarness({ locales: ['en'], now: () => clock, sessionTtlHours: 72 });
    const user = newUser();
    await chatABit(h, user, 'en');
    const old = h.fake.visible(user.id).map((m) => m.id);
    clock += 49 * 3600_000;
    await h.say(user, 'hello'); // "continue where you left off?"
    await h.say(user, '1');
    const recent = h.fake
      .visible(user.id)
      .map((m) => m.id)
      .filter((id) => !old.includes(id));
    await h.say(user, 'exit');
    const asked = [
      ...h.fake.callsOf('deleteMessages').flatMap((c) => c.payload.message_ids as number[]),
      ...h.fake.callsOf('deleteMessage').map((c) => Number(c.payload.message_id)),
    ];
    expect(asked.filter((id) => old.includes(id))).toEqual([]);
    const exitId = Math.max(...recent) + 1;
    expect(asked.sort((a, b) => a - b)).toEqual([...recent, exitId]);
    expect(await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id))).toBeNull();
  });
});

describe('an exit handled elsewhere while this instance is still answering', () => {
  it('the messages this instance sends after her session is gone are deleted at once', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    h.fake.slowDown('sendMessage', 150);
    const answering = h.tap(user, 'self');
    // Meanwhile another instance handles her exit and wipes the session.
    await new Promise((r) => setTimeout(r, 50));
    await h.store.delete(chatRef(TEST_SECRET, 'telegram', user.id));
    await answering;
    h.fake.slowDown('sendMessage', 0);
    const sentAfter = h.fake.callsOf('sendMessage').length;
    expect(sentAfter).toBeGreaterThan(0);
    // The question sent after the exit is not left on her screen.
    expect(h.fake.visible(user.id).filter((m) => m.from === 'bot' && m.text === h.t('en', 'q.job_promised.text'))).toEqual([]);
  });
});
