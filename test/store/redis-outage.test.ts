import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createCore, loadCheckedBundle, type Core } from '../../src/app.js';
import type { TurnOutcome } from '../../src/conversation.js';
import type { Input } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import type { RenderedMessage } from '../../src/render.js';
import { createSessionStore } from '../../src/store/create-store.js';
import type { RedisSessionStore } from '../../src/store/redis-store.js';
import {
  describeWithRedisServerBinary,
  inspectorClient,
  ThrowawayRedis,
  uniqueTestPrefix,
} from '../helpers/redis.js';

/*
 * Redis failing under a live conversation, on a redis-server of the test's own that it kills,
 * freezes, starves of memory and starts again on the same port.
 */

const TIMEOUT_MS = 400;
const SECRET = 'outage-test-secret-0123456789';

function question(outcome: TurnOutcome): Extract<RenderedMessage, { type: 'question' }> {
  const q = outcome.messages.findLast((m) => m.type === 'question');
  if (!q || q.type !== 'question') throw new Error(`no question in ${JSON.stringify(outcome.messages)}`);
  return q;
}

/** The answer to the question just asked: its first choice, as a tapped button. */
function firstChoice(outcome: TurnOutcome): Input {
  const q = question(outcome);
  return { kind: 'choice', id: q.choices[0]!.id, step: q.id };
}

