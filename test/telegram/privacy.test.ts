import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { RedisStatsCounter } from '../../src/stats/redis-counter.js';
import { RedisSessionStore } from '../../src/store/redis-store.js';
import { harmlessAnswers } from '../helpers/bundle.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  inspectorClient,
  keysUnder,
  TEST_REDIS_URL,
  uniqueTestPrefix,
} from '../helpers/redis.js';
import type { FakeUser } from './fake-telegram.js';
import { TelegramHarness, TEST_SECRET } from './harness.js';

/** People with the kind of details Telegram sends: ids, names, user names, app language. */
const PEOPLE: FakeUser[] = [
  {
    id: 7_301_998_421,
    first_name: 'Siti',
    last_name: 'Rahayu',
    username: 'siti_rahayu88',
    language_code: 'id',
  },
  {
    id: 6_120_443_917,
    first_name: 'Maricel',
    last_name: 'Dimaculangan',
    username: 'maricel_dm',
    language_code: 'fil',
  },
  { id: 5_877_210_356, first_name: 'Wanida', username: 'wanida_bkk', language_code: 'th' },
  { id: 1_099_372_654, first_name: 'Lakshmi', last_name: 'Perera', language_code: 'en' },
  {
    id: 2_254_810_773,
    first_name: 'Nur',
    last_name: 'Hidayah',
    username: 'nurhidayah_hk',
    language_code: 'id',
  },
];

/** What they type: names, phone numbers, addresses, an employer's name. */
const TYPED = [
  'my name is Siti Rahayu',
  'call me on +852 9123 4567',
  '61234567',
  'Employer Mrs Chan Tai Man, Flat 12B Kornhill',
  'passport E12345678',
  'nama saya Nur Hidayah wa 0812-3456-7890',
];

/** Everything that must never be written down: theirs and what they typed. */
const SECRETS = [
  ...PEOPLE.flatMap((p) =>
    [String(p.id), p.first_name, p.last_name, p.username].filter((x): x is string => Boolean(x)),
  ),
  ...TYPED,
  'Rahayu',
  '9123 4567',
  '91234567',
  '61234567',
  '0812-3456-7890',
  'Kornhill',
  'E12345678',
  '22.2819',
];

/**
 * A batch of conversations with some of everything: deep links with campaigns, taps, typed
 * personal details, a contact card and a location, a finished assessment, exits; one send fails
 * and one turn crashes, so the error paths log too.
 */
async function chatTheBatch(h: TelegramHarness): Promise<void> {
  h.fake.failOnce('sendMessage', {
    ok: false,
    error_code: 403,
    description: `Forbidden: bot was blocked by the user ${PEOPLE[0]!.id}`,
  });
  const original = h.core.conversations.handleExclusive.bind(h.core.conversations);
  vi.spyOn(h.core.conversations, 'handleExclusive')
    .mockImplementationOnce(async () => {
      throw new Error(`boom for ${PEOPLE[1]!.first_name} ${PEOPLE[1]!.id}`);
    })
    .mockImplementation(original);

  for (const [i, person] of PEOPLE.entries()) {
    const lang = ['id', 'tl', 'en', 'en', 'id'][i]!;
    await h.say(person, `/start ${lang}-outreach${i}`);
    // The crashed turn left her with the fail-safe message only: she starts again.
    if (!h.fake.lastQuestion(person.id)) await h.say(person, `/start ${lang}-outreach${i}`);
    await h.tap(person, 'self');
    for (const text of TYPED) await h.say(person, text);
    await h.send(
      h.fake.userMessage(person, 'contact', {
        contact: { phone_number: '+85291234567', first_name: person.first_name, user_id: person.id },
      }),
    );
    await h.send(
      h.fake.userMessage(person, 'location', { location: { latitude: 22.2819, longitude: 114.1589 } }),
    );
    await h.say(person, 'yes');
    if (i === 3) {
      // One finishes the assessment: her campaign and result go into the anonymous counts.
      const answers = harmlessAnswers(h.core.bundle, { passport: 'self' });
      const flow = h.core.bundle.flows.get(h.core.bundle.defaultFlowId)!;
      for (let guard = 0; guard < 40; guard++) {
        const step = h.currentStep(person)!;
        if (flow.steps.get(step)?.type === 'result') break;
        await h.tap(person, answers[step]!);
      }
    }
    if (i % 2 === 0) await h.say(person, 'exit');
  }
}

