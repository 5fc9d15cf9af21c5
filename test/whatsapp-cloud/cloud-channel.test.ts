import { describe, expect, it } from 'vitest';
import { INTERACTIVE_LIMITS, charCount } from '../../bots/whatsapp-cloud/interactive-question.js';
import { CLOUD_CHANNEL } from '../../bots/whatsapp-cloud/cloud-channel.js';
import { chatRef } from '../../src/privacy.js';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import { harmlessAnswers } from '../helpers/bundle.js';
import { optionsOf, textOf } from './fake-graph.js';
import { CloudHarness, cloudHarnesses, messageId, newWaId, TEST_SECRET, webhookBody } from './harness.js';

const LANGS = ['en', 'id', 'zh-HK', 'th'];
const harness = cloudHarnesses({ locales: LANGS });

const ref = (from: string) => chatRef(TEST_SECRET, CLOUD_CHANNEL, from);

/** The step and choice ids an interactive question offers, in order (nav rows left out). */
function questionOf(h: CloudHarness, from: string) {
  const q = h.lastQuestion(from)!;
  const choices = optionsOf(q)
    .filter((o) => o.id.startsWith('c|'))
    .map((o) => o.id.split('|'));
  return { step: choices[0]![1]!, choices: choices.map((c) => c[2]!), kind: q.interactive!.type };
}

/** Answers every question harmlessly, by tapping or typing its number, until the result comes. */
async function wholeAssessment(h: CloudHarness, from: string, lang: string, by: 'tap' | 'number') {
  const harmless = harmlessAnswers(h.core.bundle);
  const start = await h.say(from, `start ${lang}`);
  expect(start[0]).toBe(h.t(lang, 'privacy.promise'));
  const kinds = new Set<string>();
  for (let turn = 0; turn < 60; turn++) {
    const { step, choices, kind } = questionOf(h, from);
    kinds.add(kind);
    const choice = harmless[step] ?? choices[0]!;
    const replies =
      by === 'tap' ? await h.tap(from, choice) : await h.say(from, String(choices.indexOf(choice) + 1));
    expect(replies.length).toBeGreaterThan(0);
    if (replies.some((r) => r.startsWith(h.t(lang, 'result.intro')))) return { kinds, replies };
  }
  throw new Error('no result after 60 answers');
}

describe('the Cloud API channel: a whole assessment', () => {
  it.each(['en', 'id', 'zh-HK'])('in %s by tapping reply buttons and list rows', async (lang) => {
    const h = await harness();
    const from = newWaId();
    const { kinds, replies } = await wholeAssessment(h, from, lang, 'tap');
    expect([...kinds].sort()).toEqual(['button', 'list']);
    expect(replies.join('\n')).toContain(h.t(lang, `result.level.no_signs.title`));
    const events = (await h.core.store.read(ref(from)))!.value.s;
    expect(events.lang).toBe(lang);
  });

  it.each(['en', 'id', 'th'])('in %s by typing numbers', async (lang) => {
    const h = await harness();
    const from = newWaId();
    const { replies } = await wholeAssessment(h, from, lang, 'number');
    expect(replies.join('\n')).toContain(h.t(lang, 'result.disclaimer'));
  });

  it("every question sent fits Meta's limits, and the list offers the help numbers and exit", async () => {
    const h = await harness();
    const from = newWaId();
    await wholeAssessment(h, from, 'en', 'tap');
    const L = INTERACTIVE_LIMITS;
    let lists = 0;
    for (const m of h.graph.to(from)) {
      if (m.type === 'text') {
        expect(charCount(m.text!.body)).toBeLessThanOrEqual(4096);
        continue;
      }
      const i = m.interactive!;
      expect(charCount(i.body.text)).toBeLessThanOrEqual(L.body);
      expect(i.body.text).toContain(h.t('en', 'nav.help_hint'));
      if (i.type === 'button') {
        expect(i.action.buttons!.length).toBeLessThanOrEqual(L.buttons);
        for (const b of i.action.buttons!)
          expect(charCount(b.reply.title)).toBeLessThanOrEqual(L.buttonTitle);
      } else {
        lists += 1;
        expect(charCount(i.action.button!)).toBeLessThanOrEqual(L.listButton);
        const rows = optionsOf(m);
        expect(rows.length).toBeLessThanOrEqual(L.rows);
        for (const r of rows) {
          expect(charCount(r.title)).toBeLessThanOrEqual(L.rowTitle);
          expect(charCount(r.description ?? '')).toBeLessThanOrEqual(L.rowDescription);
        }
        // As rows of their own, or as answers of the question (the screen after the result).
        const ids = rows.map((r) => r.id);
        expect(ids.some((id) => id === 'n|contacts' || id.endsWith('|contacts'))).toBe(true);
        expect(ids.some((id) => id === 'n|exit' || id.endsWith('|exit'))).toBe(true);
      }
    }
    expect(lists).toBeGreaterThan(0);
  });

  it('the help-numbers row of a list sends the help numbers, and the question again', async () => {
    const h = await harness();
    const from = newWaId();
    await h.say(from, 'start en');
    // The first question has five answers: a list.
    const q = h.lastQuestion(from)!;
    expect(q.interactive!.type).toBe('list');
    await h.deliver(from, {
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'n|contacts', title: 'x' } },
    });
    const last = h.graph.to(from).map(textOf);
    expect(last.join('\n')).toContain(h.t('en', 'contacts.title').slice(0, 10));
    expect(textOf(h.graph.to(from).at(-1)!)).toContain(h.t('en', 'q.passport.text'));
  });
});

