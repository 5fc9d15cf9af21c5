import { describe, expect, it } from 'vitest';
import { createCore } from '../src/app.js';
import { Conversations } from '../src/conversation.js';
import { createLogger } from '../src/log.js';
import { Translator } from '../src/i18n.js';
import { MemorySessionStore } from '../src/store/memory-store.js';
import { CHANGE_LINES_MAX } from '../src/store/session-codec.js';
import { shippedBundleWithEnglishFallback } from './helpers/bundle.js';

/* The message ids kept for quick exit (Telegram): grouped by minute, dropped after 48 hours. */

// English, and Indonesian for "in her language" (a text not translated yet falls back to English).
const bundle = shippedBundleWithEnglishFallback(['en', 'id']);
const translator = new Translator(bundle);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function setup() {
  let now = Date.UTC(2026, 11, 2, 4);
  const store = new MemorySessionStore(() => now);
  const core = createCore({
    bundle,
    config: { SESSION_TTL_HOURS: 72, RESUME_PROMPT_MINUTES: 100_000 },
    logger: createLogger('silent'),
    store,
    now: () => now,
  });
  return { core, store, later: (ms: number) => (now += ms) };
}

describe('message ids kept for quick exit', () => {
  it('groups the ids of one minute, and exit deletes every one of them', async () => {
    const { core, store, later } = setup();
    await core.conversations.handle('c', { kind: 'start', lang: 'en' }, { channel: 'telegram', incomingMessageId: 10 });
    await core.conversations.rememberMessages('c', [11, 12]);
    await core.conversations.handle('c', { kind: 'text', text: '1' }, { channel: 'telegram', incomingMessageId: 13 });
    await core.conversations.rememberMessages('c', [14]);
    later(2 * MINUTE);
    await core.conversations.handle('c', { kind: 'text', text: '1' }, { channel: 'telegram', incomingMessageId: 15 });
    await core.conversations.rememberMessages('c', [16]);

    const m = (await store.read('c'))!.value.m!;
    expect(m).toHaveLength(2);
    expect(m.map(([, ...ids]) => ids)).toEqual([[10, 11, 12, 13, 14], [15, 16]]);
    expect(m[1]![0] - m[0]![0]).toBe(2);

    const out = await core.conversations.handle('c', { kind: 'command', command: 'exit' }, { channel: 'telegram', incomingMessageId: 17 });
    expect(out.exit).toBe(true);
    expect(out.deleteMessageIds).toEqual([10, 11, 12, 13, 14, 15, 16, 17]);
    expect(await store.read('c')).toBeNull();
  });

  it('forgets ids older than 48 hours (Telegram can no longer delete them)', async () => {
    const { core, store, later } = setup();
    await core.conversations.handle('c', { kind: 'start', lang: 'en' }, { channel: 'telegram', incomingMessageId: 1 });
    await core.conversations.rememberMessages('c', [2, 3]);
    later(47 * HOUR);
    await core.conversations.handle('c', { kind: 'text', text: '1' }, { channel: 'telegram', incomingMessageId: 4 });
    later(2 * HOUR); // the first group is now 49 hours old
    await core.conversations.handle('c', { kind: 'text', text: '1' }, { channel: 'telegram', incomingMessageId: 5 });
    expect((await store.read('c'))!.value.m!.map(([, ...ids]) => ids)).toEqual([[4], [5]]);
    const out = await core.conversations.handle('c', { kind: 'command', command: 'exit' }, { channel: 'telegram' });
    expect(out.deleteMessageIds).toEqual([4, 5]);
  });

  it('reads records written as [id, unix seconds] pairs (before ids were grouped)', async () => {
    const { core, store } = setup();
    await core.conversations.handle('c', { kind: 'start', lang: 'en' }, { channel: 'telegram' });
    const current = (await store.read('c'))!;
    const nowS = Math.floor(Date.UTC(2026, 11, 2, 4) / 1000);
    await store.write('c', { ...current.value, m: [[21, nowS], [22, nowS]] }, current.version, 3600);
    const out = await core.conversations.handle('c', { kind: 'command', command: 'exit' }, { channel: 'telegram', incomingMessageId: 23 });
    expect(out.deleteMessageIds).toEqual([21, 22, 23]);
  });
});

