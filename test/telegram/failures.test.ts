import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { RedisSessionStore } from '../../src/store/redis-store.js';
import { describeWithRedisServerBinary, ThrowawayRedis } from '../helpers/redis.js';
import { buttons } from './fake-telegram.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';

/** The emergency reply: "sorry" and the contacts, with the emergency number. */
function expectEmergencyReply(h: TelegramHarness, lang: string, text: string | undefined): void {
  expect(text).toContain(h.t(lang, 'error.sorry'));
  expect(text).toContain('999');
}

describe('when the session store fails, she still gets the emergency contacts', () => {
  it('store down on a tap: the tap is acknowledged, the question keeps its buttons so she can tap again', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'] });
    const user = newUser({ language_code: 'id' });
    await h.say(user, '/start id');
    const passport = h.fake.lastQuestion(user.id)!;
    const read = vi.spyOn(h.store, 'read').mockRejectedValue(new Error('ECONNREFUSED 127.0.0.1:6379'));
    await h.tap(user, 'self');
    expect(h.fake.callsOf('answerCallbackQuery')).toHaveLength(1);
    expectEmergencyReply(h, 'id', h.sentTexts(user.id).at(-1));
    expect(buttons(h.fake.visible(user.id).find((m) => m.id === passport.id)!).length).toBeGreaterThan(0);
    // Redis is back: the same button works.
    read.mockRestore();
    await h.tap(user, 'self');
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('id', 'q.job_promised.text'));
  });

  it('a failing write: the emergency contacts in her language, and nothing half-written', async () => {
    const h = new TelegramHarness({ locales: ['en', 'tl'] });
    const user = newUser();
    await h.say(user, '/start tl');
    vi.spyOn(h.store, 'write').mockRejectedValue(
      new Error('READONLY You cannot write against a read only replica.'),
    );
    await h.say(user, '1');
    expectEmergencyReply(h, 'tl', h.sentTexts(user.id).at(-1));
    vi.mocked(h.store.write).mockRestore();
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.answers).toEqual({});
  });

  it('a failing delete when she exits: the chat is erased and ended all the same (she asked to leave)', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    await h.tap(user, 'self');
    const del = vi.spyOn(h.store, 'delete').mockRejectedValueOnce(new Error('timeout'));
    await h.say(user, 'exit');
    expect(del).toHaveBeenCalledOnce();
    // Nothing of the conversation is left on her screen, no list of numbers either: one neutral line.
    expect(h.fake.visible(user.id).map((m) => m.text)).toEqual([h.t('en', 'exit.done')]);
    // The session could not be wiped now; a later exit erases again and wipes it.
    await h.say(user, 'exit');
    expect(h.fake.visible(user.id).map((m) => m.text)).toEqual([h.t('en', 'exit.done')]);
    expect(await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id))).toBeNull();
  });

  it('store down when she exits: what this process knows is erased and the chat ends', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'] });
    const user = newUser();
    await h.say(user, '/start id');
    vi.spyOn(h.store, 'read').mockRejectedValue(new Error('ECONNREFUSED'));
    const exitWord = h.exitWord('id');
    await h.say(user, exitWord);
    const left = h.fake.visible(user.id);
    expect(left.at(-1)?.text).toBe(h.t('id', 'exit.done'));
    expect(left.some((m) => m.from === 'user' && m.text === exitWord)).toBe(false);
  });

  it('store down before any session: the emergency contacts in her app language', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id', 'tl'] });
    const user = newUser({ language_code: 'fil' });
    vi.spyOn(h.store, 'read').mockRejectedValue(new Error('ECONNREFUSED'));
    await h.say(user, 'hello');
    expect(h.sentTexts(user.id)).toHaveLength(1);
    expectEmergencyReply(h, 'tl', h.sentTexts(user.id)[0]);
  });
});

