import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOUD_CHANNEL } from '../../bots/whatsapp-cloud/cloud-channel.js';
import { PROJECT_ROOT } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
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
import { optionsOf } from './fake-graph.js';
import { CloudHarness, messageId, sign, TEST_SECRET, webhookBody } from './harness.js';

/*
 * Two instances of the Cloud API channel behind one load balancer, sharing one Redis and one
 * (fake) Graph API: any instance takes any message, a re-delivery is dropped whichever instance it
 * reaches, and after many conversations nothing of the people is in Redis, the logs or any file.
 */

const PEOPLE = [
  { waId: '85291234567', name: 'Siti Rahayu', lang: 'id' },
  { waId: '85262345678', name: 'Maricel Dimaculangan', lang: 'tl' },
  { waId: '85253456789', name: 'Wanida Somchai', lang: 'en' },
  { waId: '6281234567890', name: 'Nur Hidayah', lang: 'id' },
  { waId: '639171234567', name: 'Lakshmi Perera', lang: 'en' },
  { waId: '85294567123', name: 'Joy Santos', lang: 'tl' },
];
const TYPED = [
  'my name is Siti Rahayu',
  'call me on +852 9123 4567',
  'Employer Mrs Chan Tai Man, Flat 12B Kornhill',
  'passport E12345678',
];
const SECRETS = [
  ...PEOPLE.flatMap((p) => [p.waId, p.name, p.name.split(' ')[1]!]),
  ...TYPED,
  'Kornhill',
  'E12345678',
];

function expectNoSecrets(what: string, where: string, extra: readonly string[] = []): void {
  for (const secret of [...SECRETS, ...extra])
    expect(where, `${what} contains "${secret}"`).not.toContain(secret);
}