describe('the Cloud API channel: what she sends that is not an answer', () => {
  const TYPES: Record<string, Record<string, unknown>> = {
    image: { type: 'image', image: { id: '1', mime_type: 'image/jpeg', sha256: 'x' } },
    audio: { type: 'audio', audio: { id: '2', mime_type: 'audio/ogg', voice: false } },
    voice: { type: 'audio', audio: { id: '3', mime_type: 'audio/ogg; codecs=opus', voice: true } },
    voice_type: { type: 'voice', voice: { id: '3b', mime_type: 'audio/ogg' } },
    video: { type: 'video', video: { id: '4', mime_type: 'video/mp4' } },
    sticker: { type: 'sticker', sticker: { id: '5', mime_type: 'image/webp', animated: false } },
    location: { type: 'location', location: { latitude: 22.28, longitude: 114.16, name: 'Kornhill' } },
    contacts: {
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Mrs Chan' }, phones: [{ phone: '+852 9123 4567' }] }],
    },
    reaction: { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
    document: { type: 'document', document: { id: '6', filename: 'contract.pdf' } },
    unsupported: { type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] },
    button: { type: 'button', button: { payload: 'x', text: 'Yes' } },
    order: { type: 'order', order: { catalog_id: '1' } },
  };

  it.each(Object.keys(TYPES))(
    '%s gets "please choose one of the answers" and the question again',
    async (name) => {
      const h = await harness();
      const from = newWaId();
      await h.say(from, 'start id');
      const before = h.graph.to(from).length;
      await h.deliver(from, TYPES[name]!);
      const replies = h.graph.to(from).slice(before);
      expect(replies.map(textOf)[0]).toBe(h.t('id', 'input.non_text'));
      expect(textOf(replies.at(-1)!)).toContain(h.t('id', 'q.passport.text'));
      expect(replies.at(-1)!.type).toBe('interactive');
      expect((await h.core.store.read(ref(from)))!.value.s.step).toBe('passport');
    },
  );

  it('a withdrawn reaction and a system notice get no reply', async () => {
    const h = await harness();
    const from = newWaId();
    await h.say(from, 'start en');
    const before = h.graph.to(from).length;
    await h.deliver(from, { type: 'reaction', reaction: { message_id: 'wamid.x' } });
    await h.deliver(from, {
      type: 'system',
      system: { body: 'changed number', type: 'user_changed_number' },
    });
    expect(h.graph.to(from).length).toBe(before);
  });

  it('status callbacks are read for delivery errors only: logged by code, nothing stored', async () => {
    const store = new MemorySessionStore();
    const h = await harness({ store });
    const from = newWaId();
    const statuses = (status: string, errors?: unknown[]) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '85230001234', phone_number_id: '109876543210987' },
                statuses: [
                  {
                    id: messageId(from),
                    status,
                    timestamp: '1700000000',
                    recipient_id: from,
                    ...(errors ? { errors } : {}),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    for (const s of ['sent', 'delivered', 'read']) expect((await h.post(statuses(s))).status).toBe(200);
    expect(
      (await h.post(statuses('failed', [{ code: 131026, title: `Message undeliverable to ${from}` }])))
        .status,
    ).toBe(200);
    await h.cloud.channel.idle();
    expect(h.graph.calls).toBe(0);
    expect(await store.read(ref(from))).toBeNull();
    const failed = h.logLines.filter((l) => l.includes('not delivered'));
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!).graphCode).toBe(131026);
    expect(h.logLines.join('\n')).not.toContain(from);
  });

  it('a message older than the 24-hour window is not answered (the bot never sends first)', async () => {
    const h = await harness();
    const from = newWaId();
    const body = webhookBody(from, { type: 'text', text: { body: 'start' } });
    body.entry[0]!.changes[0]!.value.messages[0]!.timestamp = String(
      Math.floor(Date.now() / 1000) - 25 * 3600,
    );
    expect((await h.post(body)).status).toBe(200);
    await h.cloud.channel.idle();
    expect(h.graph.calls).toBe(0);
  });

  it('messages to another phone number of the same app are not ours', async () => {
    const h = await harness();
    const from = newWaId();
    const body = webhookBody(from, { type: 'text', text: { body: 'start' } });
    body.entry[0]!.changes[0]!.value.metadata.phone_number_id = '555555555555555';
    await h.post(body);
    await h.cloud.channel.idle();
    expect(h.graph.calls).toBe(0);
  });
});