describe('when the store fails', () => {
  const broken = {
    read: () => Promise.reject(Object.assign(new Error('connection lost'), { name: 'StoreUnavailableError' })),
    write: () => Promise.reject(new Error('connection lost')),
    swap: () => Promise.reject(new Error('connection lost')),
    amend: () => Promise.reject(new Error('connection lost')),
    delete: () => Promise.reject(new Error('connection lost')),
    take: () => Promise.reject(new Error('connection lost')),
    claimOnce: () => Promise.reject(new Error("ECONNREFUSED")),
    close: () => Promise.resolve(),
  };
  const core = createCore({ bundle, config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 }, logger: createLogger('silent'), store: broken });

  it('an answer gets the apology and the emergency number, in her language when known', async () => {
    const out = await core.conversations.handle('c', { kind: 'text', text: '1' }, { channel: 'telegram', langHint: 'id' });
    expect(out.failed).toBe(true);
    expect(out.exit).toBe(false);
    const text = out.messages.map((m) => m.text).join('\n');
    expect(text.startsWith(translator.t('id', 'error.sorry'))).toBe(true);
    // The quick list: 999 first, then only confirmed contacts.
    const apology = out.messages[0];
    if (apology?.type !== 'message') throw new Error('no apology');
    expect(apology.contacts?.[0]).toBe('police_emergency');
    expect(text).toContain('999');
    for (const id of apology.contacts!) expect(bundle.contacts.contacts[id]!.status, id).toBe('confirmed');
  });

  it('an exit word of her language still ends the chat (discreetly, no list of numbers) and erases her message', async () => {
    const word = translator.words('id', 'command.exit.words')[0]!;
    expect(translator.words('en', 'command.exit.words')).not.toContain(word);
    const out = await core.conversations.handle('c', { kind: 'text', text: word }, { channel: 'telegram', langHint: 'id', incomingMessageId: 42 });
    expect(out).toMatchObject({ exit: true, failed: true, deleteMessageIds: [42] });
    expect(out.messages.map((m) => m.text)).toEqual([translator.t('id', 'exit.done')]);
  });
});

describe('counting never breaks a conversation', () => {
  for (const [how, onEvent] of [
    ['throws', () => {
      throw new Error('counter broken');
    }],
    ['rejects', () => Promise.reject(new Error('counter down'))],
  ] as const) {
    it(`when the counter ${how}, she still gets her question and her answer is kept`, async () => {
      const store = new MemorySessionStore();
      const warnings: string[] = [];
      const logger = createLogger('silent');
      logger.warn = ((_: unknown, msg: string) => void warnings.push(msg)) as typeof logger.warn;
      const core = createCore({
        bundle,
        config: { SESSION_TTL_HOURS: 72, RESUME_PROMPT_MINUTES: 100_000 },
        logger,
        store,
        onEvent,
      });
      const first = await core.conversations.handle('c', { kind: 'start', lang: 'en' }, { channel: 'telegram' });
      expect(first.failed).toBe(false);
      expect(first.events.length).toBeGreaterThan(0);
      const step = (await store.read('c'))!.value.s.step;
      const second = await core.conversations.handle('c', { kind: 'text', text: '1' }, { channel: 'telegram' });
      expect(second.failed).toBe(false);
      expect(second.messages.length).toBeGreaterThan(0);
      expect((await store.read('c'))!.value.s.step).not.toBe(step);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toContain('could not count an event');
    });
  }
});

