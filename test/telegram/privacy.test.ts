import { describe, expect, it, vi } from 'vitest';
import { chatRef } from '../../src/privacy.js';
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

describe('privacy through the Telegram path', () => {
  it('after a batch of conversations, no chat id, name, user name or typed text is in the logs or the store', async () => {
    const h = new TelegramHarness({ locales: ['en', 'id', 'tl'] });
    // One send fails and one turn crashes, so the error paths log too.
    h.fake.failOnce('sendMessage', {
      ok: false,
      error_code: 403,
      description: `Forbidden: bot was blocked by the user ${PEOPLE[0]!.id}`,
    });
    const original = h.core.conversations.handle.bind(h.core.conversations);
    vi.spyOn(h.core.conversations, 'handle')
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
      if (i % 2 === 0) await h.say(person, 'exit');
    }

    const logs = h.logLines.join('\n');
    const stored = [
      ...h.store.written,
      ...(await Promise.all(PEOPLE.map((p) => h.store.read(chatRef(TEST_SECRET, 'telegram', p.id))))).map(
        (r) => JSON.stringify(r),
      ),
    ].join('\n');
    const keys = [...h.store.keys].join('\n');
    expect(h.logLines.length).toBeGreaterThan(0);
    expect(h.store.written.length).toBeGreaterThan(20);

    const secrets = [
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
    for (const secret of secrets) {
      expect(logs, `log contains "${secret}"`).not.toContain(secret);
      expect(stored, `store contains "${secret}"`).not.toContain(secret);
      expect(keys, `store key contains "${secret}"`).not.toContain(secret);
    }
    // What is stored is ids and times only: no string longer than a step id, choice id or language.
    for (const record of h.store.written) {
      const strings = JSON.stringify(JSON.parse(record), (_k, v: unknown) => v).match(/"[^"]*"/g) ?? [];
      for (const s of strings) expect(s.length, s).toBeLessThanOrEqual(66);
    }
  });
});