describe('the Cloud API channel: re-deliveries and order', () => {
  it('a re-delivered message id is answered once, on this instance and on a second one sharing the store', async () => {
    const store = new MemorySessionStore();
    const a = await harness({ store });
    const b = await harness({ store, graph: a.graph });
    const from = newWaId();
    await a.say(from, 'start en');
    const id = messageId(from);
    const answer = { type: 'text', text: { body: '1' } };
    await a.deliver(from, answer, { id });
    const after = a.graph.to(from).length;
    await a.deliver(from, answer, { id });
    await b.deliver(from, answer, { id });
    expect(a.graph.to(from).length).toBe(after);
    // One answer was taken: the second question is the current one.
    expect((await store.read(ref(from)))!.value.s.answers).toEqual({ passport: 'self' });
  });

  it('messages of one chat are answered in the order received, even when they arrive together', async () => {
    const h = await harness();
    const from = newWaId();
    await h.say(from, 'start en');
    const before = h.graph.to(from).length;
    const bodies = ['1', '1', '1'].map((text) => webhookBody(from, { type: 'text', text: { body: text } }));
    await Promise.all(bodies.map((b) => h.post(b)));
    await h.cloud.channel.idle();
    const answers = (await h.core.store.read(ref(from)))!.value.s.answers;
    expect(Object.keys(answers)).toHaveLength(3);
    expect(h.graph.to(from).length - before).toBeGreaterThanOrEqual(3);
  });
});

describe('the Cloud API channel: quick exit', () => {
  it.each(['en', 'id', 'zh-HK'])(
    'in %s: the session is wiped and one line says how to delete the chat',
    async (lang) => {
      const h = await harness();
      const from = newWaId();
      await h.say(from, `start ${lang}`);
      await h.say(from, '1');
      expect(await h.core.store.read(ref(from))).not.toBeNull();
      const exitWord = h.core.translator.words(lang, 'command.exit.words')[0]!;
      const replies = await h.say(from, exitWord);
      expect(replies).toEqual([`${h.t(lang, 'exit.done')}\n${h.t(lang, 'exit.delete_chat')}`]);
      expect(await h.core.store.read(ref(from))).toBeNull();
    },
  );

  it('the exit row of a list ends the chat the same way', async () => {
    const h = await harness();
    const from = newWaId();
    await h.say(from, 'start en');
    await h.deliver(from, {
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'n|exit', title: 'x' } },
    });
    expect(textOf(h.graph.to(from).at(-1)!)).toBe(
      `${h.t('en', 'exit.done')}\n${h.t('en', 'exit.delete_chat')}`,
    );
    expect(await h.core.store.read(ref(from))).toBeNull();
  });
});
