import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import { RedisSessionStore } from '../../src/store/redis-store.js';
import type { SessionStore } from '../../src/store/session-store.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  inspectorClient,
  TEST_REDIS_URL,
  uniqueTestPrefix,
} from '../helpers/redis.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';

describe('two bot instances sharing one store (webhook mode behind a load balancer)', () => {
  it('the question answered by typing loses its buttons even when another instance sent it (the live keyboard is in the session)', async () => {
    const store = new MemorySessionStore();
    const a = new TelegramHarness({ locales: ['en'], store });
    const b = new TelegramHarness({ locales: ['en'], store });
    const user = newUser();
    await a.say(user, '/start en');
    const asked = a.fake.lastQuestion(user.id)!;
    expect(asked.text).toBe(a.t('en', 'q.passport.text'));
    // Her typed answer reaches the other instance.
    await b.say(user, '1');
    const edits = b.fake.callsOf('editMessageReplyMarkup').map((c) => Number(c.payload.message_id));
    expect(edits).toContain(asked.id);
    // And back: the question b sent loses its buttons when a handles the next answer.
    const next = b.fake.lastQuestion(user.id)!;
    await a.say(user, '1');
    expect(a.fake.callsOf('editMessageReplyMarkup').map((c) => Number(c.payload.message_id))).toContain(next.id);
  });
});

/**
 * Each instance keeps the session it last wrote, to write the next turn with one compare-and-set.
 * These prove that copy never answers for the store: whatever another instance wrote meanwhile is
 * what the next turn runs on, with the memory store shared in-process and with two connections to
 * the real Redis (what two processes have).
 */
function instancesNeverAnswerFromAStaleCopy(
  name: string,
  open: () => Promise<{ a: SessionStore; b: SessionStore; dispose(): Promise<void> }>,
) {
  describe(`${name}: an instance's own copy of the session is never stale`, () => {
    let stores: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      stores = await open();
    });
    afterAll(async () => {
      await stores?.dispose();
    });
    const pair = () => ({
      a: new TelegramHarness({ locales: ['en'], store: stores.a, unwrapped: true }),
      b: new TelegramHarness({ locales: ['en'], store: stores.b, unwrapped: true }),
    });
    const answers = async (user: { id: number }) =>
      (await stores.a.read(chatRef(TEST_SECRET, 'telegram', user.id)))?.value.s.answers;

    it('a turn that writes nothing (a tap on "help numbers") shows the question another instance asked since', async () => {
      const { a, b } = pair();
      const user = newUser();
      await a.say(user, '/start en');
      expect(a.fake.lastQuestion(user.id)?.text).toBe(a.t('en', 'q.passport.text'));
      await b.say(user, '1');
      const nowAsked = b.fake.lastQuestion(user.id)!.text;
      expect(nowAsked).not.toBe(a.t('en', 'q.passport.text'));
      await a.tapNav(user, 'contacts');
      // a's own copy still says "passport": it must not be what she sees.
      expect(a.fake.lastQuestion(user.id)?.text).toBe(nowAsked);
    });

    it("an answer on one instance after the other wrote runs on the other one's result: nothing lost", async () => {
      const { a, b } = pair();
      const user = newUser();
      await a.say(user, '/start en');
      await a.say(user, '1');
      await b.say(user, '2');
      await a.say(user, '1');
      expect(Object.keys((await answers(user)) ?? {})).toHaveLength(3);
    });

    it('after she exits and starts again on the other instance, a stale copy writes nothing over the new session', async () => {
      const { a, b } = pair();
      const user = newUser();
      await a.say(user, '/start en');
      await a.say(user, '1');
      await b.say(user, b.exitWord('en'));
      await b.say(user, '/start en');
      await b.say(user, '2');
      const fromB = await answers(user);
      expect(Object.keys(fromB ?? {})).toHaveLength(1);
      // a still holds the old session, written as many times as the new one: its turn must run on the new one.
      await a.say(user, '1');
      const now = await answers(user);
      expect(Object.keys(now ?? {})).toHaveLength(2);
      expect(now).toMatchObject(fromB!);
    });

    it('after she exits on the other instance, a tap here is not answered from the old session', async () => {
      const { a, b } = pair();
      const user = newUser();
      await a.say(user, '/start en');
      await a.say(user, '1');
      await b.say(user, b.exitWord('en'));
      await a.tapNav(user, 'contacts');
      // Her old answers are not back: a new session, with none.
      expect(await answers(user)).toEqual({});
    });
  });
}

instancesNeverAnswerFromAStaleCopy('memory store', async () => {
  const store = new MemorySessionStore();
  return { a: store, b: store, dispose: () => store.close() };
});

describeWithRedis('Redis, two connections', () => {
  const prefix = uniqueTestPrefix('instances');
  const logger = createLogger('silent');
  const connect = () => RedisSessionStore.connect({ url: TEST_REDIS_URL, prefix, timeoutMs: 2000, logger });
  instancesNeverAnswerFromAStaleCopy('Redis', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    return {
      a,
      b,
      dispose: async () => {
        const inspector = await inspectorClient();
        await deleteKeysUnder(inspector, prefix);
        inspector.destroy();
        await Promise.all([a.close(), b.close()]);
      },
    };
  });
});