describeWithRedis('WhatsApp Cloud API: two instances sharing Redis', () => {
  const prefix = uniqueTestPrefix('wacloud');
  const started = Date.now();
  let inspector: Awaited<ReturnType<typeof inspectorClient>>;
  let stores: RedisSessionStore[] = [];
  let a: CloudHarness;
  let b: CloudHarness;
  const messageIds: string[] = [];

  beforeAll(async () => {
    inspector = await inspectorClient();
    const quiet = { logger: createLogger('silent') };
    stores = await Promise.all(
      [0, 1].map(() => RedisSessionStore.connect({ url: TEST_REDIS_URL, prefix, timeoutMs: 2000, ...quiet })),
    );
    a = await CloudHarness.start({ locales: ['en', 'id', 'tl'], store: stores[0]! });
    b = await CloudHarness.start({ locales: ['en', 'id', 'tl'], store: stores[1]!, graph: a.graph });
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await a?.graph.close();
    await deleteKeysUnder(inspector, prefix);
    await Promise.all([...stores.map((s) => s.close()), inspector?.close()]);
  });

  /** Posts her message to instance `h` (as the load balancer chose) and waits for both to be done. */
  async function send(
    h: CloudHarness,
    p: (typeof PEOPLE)[number],
    message: Record<string, unknown>,
    id = messageId(p.waId),
  ) {
    messageIds.push(id);
    const res = await h.post(webhookBody(p.waId, message, { name: p.name, id }));
    expect(res.status).toBe(200);
    await Promise.all([a.cloud.channel.idle(), b.cloud.channel.idle()]);
  }

  it('a whole assessment alternating between the instances, and a re-delivery dropped by the other one', async () => {
    const p = PEOPLE[2]!;
    await send(a, p, { type: 'text', text: { body: 'start en' } });
    const harmless = harmlessAnswers(a.core.bundle);
    let finished = false;
    for (let turn = 0; turn < 60 && !finished; turn++) {
      const q = a.lastQuestion(p.waId)!;
      const step = optionsOf(q)
        .find((o) => o.id.startsWith('c|'))!
        .id.split('|')[1]!;
      const option = optionsOf(q).find((o) => o.id === `c|${step}|${harmless[step]}`) ?? optionsOf(q)[0]!;
      const kind = q.interactive!.type === 'button' ? 'button_reply' : 'list_reply';
      const id = messageId(p.waId);
      const before = a.graph.to(p.waId).length;
      await send(
        turn % 2 ? a : b,
        p,
        { type: 'interactive', interactive: { type: kind, [kind]: option } },
        id,
      );
      // Meta delivers it again, to the other instance: dropped there.
      await send(
        turn % 2 ? b : a,
        p,
        { type: 'interactive', interactive: { type: kind, [kind]: option } },
        id,
      );
      const replies = a.graph.to(p.waId).slice(before);
      expect(replies.length).toBeGreaterThan(0);
      finished = replies.some((r) => (r.text?.body ?? '').startsWith(a.t('en', 'result.intro')));
    }
    expect(finished).toBe(true);
    // No reply twice: each question went out once.
    const bodies = a.graph.to(p.waId).map((m) => m.interactive?.body.text ?? m.text?.body);
    expect(new Set(bodies.filter((t) => t?.includes('?'))).size).toBe(
      bodies.filter((t) => t?.includes('?')).length,
    );
  });

  it('after many conversations, nothing of the people is in Redis, the logs or any file written', async () => {
    a.graph.fail({ status: 400, code: 131026, message: `Message Undeliverable to ${PEOPLE[0]!.waId}` });
    for (const [i, p] of PEOPLE.entries()) {
      const h = i % 2 ? a : b;
      await send(h, p, { type: 'text', text: { body: `start ${p.lang}-outreach${i}` } });
      await send(h === a ? b : a, p, {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'c|passport|self', title: 'x' } },
      });
      for (const text of TYPED) await send(i % 3 ? a : b, p, { type: 'text', text: { body: text } });
      await send(a, p, {
        type: 'contacts',
        contacts: [{ name: { formatted_name: p.name }, phones: [{ phone: p.waId, wa_id: p.waId }] }],
      });
      await send(b, p, {
        type: 'location',
        location: { latitude: 22.2819, longitude: 114.1589, name: 'Kornhill' },
      });
      // A forged post carrying her details is refused and never logged.
      const forged = JSON.stringify(
        webhookBody(p.waId, { type: 'text', text: { body: TYPED[0]! } }, { name: p.name }),
      );
      expect((await a.post(forged, sign(forged, 'not0the0app0secret0at0all000000'))).status).toBe(401);
      if (i % 2 === 0) await send(b, p, { type: 'text', text: { body: 'exit' } });
    }
    const keys = await keysUnder(inspector, prefix);
    expect(keys.length).toBeGreaterThan(PEOPLE.length);
    const dump: string[] = [...keys];
    for (const key of keys) {
      expect(await inspector.ttl(key), key).toBeGreaterThan(0);
      const type = await inspector.type(key);
      dump.push(
        type === 'hash' ? JSON.stringify(await inspector.hGetAll(key)) : ((await inspector.get(key)) ?? ''),
      );
    }
    // Sessions of those still chatting, under their keyed hash; the exited ones are gone.
    for (const [i, p] of PEOPLE.entries()) {
      const session = await stores[0]!.read(chatRef(TEST_SECRET, CLOUD_CHANNEL, p.waId));
      expect(session === null, p.name).toBe(i % 2 === 0);
    }
    // Message ids encode the number: only their keyed hashes are kept.
    expectNoSecrets('Redis', dump.join('\n'), messageIds);
    const logs = [...a.logLines, ...b.logLines].join('\n');
    expect(logs).toContain('refused');
    expectNoSecrets('the logs', logs, messageIds);
    expectNoSecrets('a file written during the test', filesWrittenSince(started));
  });
});

/** The text of every file (up to 2 MB) written since `since` in the project (not node_modules) and the temp folder. */
function filesWrittenSince(since: number): string {
  const texts: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === 'node_modules' || name === '.git') continue;
      const path = join(dir, name);
      try {
        const st = statSync(path);
        if (st.isDirectory()) {
          if (depth > 0) walk(path, depth - 1);
        } else if (st.mtimeMs >= since && st.size < 2_000_000) {
          texts.push(readFileSync(path, 'latin1'));
        }
      } catch {
        // vanished or unreadable: not ours
      }
    }
  };
  walk(PROJECT_ROOT, 4);
  walk(tmpdir(), 1);
  return texts.join('\n');
}