describe('writes: a short change line per turn, the whole record now and then', () => {
  it('after a read, on a restart and after CHANGE_LINES_MAX lines the record is written whole; the record read back is the same either way', async () => {
    const { core, store, later } = setup();
    const writes: string[] = [];
    const swap = store.swap.bind(store);
    const amend = store.amend.bind(store);
    store.swap = (...a) => (writes.push('whole'), swap(...a));
    store.amend = (...a) => (writes.push('line'), amend(...a));
    await core.conversations.handle('c', { kind: 'start', lang: 'en' }, { channel: 'telegram', incomingMessageId: 1 });
    for (let i = 0; i < 12; i++) {
      later(MINUTE);
      await core.conversations.handle('c', { kind: 'text', text: '2' }, { channel: 'telegram', incomingMessageId: 10 + 2 * i });
      await core.conversations.rememberMessages('c', [11 + 2 * i], 11 + 2 * i);
    }
    expect(writes[0]).toBe('whole');
    // Never more than CHANGE_LINES_MAX lines after a whole write, and that many are used.
    const runs = writes.join(' ').split('whole').map((r) => r.trim().split(' ').filter(Boolean).length);
    expect(Math.max(...runs)).toBe(CHANGE_LINES_MAX);
    expect(writes.filter((w) => w === 'line').length).toBeGreaterThan(writes.length / 2);
    // What another instance reads (decoding the lines) is what this one holds.
    const stored = await store.read('c');
    const fresh = createCore({
      bundle,
      config: { SESSION_TTL_HOURS: 72, RESUME_PROMPT_MINUTES: 100_000 },
      logger: createLogger('silent'),
      store,
      now: () => Date.UTC(2026, 11, 2, 4) + 13 * MINUTE,
    });
    const exit = await fresh.conversations.handle('c', { kind: 'command', command: 'exit' }, { channel: 'telegram' });
    expect(exit.deleteMessageIds).toEqual([1, ...Array.from({ length: 24 }, (_, i) => 10 + i)]);
    expect(stored!.value.k).toBe(33);
    expect(Object.keys(stored!.value.s.answers).length).toBeGreaterThan(5);
  });

  it('ids older than 48 hours make the next write whole (only it can drop them)', async () => {
    const { core, store, later } = setup();
    await core.conversations.handle('c', { kind: 'start', lang: 'en' }, { channel: 'telegram', incomingMessageId: 1 });
    await core.conversations.rememberMessages('c', [2]);
    const writes: string[] = [];
    const swap = store.swap.bind(store);
    const amend = store.amend.bind(store);
    store.swap = (...a) => (writes.push('whole'), swap(...a));
    store.amend = (...a) => (writes.push('line'), amend(...a));
    later(MINUTE);
    await core.conversations.handle('c', { kind: 'text', text: '2' }, { channel: 'telegram', incomingMessageId: 3 });
    later(49 * HOUR);
    await core.conversations.handle('c', { kind: 'text', text: '2' }, { channel: 'telegram', incomingMessageId: 4 });
    expect(writes).toEqual(['line', 'whole']);
    expect((await store.read('c'))!.value.m!.map(([, ...ids]) => ids)).toEqual([[4]]);
  });
});

describe('the sessions this process keeps between turns', () => {
  it('are bounded: past the bound the chat used longest ago is forgotten, and then read from the store again', async () => {
    const { core, store, later } = setup();
    let now = Date.UTC(2026, 11, 2, 4);
    const conversations = new Conversations({
      engine: core.conversations.engine,
      renderer: core.conversations.renderer,
      store,
      ttlSeconds: 3600,
      logger: createLogger('silent'),
      lastWrittenMax: 2,
      now: () => now,
    });
    const reads: string[] = [];
    const read = store.read.bind(store);
    store.read = (ref) => (reads.push(ref), read(ref));
    const answer = (ref: string) => conversations.handle(ref, { kind: 'text', text: '1' }, { channel: 'telegram' });
    const start = (ref: string) => conversations.handle(ref, { kind: 'start', lang: 'en' }, { channel: 'telegram' });
    await start('a');
    await start('b');
    await answer('a'); // "a" is used again after "b" was last used
    reads.length = 0;
    later(MINUTE);
    now += MINUTE;
    await start('c'); // a third chat: "b" goes, not "a"
    await answer('a');
    await answer('c');
    expect(reads).toEqual(['c']); // only the new chat's first turn read the store
    await answer('b');
    expect(reads).toEqual(['c', 'b']);
    // Whatever was forgotten, the session goes on from what the store holds.
    expect(Object.keys((await store.read('b'))!.value.s.answers)).toHaveLength(1);
    expect(Object.keys((await store.read('a'))!.value.s.answers)).toHaveLength(2);
  });
});
