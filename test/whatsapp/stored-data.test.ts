import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../bots/whatsapp/whatsapp-channel.js';
import { createCore, loadCheckedBundle, type Core } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { createSessionStore } from '../../src/store/create-store.js';
import { decodeRecord } from '../../src/store/session-codec.js';
import type { RedisSessionStore } from '../../src/store/redis-store.js';
import {
  deleteKeysUnder,
  describeWithRedis,
  inspectorClient,
  keysUnder,
  TEST_REDIS_URL,
  uniqueTestPrefix,
} from '../helpers/redis.js';
import { FakeWhatsAppClient, libraryMessage, libraryReaction } from './fake-client.js';

/*
 * What the WhatsApp channel leaves in Redis, read back with a plain Redis client: the adapter
 * itself turns the WhatsApp ids into keyed hashes, so no phone number, @lid id or typed text is in
 * any key or value, a session holds no message ids, everything expires, and quick exit leaves
 * nothing behind.
 */

const SECRET = 'stored-data-test-secret-0123456789';
const PHONE = '85261234567@c.us';
const LID = '204169385615532@lid';
const FREE_TEXT = 'Madam Wong took my papers, call me 61234567';

describeWithRedis('WhatsApp channel on Redis: what is stored', () => {
  const prefix = uniqueTestPrefix('wa-stored');
  const logLines: string[] = [];
  const logger = createLogger('trace', { write: (l: string) => void logLines.push(l) });
  const client = new FakeWhatsAppClient();
  let store: RedisSessionStore;
  let core: Core;
  let channel: WhatsAppChannel;
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;

  const sessionKey = (chatId: string) => `${prefix}s:${chatRef(SECRET, 'whatsapp', chatId)}`;
  const say = async (from: string, body: string, over: Record<string, unknown> = {}) => {
    client.emit('message', libraryMessage(from, body, over));
    await channel.idle();
  };

  beforeAll(async () => {
    store = (await createSessionStore(
      { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, REDIS_TIMEOUT_MS: 2000 },
      logger,
    )) as RedisSessionStore;
    core = createCore({
      bundle: loadCheckedBundle(),
      config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
      logger,
      store,
    });
    channel = createWhatsAppChannel({
      conversations: core.conversations,
      translator: core.translator,
      secret: SECRET,
      logger,
      createClient: () => client,
      dataDir: mkdtempSync(join(tmpdir(), 'wa-stored-')),
      pacing: { perChatMs: 0, globalMs: 0 },
      timing: { chatDeleteDelayMs: 0 },
    });
    await channel.start();
    client.emit('ready');
    await channel.idle();
    inspector = await inspectorClient();

    // One woman types a personal text, answers by number and word, sends a photo and a reaction.
    await say(PHONE, FREE_TEXT);
    await say(PHONE, 'MULAI id-mfmw2026');
    await say(PHONE, '1');
    await say(PHONE, 'ya');
    await say(PHONE, FREE_TEXT);
    await say(PHONE, '', { type: 'image', hasMedia: true });
    client.emit('message_reaction', libraryReaction(PHONE, '👍'));
    await channel.idle();
    // Another (hidden number) starts, then leaves with the exit word.
    await say(LID, 'START en');
    await say(LID, '2');
    await say(LID, 'EXIT');
  });

  afterAll(async () => {
    await channel?.stop();
    if (inspector) {
      await deleteKeysUnder(inspector, prefix);
      await inspector.quit();
    }
    await store?.close();
  });

  it('keys are keyed hashes; no value holds an id, a number, a typed text or message ids; all expire', async () => {
    const keys = await keysUnder(inspector, prefix);
    // One session key ("s:" + keyed hash): the finished-in-progress chat; the exited one is gone.
    expect(keys).toEqual([sessionKey(PHONE)]);
    const dump: string[] = [];
    for (const key of keys) {
      const value = await inspector.get(key);
      expect(value).not.toBeNull();
      dump.push(key, value!);
      // "<version>|<record>" in the compact stored form.
      const record = decodeRecord(value!.replace(/^\d+\|/, ''));
      expect(Object.keys(record)).toEqual(['s']); // WhatsApp keeps no message ids in the store
      expect(await inspector.pTTL(key)).toBeGreaterThan(0);
    }
    const all = dump.join('\n');
    for (const forbidden of [
      '85261234567',
      '61234567',
      '204169385615532',
      '@c.us',
      '@lid',
      'Madam',
      'Wong',
      'papers',
    ]) {
      expect(all, forbidden).not.toContain(forbidden);
    }
    expect(all).toContain('mfmw2026'); // the campaign, which is no secret, is what it should hold
  });

  it('quick exit left nothing of the other chat, and the log names nobody', async () => {
    expect(await inspector.exists(sessionKey(PHONE))).toBe(1); // the probe does find a live key
    expect(await inspector.exists(sessionKey(LID))).toBe(0);
    expect(client.deletedChats).toEqual([LID]);
    const log = logLines.join('\n');
    for (const forbidden of [
      '85261234567',
      '204169385615532',
      '@c.us',
      '@lid',
      'Madam',
      chatRef(SECRET, 'whatsapp', PHONE),
    ]) {
      expect(log, forbidden).not.toContain(forbidden);
    }
  });
});