describe('when Telegram refuses or the network fails', () => {
  it('a question Telegram refuses (400): she gets the emergency contacts instead of silence', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    h.fake.failOnce('sendMessage', {
      ok: false,
      error_code: 400,
      description: 'Bad Request: BUTTON_DATA_INVALID',
    });
    await h.tap(user, 'self');
    const sent = h.sentTexts(user.id);
    expect(sent.at(-2)).toBe(h.t('en', 'q.job_promised.text')); // refused
    expectEmergencyReply(h, 'en', sent.at(-1));
    expect(h.logLines.join('')).toContain('"code":400');
    // Typing the number still works: the engine knows which question she is on.
    await h.say(user, '1');
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'q.other_work.text'));
  });

  it('she blocked the bot (403): nothing more is tried', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    h.fake.failAlways('sendMessage', {
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    await h.say(user, '/start en');
    // The privacy note and the first question, each tried once; no emergency reply after a 403.
    expect(h.fake.callsOf('sendMessage')).toHaveLength(2);
  });

  it('a dropped connection is retried, a few times only, and the message goes out', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    h.fake.failOnce('sendMessage', 'network');
    h.fake.failOnce('sendMessage', 'network');
    await h.say(user, '/start');
    expect(h.fake.callsOf('sendMessage')).toHaveLength(3);
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'language.choose'));
    expect(h.logLines.join('')).toContain('telegram call failed on the network; trying again');
  });

  it('a network that stays down: the turn gives up after a few attempts instead of hanging for hours', async () => {
    const h = new TelegramHarness({ locales: ['en'], networkRetryDelaysMs: [10, 10] });
    const user = newUser();
    h.fake.failAlways('sendMessage', 'network');
    const started = Date.now();
    await h.say(user, '/start en');
    expect(Date.now() - started).toBeLessThan(2000);
    // Two messages and the emergency reply, each tried three times.
    expect(h.fake.callsOf('sendMessage')).toHaveLength(9);
    // The turn itself was saved: when the network is back, she goes on where she was.
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.step).toBe('passport');
    expect(h.logLines.join('')).not.toContain(String(user.id));
  });

  it('a 5xx from Telegram is retried (auto-retry) and the message goes out', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      h.fake.failOnce('sendMessage', { ok: false, error_code: 502, description: 'Bad Gateway' });
      const done = h.say(user, '/start');
      await vi.advanceTimersByTimeAsync(3500);
      await done;
    } finally {
      vi.useRealTimers();
    }
    expect(h.fake.callsOf('sendMessage')).toHaveLength(2);
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'language.choose'));
  });

  it('a flood wait longer than a minute is not waited out: the reply is dropped, the bot goes on', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    h.fake.failOnce('sendMessage', {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3600',
      parameters: { retry_after: 3600 },
    });
    const started = Date.now();
    await h.say(user, '/start en');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'q.passport.text'));
  });
});

/** Until the store answers again (it reconnects by itself, with back-off), at most 8 s. */
async function untilStoreAnswers(store: RedisSessionStore): Promise<void> {
  for (const end = Date.now() + 8000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (await store.read('probe').then(() => true, () => false)) return;
  }
}

