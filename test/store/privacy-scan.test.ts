import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCore, loadCheckedBundle, type Core } from '../../src/app.js';
import type { TurnOutcome } from '../../src/conversation.js';
import type { Input } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { decodeRecord, encodeRecord } from '../../src/store/session-codec.js';
import { createSessionStore } from '../../src/store/create-store.js';
import type { RedisSessionStore } from '../../src/store/redis-store.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  inspectorClient,
  keysUnder,
  TEST_REDIS_URL,
  uniqueTestPrefix,
} from '../helpers/redis.js';

/*
 * The privacy scan: many scripted conversations full of names, phone numbers and chat ids go
 * through the real core and Redis; afterwards nothing in Redis (keys or values), in the log or in
 * the counting events may contain any of them. It can fail: the last test plants a leak and
 * checks the scan finds it.
 */

const SECRET = 'privacy-scan-secret-0123456789abcdef';
const CHATS = 30;

const NAMES = [
  'Maria Santos',
  'Siti Nurhaliza',
  'Juan dela Cruz',
  'Ana Reyes',
  'Dewi Lestari',
  '陳美玲',
  'maria_s85',
  'Rosalinda Bautista',
];
const PHONES = [
  '+852 6123 4567',
  '+85261234567',
  '6123 4567',
  '61234567',
  '+62 812-3456-7890',
  '081234567890',
  '+63 917 123 4567',
  '09171234567',
  '(852) 9876-5432',
];

/** The chat id as the platform gives it: Telegram numbers, WhatsApp "<digits>@c.us". */
function platformChatId(i: number): { channel: 'telegram' | 'whatsapp'; id: string | number } {
  return i % 2 === 0
    ? { channel: 'telegram', id: 85291234500 + i }
    : { channel: 'whatsapp', id: `8526${7654300 + i}@c.us` };
}

/** Free texts a worker might type, each carrying a name and a number. */
function freeTexts(i: number): string[] {
  const name = NAMES[i % NAMES.length]!;
  const phone = PHONES[i % PHONES.length]!;
  return [
    `Hello, my name is ${name}, chat ${i}`,
    `${name}`,
    `call me on ${phone} after 9pm (msg ${i})`,
    `My employer Mrs ${NAMES[(i + 3) % NAMES.length]} keeps my passport, her number ${PHONES[(i + 2) % PHONES.length]} #${i}`,
    `${phone}`,
  ];
}

function lastQuestion(outcome: TurnOutcome) {
  const q = outcome.messages.findLast((m) => m.type === 'question');
  return q?.type === 'question' ? q : undefined;
}

