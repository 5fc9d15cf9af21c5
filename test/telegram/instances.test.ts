import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import { newUser, TelegramHarness } from './harness.js';

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