describeWithRedisServerBinary('when the real Redis goes away mid-conversation', () => {
  let redis: ThrowawayRedis;
  let store: RedisSessionStore;

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    store = await RedisSessionStore.connect({
      url: redis.url,
      prefix: 'tg-fail:',
      timeoutMs: 300,
      logger: createLogger('silent'),
    });
  });

  afterAll(async () => {
    redis?.thaw();
    await store?.close();
    await redis?.kill();
  });

  it('killed, then frozen: each time she gets the emergency contacts quickly; back up, she goes on', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'], store });
    const user = newUser();
    await h.say(user, '/start id');
    await h.tap(user, 'self');

    await redis.kill();
    let started = Date.now();
    await h.say(user, '1');
    expect(Date.now() - started).toBeLessThan(2000);
    expectEmergencyReply(h, 'id', h.sentTexts(user.id).at(-1));

    await redis.start();
    await untilStoreAnswers(store);
    // A new, empty Redis (nothing was saved): she is asked to start again, she is not stuck.
    await h.say(user, '/start id');
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('id', 'q.passport.text'));

    redis.freeze();
    started = Date.now();
    await h.tap(user, 'self');
    expect(Date.now() - started).toBeLessThan(2000);
    expectEmergencyReply(h, 'id', h.sentTexts(user.id).at(-1));
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('id', 'q.passport.text'));
    redis.thaw();
    expect(h.logLines.join('')).not.toContain(String(user.id));
  });

  /** Several turns, tapped and typed, then Redis fails, then she exits: nothing of it stays on screen. */
  async function exitDuringFault(fault: () => Promise<void> | void, heal: () => Promise<void> | void) {
    // Redis is back from the previous test's fault before this conversation starts.
    await untilStoreAnswers(store);
    const h = new TelegramHarness({ locales: ['en'], store });
    const user = newUser();
    await h.say(user, '/start en');
    await h.tap(user, 'self');
    await h.say(user, '1'); // typed: her message is part of the conversation too
    await h.tap(user, 'no');
    await h.tap(user, 'full');
    const before = h.fake.visible(user.id).length;
    expect(before).toBeGreaterThanOrEqual(8);
    await fault();
    try {
      await h.say(user, 'exit');
      // Every message of the conversation is gone, hers and the bot's: one neutral line is left.
      expect(h.fake.visible(user.id).map((m) => m.text)).toEqual([h.t('en', 'exit.done')]);
      expect(h.core.conversations.exitPending(chatRef(TEST_SECRET, 'telegram', user.id))).toBe(true);
    } finally {
      await heal();
    }
    return { h, user };
  }

  it('killed: an exit still erases every message of the conversation this instance took part in', async () => {
    await exitDuringFault(
      () => redis.kill(),
      () => redis.start(),
    );
  });

  it('frozen: an exit still erases every message, and after Redis answers again her next message starts anew', async () => {
    const { h, user } = await exitDuringFault(
      () => redis.freeze(),
      () => redis.thaw(),
    );
    const ref = chatRef(TEST_SECRET, 'telegram', user.id);
    for (const end = Date.now() + 8000; Date.now() < end && h.core.conversations.exitPending(ref); ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await store.read(ref)).toBeNull();
    await h.say(user, 'hello');
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'language.choose'));
  });
});

describeWithRedisServerBinary('when Redis restarts empty under a conversation', () => {
  let redis: ThrowawayRedis;
  let store: RedisSessionStore;

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    store = await RedisSessionStore.connect({ url: redis.url, prefix: 'tg-empty:', timeoutMs: 300, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.kill();
  });

  async function restartedEmpty(): Promise<void> {
    await redis.kill();
    await redis.start();
    await untilStoreAnswers(store);
  }

  it('a tap on her old question: she is told, in her language, that her earlier answers are gone, and starts again', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id'], store });
    const user = newUser();
    await h.say(user, '/start id');
    await h.tap(user, 'self');
    await restartedEmpty();
    await h.tap(user, 'yes');
    const texts = h.sentTexts(user.id);
    expect(texts.at(-2)).toBe(h.t('id', 'session.lost'));
    expect(h.fake.lastQuestion(user.id)?.text).toContain(h.t('id', 'language.choose').split('\n')[0]!);
    expect(h.logLines.join('')).not.toContain(String(user.id));
  });

  it('a reply to her old question: the same notice; a plain new message just starts', async () => {
    const h = new TelegramHarness({ locales: ['en'], store });
    const user = newUser();
    await h.say(user, '/start en');
    const asked = h.fake.lastQuestion(user.id)!;
    await restartedEmpty();
    const reply = h.fake.text(user, '1');
    await h.send({ ...reply, message: { ...reply.message!, reply_to_message: { message_id: asked.id, date: 0, chat: reply.message!.chat, from: { id: 1, is_bot: true, first_name: 'Bot' }, text: asked.text } } } as typeof reply);
    expect(h.sentTexts(user.id)).toContain(h.t('en', 'session.lost'));

    const other = newUser();
    await h.say(other, 'hello');
    expect(h.sentTexts(other.id)).not.toContain(h.t('en', 'session.lost'));
  });

  it('an exit after Redis restarted empty still erases the whole conversation this instance took part in', async () => {
    const h = new TelegramHarness({ locales: ['en'], store });
    const user = newUser();
    await h.say(user, '/start en');
    await h.tap(user, 'self');
    await h.say(user, '1');
    await restartedEmpty();
    await h.say(user, 'exit');
    expect(h.fake.visible(user.id).map((m) => m.text)).toEqual([h.t('en', 'exit.done')]);
  });
});