/** Checks that `where` (a dump of logs or of stored data) holds none of the secrets. */
function expectNoSecrets(what: string, where: string): void {
  for (const secret of SECRETS) expect(where, `${what} contains "${secret}"`).not.toContain(secret);
}

describe('privacy through the Telegram path', () => {
  it('after a batch of conversations, no chat id, name, user name or typed text is in the logs or the store', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id', 'tl'] });
    await chatTheBatch(h);

    const stored = [
      ...h.store.written,
      ...(await Promise.all(PEOPLE.map((p) => h.store.read(chatRef(TEST_SECRET, 'telegram', p.id))))).map(
        (r) => JSON.stringify(r),
      ),
    ].join('\n');
    expect(h.logLines.length).toBeGreaterThan(0);
    expect(h.store.written.length).toBeGreaterThan(20);
    expectNoSecrets('the log', h.logLines.join('\n'));
    expectNoSecrets('the store', stored);
    expectNoSecrets('a store key', [...h.store.keys].join('\n'));
    // What is stored is ids and times only: no string longer than a step id, choice id or language.
    for (const record of h.store.written) {
      const strings = JSON.stringify(JSON.parse(record), (_k, v: unknown) => v).match(/"[^"]*"/g) ?? [];
      for (const s of strings) expect(s.length, s).toBeLessThanOrEqual(66);
    }
  });
});

describeWithRedis('privacy through the Telegram path, in Redis', () => {
  const prefix = uniqueTestPrefix('telegram-privacy');
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;
  let store: RedisSessionStore;
  let counter: RedisStatsCounter;

  beforeAll(async () => {
    inspector = await inspectorClient();
    const quiet = { logger: createLogger('silent') };
    store = await RedisSessionStore.connect({ url: TEST_REDIS_URL, prefix, timeoutMs: 2000, ...quiet });
    counter = await RedisStatsCounter.connect({ url: TEST_REDIS_URL, prefix, timeoutMs: 2000, ...quiet });
  });

  afterAll(async () => {
    await deleteKeysUnder(inspector, prefix);
    await Promise.all([store?.close(), counter?.close(), inspector?.close()]);
  });

  it('every key and value the bot wrote to Redis (sessions and counts) is free of ids, names and texts', async () => {
    const h = new TelegramHarness({
      locales: ['en', 'id', 'tl'],
      store,
      onEvent: (event, channel) => counter.recordEvent(event, channel),
    });
    await chatTheBatch(h);
    // Counting runs after the turn, and counts are written about once a second: write them now.
    await new Promise((r) => setTimeout(r, 50));
    await counter.flush();

    const keys = await keysUnder(inspector, prefix);
    const sessions = keys.filter((k) => k.startsWith(`${prefix}s:`));
    const stats = keys.filter((k) => k.startsWith(`${prefix}stats:`));
    // Two of the five are still chatting (the others exited); the counts are there.
    expect(sessions).toHaveLength(2);
    expect(stats.length).toBeGreaterThan(0);
    expect(keys).toHaveLength(sessions.length + stats.length);

    const dump: string[] = [...keys];
    for (const key of sessions) {
      dump.push((await inspector.get(key)) ?? '');
      // Everything expires.
      expect(await inspector.ttl(key)).toBeGreaterThan(0);
    }
    for (const key of stats) {
      dump.push(JSON.stringify(await inspector.hGetAll(key)));
      expect(await inspector.ttl(key)).toBeGreaterThan(0);
    }
    const all = dump.join('\n');
    expect(all).toContain('outreach3'); // the finished assessment's campaign, in the counts only
    expectNoSecrets('Redis', all);
    // The campaign codes of unfinished assessments stay in their sessions only until counted.
    for (const key of stats)
      expect(Object.keys(await inspector.hGetAll(key)).join()).not.toMatch(/outreach[0124]/);
    expectNoSecrets('the log', h.logLines.join('\n'));
  });
});