function expectFailSafe(outcome: TurnOutcome): void {
  expect(outcome.failed).toBe(true);
  expect(outcome.exit).toBe(false);
  const text = outcome.messages.map((m) => m.text).join('\n');
  expect(text).toContain('999'); // the emergency number is always in the fail-safe message
}

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  withinMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const result = await attempt();
    if (result !== undefined) return result;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${withinMs} ms`);
}

describeWithRedisServerBinary('a conversation on Redis while Redis fails', () => {
  const bundle = loadCheckedBundle();
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  let server: ThrowawayRedis;
  let core: Core;
  let store: RedisSessionStore;
  let ref: string;
  let chats = 0;

  const turn = (input: Input): Promise<TurnOutcome> =>
    core.conversations.handle(ref, input, { channel: 'telegram', langHint: 'en' });

  beforeAll(async () => {
    server = await ThrowawayRedis.start();
    const prefix = uniqueTestPrefix('outage');
    const config = { REDIS_URL: server.url, REDIS_PREFIX: prefix, REDIS_TIMEOUT_MS: TIMEOUT_MS };
    store = (await createSessionStore(config, logger)) as RedisSessionStore;
    core = createCore({
      bundle,
      config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
      logger,
      store,
    });
  });
  afterAll(async () => {
    await store?.close();
    await server?.kill();
  });
  beforeEach(() => {
    chats += 1;
    ref = chatRef(SECRET, 'telegram', 85291000000 + chats);
  });

  it('killed mid-conversation: the next turn sends the emergency contacts at once; after a restart the bot serves again', async () => {
    const started = await turn({ kind: 'start', lang: 'en' });
    expect(started.failed).toBe(false);
    const answered = await turn(firstChoice(started));
    expect(answered.failed).toBe(false);
    expect(await store.read(ref)).not.toBeNull();

    await server.kill();
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const failed = await turn(firstChoice(answered)); // must resolve, never throw
      expectFailSafe(failed);
      expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS * 3);
    }
    await expect(core.conversations.rememberMessages(ref, [101, 102])).resolves.toBe('failed');

    await server.start(); // same port, empty: what was in the killed server is gone, and that is fine
    const served = await eventually('a turn succeeds once Redis is back', async () => {
      const outcome = await turn({ kind: 'text', text: 'hello' });
      return outcome.failed ? undefined : outcome;
    });
    expect(served.messages.length).toBeGreaterThan(0);
    question(served); // it asks something again (a fresh start: the old session died with the server)
    const first = (await store.read(ref))!.version;
    const next = await turn(firstChoice(served));
    expect(next.failed).toBe(false);
    expect(await store.read(ref)).toMatchObject({ version: first + 1 });

    const logged = lines.join('');
    expect(logged).toContain('Redis connection lost');
    expect(logged).toContain('Redis connection is back');
    expect(logged).toContain('turn failed; sent the emergency contacts');
  });

  it('frozen (connection open, no answers): the turn fails within the command timeout, and works once Redis answers again', async () => {
    const started = await turn({ kind: 'start', lang: 'en' });
    expect(started.failed).toBe(false);

    server.freeze();
    try {
      const t0 = Date.now();
      expectFailSafe(await turn(firstChoice(started)));
      expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS * 3);
    } finally {
      server.thaw();
    }

    const served = await eventually('a turn succeeds after the freeze', async () => {
      const outcome = await turn(firstChoice(started));
      return outcome.failed ? undefined : outcome;
    });
    question(served);
    // The late answers to the timed-out commands were not taken for the answers to new ones.
    expect((await store.read(ref))?.value.s.answers).toEqual({
      [question(started).id]: question(started).choices[0]!.id,
    });
  });

  it('refusing writes (out of memory): the turn fails safe and nothing partial is written', async () => {
    const inspector = await inspectorClient(server.url);
    try {
      const started = await turn({ kind: 'start', lang: 'en' });
      const key = store.keyOf(ref);
      const first = Number((await inspector.get(key))!.split('|')[0]);
      const answered = await turn(firstChoice(started));
      expect(answered.failed).toBe(false);
      const before = await inspector.get(key);
      expect(before).toMatch(new RegExp(`^${first + 1}\\|`));

      await inspector.configSet('maxmemory', '1'); // reads work, every write is refused
      try {
        expectFailSafe(await turn(firstChoice(answered)));
        expectFailSafe(await turn({ kind: 'start', lang: 'en' }));
      } finally {
        await inspector.configSet('maxmemory', '0');
      }
      expect(await inspector.get(key)).toBe(before); // byte for byte: same version, same answers
      expect(await inspector.pTTL(key)).toBeGreaterThan(0);

      // The turn that failed can simply be sent again.
      const retried = await turn(firstChoice(answered));
      expect(retried.failed).toBe(false);
      expect(await inspector.get(key)).toMatch(new RegExp(`^${first + 2}\\|`));
    } finally {
      inspector.destroy();
    }
  });

  it('an exit while Redis is frozen ends the chat; the wipe is retried, and her next message never brings back the old answers', async () => {
    const started = await eventually('Redis serves', async () => {
      const outcome = await turn({ kind: 'start', lang: 'en' });
      return outcome.failed ? undefined : outcome;
    });
    const answered = await turn(firstChoice(started));
    expect(answered.failed).toBe(false);
    expect((await store.read(ref))?.value.s.answers).not.toEqual({});

    server.freeze();
    let exited: TurnOutcome;
    try {
      exited = await turn({ kind: 'text', text: 'exit' });
      expect(exited.exit).toBe(true);
      expect(exited.messages.map((m) => m.text)).toEqual(['Chat ended.']);
      expect(core.conversations.exitPending(ref)).toBe(true);
      // Still frozen: a message now is a new conversation or the emergency contacts, never the old one.
      const during = await turn({ kind: 'text', text: 'hello' });
      expect(during.messages.map((m) => m.text).join('\n')).not.toContain(question(answered).text);
    } finally {
      server.thaw();
    }
    // Once Redis answers, the background retry wipes the old session.
    await eventually('the old session is wiped', async () =>
      !core.conversations.exitPending(ref) && (await store.read(ref).catch(() => 'unreadable')) === null ? true : undefined,
    );
    const after = await turn({ kind: 'text', text: 'hello' });
    expect(after.failed).toBe(false);
    expect((await store.read(ref))?.value.s.answers).toEqual({});
    expect(lines.join('')).toContain('exit: the session was wiped once the store answered again');
  });

  /** The first turn of a test, once Redis serves again after the previous test's fault. */
  const startServed = () =>
    eventually('Redis serves again', async () => {
      const outcome = await turn({ kind: 'start', lang: 'en' });
      return outcome.failed ? undefined : outcome;
    });

  it('an exit while Redis is frozen, and her next message comes before the background retry: that message wipes first and starts anew', async () => {
    const started = await startServed();
    await turn(firstChoice(started));
    server.freeze();
    try {
      expect((await turn({ kind: 'text', text: 'exit' })).exit).toBe(true);
    } finally {
      server.thaw();
    }
    // Her next message is a word, not a start: with the old session it would be "please choose one
    // of the answers" under her old question; here it is a new conversation.
    const next = await eventually('a turn succeeds after the freeze', async () => {
      const outcome = await turn({ kind: 'text', text: 'hello' });
      return outcome.failed ? undefined : outcome;
    });
    expect(next.messages.map((m) => m.text).join('\n')).not.toContain('Sorry, I did not understand');
    expect(question(next).id).toBe('language');
    expect((await store.read(ref))?.value.s.answers).toEqual({});
    expect(core.conversations.exitPending(ref)).toBe(false);
  });

  it('an exit while Redis is down: the chat ends, the wipe is retried, and after a restart nothing of hers is left', async () => {
    const started = await startServed();
    await turn(firstChoice(started));
    await server.kill();
    const exited = await turn({ kind: 'text', text: 'exit' });
    expect(exited.exit).toBe(true);
    expect(core.conversations.exitPending(ref)).toBe(true);
    await server.start();
    await eventually('the retry finds Redis again', async () => (core.conversations.exitPending(ref) ? undefined : true));
    expect(await store.read(ref)).toBeNull();
  });
});