describeWithRedis('privacy scan: no identifying data in Redis, logs or events', () => {
  const bundle = loadCheckedBundle();
  const logLines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  const events: string[] = [];
  const prefix = uniqueTestPrefix('privacy');
  const forbidden = new Set<string>();
  let store: RedisSessionStore;
  let core: Core;
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;
  let completed = 0;
  let exited = 0;

  beforeAll(async () => {
    store = (await createSessionStore(
      { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, REDIS_TIMEOUT_MS: 2000 },
      logger,
    )) as RedisSessionStore;
    core = createCore({
      bundle,
      config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
      logger,
      store,
      onEvent: (event, channel) => void events.push(JSON.stringify({ event, channel })),
    });
    inspector = await inspectorClient();

    for (let i = 0; i < CHATS; i++) {
      const { channel, id } = platformChatId(i);
      const ref = chatRef(SECRET, channel, id);
      const texts = freeTexts(i);
      for (const t of [String(id), String(id).replace(/\D/g, ''), ...texts]) forbidden.add(t);
      let messageId = 5000 + i * 100;
      const send = async (input: Input) => {
        const outcome = await core.conversations.handle(ref, input, {
          channel,
          langHint: bundle.localeCodes[i % bundle.localeCodes.length]!,
          ...(channel === 'telegram' ? { incomingMessageId: messageId++ } : {}),
        });
        expect(outcome.failed).toBe(false);
        if (channel === 'telegram')
          await core.conversations.rememberMessages(ref, [messageId++, messageId++]);
        return outcome;
      };

      let outcome = await send(
        i % 3 === 0
          ? { kind: 'open' }
          : { kind: 'start', lang: bundle.localeCodes[i % bundle.localeCodes.length] },
      );
      const finish = i % 5 === 1; // some answer everything, some exit, the rest stop midway
      const exitAfter = i % 5 === 0 ? 4 : Infinity;
      for (let turn = 0; turn < 60; turn++) {
        if (turn === exitAfter) {
          outcome = await send({ kind: 'text', text: 'exit' });
          expect(outcome.exit).toBe(true);
          exited += 1;
          break;
        }
        if (outcome.messages.some((m) => m.type === 'result')) {
          completed += 1;
          break;
        }
        if (!finish && turn >= 8) break;
        // Every other turn she types something personal; then she answers the question asked.
        if (turn % 2 === 0) await send({ kind: 'text', text: texts[(turn / 2) % texts.length]! });
        const q = lastQuestion(outcome);
        if (!q) throw new Error(`chat ${i}: no question to answer in ${JSON.stringify(outcome.messages)}`);
        const answers = q.choices.filter((c) => c.id !== 'exit' && c.id !== 'restart');
        const choice = answers[(i + turn) % answers.length]!;
        // Half the answers are typed as numbers, half tapped.
        outcome = await send(
          turn % 2 === 1
            ? { kind: 'text', text: String(q.choices.indexOf(choice) + 1) }
            : { kind: 'choice', id: choice.id, step: q.id },
        );
      }
    }
    for (const name of NAMES) forbidden.add(name);
    for (const phone of PHONES) {
      forbidden.add(phone);
      forbidden.add(phone.replace(/\D/g, '')); // the digits alone, as a normaliser might keep them
    }
  }, 60_000);

  afterAll(async () => {
    await deleteKeysUnder(inspector, prefix);
    await store?.close();
    inspector?.destroy();
  });

  /** Every forbidden string found in `texts`, case-insensitively. */
  function leaks(texts: string[]): string[] {
    const found: string[] = [];
    for (const text of texts) {
      const lower = text.toLowerCase();
      for (const f of forbidden)
        if (lower.includes(f.toLowerCase())) found.push(`${JSON.stringify(f)} in ${text.slice(0, 200)}`);
    }
    return found;
  }

  async function everythingInRedis(): Promise<{ keys: string[]; values: string[] }> {
    const keys = await keysUnder(inspector, prefix);
    const values: string[] = [];
    for (const key of keys) values.push((await inspector.get(key)) ?? '');
    return { keys, values };
  }

  it('ran the scripted conversations: some finished, some exited, the rest are live sessions', async () => {
    expect(completed).toBeGreaterThanOrEqual(5);
    expect(exited).toBeGreaterThanOrEqual(5);
    const { keys } = await everythingInRedis();
    expect(keys).toHaveLength(CHATS - exited);
  });

  it('Redis holds no chat id, name, phone number or message text, in keys or values', async () => {
    const { keys, values } = await everythingInRedis();
    expect(leaks(keys)).toEqual([]);
    expect(leaks(values)).toEqual([]);
  });

  it('every key is a keyed hash under the prefix and every key has a TTL', async () => {
    const { keys } = await everythingInRedis();
    for (const key of keys) {
      expect(key).toMatch(
        new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}s:[A-Za-z0-9_-]{22}$`),
      );
      const ttl = await inspector.pTTL(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(24 * 3600_000);
    }
  });

  it('every value holds only the snapshot fields and message ids, nothing else', async () => {
    const { values } = await everythingInRedis();
    const snapshotFields = new Set([
      'v',
      'flow',
      'ver',
      'hash',
      'step',
      'overlay',
      'answers',
      'lang',
      'campaign',
      'started',
      'updated',
    ]);
    // Most chats end with change lines after the record: those are checked too.
    expect(values.some((v) => v.includes('\n'))).toBe(true);
    for (const value of values) {
      const text = value.slice(value.indexOf('|') + 1);
      // The compact form holds exactly the decoded record: written again, it is the same text.
      const [whole, ...additions] = text.split('\n');
      expect(encodeRecord(decodeRecord(whole!))).toBe(whole);
      // Change lines: ids and whole numbers only, one known field each (see session-codec.ts).
      for (const line of additions) {
        for (const field of line.split(' ')) {
          expect(field).toMatch(/^(s[\w!.-]+|a[\w!.-]+=[\w-]+|u[0-9a-z]+|l[\w-]*|o[a-z]*|c|m\d+(,\d+)+|k\d*)$/);
        }
      }
      const record = decodeRecord(text) as unknown as Record<string, unknown>;
      expect(Object.keys(record).filter((k) => k !== 's' && k !== 'm' && k !== 'k')).toEqual([]);
      if (record.k !== undefined) expect(Number.isSafeInteger(record.k)).toBe(true);
      const s = record.s as Record<string, unknown>;
      expect(Object.keys(s).filter((k) => !snapshotFields.has(k))).toEqual([]);
      for (const [step, choice] of Object.entries(s.answers as Record<string, string>)) {
        expect(step).toMatch(/^[\w!.-]+$/);
        expect(choice).toMatch(/^[\w-]+$/);
      }
      // Message ids only: groups of [minute sent, id, id, ...], all whole numbers.
      for (const group of (record.m as unknown[][]) ?? []) {
        expect(group.length).toBeGreaterThanOrEqual(2);
        for (const n of group) expect(Number.isSafeInteger(n)).toBe(true);
      }
    }
  });

  it('the log and the counting events hold none of it either', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(0);
    expect(leaks(logLines)).toEqual([]);
    expect(leaks(events)).toEqual([]);
  });

  it('the scan can fail: a planted chat id is found', async () => {
    const planted = `${prefix}s:planted`;
    await inspector.set(planted, `1|{"note":"${platformChatId(4).id}"}`, { EX: 60 });
    try {
      const { values } = await everythingInRedis();
      expect(leaks(values)).toHaveLength(1);
    } finally {
      await inspector.del(planted);
    }
  });
});
