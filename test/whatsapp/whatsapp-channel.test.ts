import { afterEach, describe, expect, it } from 'vitest';
import type { Step } from '../../src/bundle.js';
import { Translator } from '../../src/i18n.js';
import type {
  IncomingWhatsAppMessage,
  IncomingWhatsAppReaction,
} from '../../bots/whatsapp/whatsapp-client.js';
import { harmlessAnswers } from '../helpers/bundle.js';
import { BOT_ID, libraryMessage } from './fake-client.js';
import { channelTestBundle, LID_ID, PHONE_ID, startHarness, wait, type Harness } from './harness.js';

// English and two languages many workers use.
const LANGS = ['en', 'id', 'tl'] as const;
const bundle = channelTestBundle(LANGS);
const translator = new Translator(bundle);
const t = (lang: string | null, key: string) => translator.t(lang, key);
const flow = bundle.flows.get(bundle.defaultFlowId)!;
const harmless = harmlessAnswers(bundle);

let running: Harness[] = [];
async function harness(opts?: Parameters<typeof startHarness>[1]): Promise<Harness> {
  const h = await startHarness(bundle, opts);
  running.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(running.map((h) => h.channel.stop()));
  running = [];
});

async function currentStep(h: Harness, chatId: string): Promise<Step | undefined> {
  const record = await h.core.store.read(h.ref(chatId));
  return record ? flow.steps.get(record.value.s.step) : undefined;
}

/** Opens a chat and picks the language; returns the bot's replies to the language choice. */
async function openIn(h: Harness, chatId: string, lang: string, by: 'number' | 'word'): Promise<string[]> {
  const first = await h.say(chatId, 'Hi');
  expect(first).toHaveLength(1);
  expect(first[0]).toContain(t('en', 'language.choose'));
  // By number: the number the list she sees gives her language (the menu has its own order).
  const line = first[0]!.split('\n').find((l) => l.endsWith(`) ${t(lang, 'language.name')}`));
  expect(line, `${lang} in the language list`).toBeDefined();
  const pick = by === 'number' ? line!.slice(0, line!.indexOf(')')) : t(lang, 'language.name');
  return h.say(chatId, pick);
}

/** Answers every question harmlessly, by number or by typing the answer's label, until the result. */
async function answerAll(h: Harness, chatId: string, lang: string, by: 'number' | 'word'): Promise<string[]> {
  let replies: string[] = [];
  for (let i = 0; i < 40; i++) {
    const step = await currentStep(h, chatId);
    if (step?.type !== 'question') return replies;
    const index = step.choices.findIndex((c) => c.id === harmless[step.id]);
    replies = await h.say(chatId, by === 'number' ? String(index + 1) : t(lang, step.choices[index]!.label));
    expect(replies.length, `an answer to ${step.id}`).toBeGreaterThan(0);
  }
  throw new Error('the assessment did not end');
}

describe('WhatsApp channel: a full assessment', () => {
  it.each([
    ['en', 'number'],
    ['en', 'word'],
    ['id', 'number'],
    ['id', 'word'],
    ['tl', 'number'],
    ['tl', 'word'],
  ] as const)('in %s, answering by %s', async (lang, by) => {
    const h = await harness();
    const afterLanguage = await openIn(h, PHONE_ID, lang, by);
    expect(afterLanguage[0]).toBe(t(lang, 'privacy.promise'));
    const passport = afterLanguage.at(-1)!;
    // The question, a numbered list of its answers, then the HELP/EXIT hint.
    const labels = (flow.steps.get('passport') as Extract<Step, { type: 'question' }>).choices.map((c) =>
      t(lang, c.label),
    );
    expect(passport).toBe(
      `${t(lang, 'q.passport.text')}\n\n${labels.map((l, i) => `${i + 1}) ${l}`).join('\n')}\n\n${t(lang, 'nav.help_hint')}`,
    );

    const end = await answerAll(h, PHONE_ID, lang, by);
    // The short result, then "What would you like to do now?" with its four numbered choices.
    expect(end).toHaveLength(2);
    const [result, next] = end as [string, string];
    expect(
      result.startsWith(
        `${t(lang, 'result.intro')}\n\n${t(lang, 'result.level.no_signs.title')}\n${t(lang, 'result.level.no_signs.text')}\n\n`,
      ),
    ).toBe(true);
    expect(result.endsWith(`${t(lang, 'result.disclaimer')}\n\n${t(lang, 'safety.phone')}`)).toBe(true);
    // The first contacts: 999 first, each as "name: call …, WhatsApp …", numbers kept whole with no-break spaces.
    const summary = section(result, t(lang, 'result.contacts_title'));
    expect(summary.startsWith(`${h.core.renderer.contactLines(['police_emergency'], lang)}\n• `)).toBe(true);
    const ways = [...summary.matchAll(/^• [^:\n]+: (.+)$/gm)].map((m) => m[1]!);
    expect(ways.length).toBeGreaterThan(1);
    const oneWay = new RegExp(
      `^(${['call', 'whatsapp', 'sms']
        .map((w) =>
          escape(translator.t(lang, `contacts.way.${w}`, { number: '#N#' })).replace(
            '#N#',
            '\\d[\\d\\u00a0]*\\d',
          ),
        )
        .join('|')})$`,
    );
    for (const w of ways) for (const part of w.split(', ')) expect(part).toMatch(oneWay);
    expect(ways.some((w) => /\d\u00a0\d/.test(w))).toBe(true);
    expect(summary).not.toMatch(/\d \d/);
    const nextQuestion =
      `${t(lang, 'result.next')}\n\n` +
      ['details', 'contacts', 'restart', 'exit']
        .map((id, i) => `${i + 1}) ${t(lang, `choice.${id}`)}`)
        .join('\n') +
      `\n\n${t(lang, 'nav.help_hint')}`;
    expect(next).toBe(nextQuestion);
    expect(h.events.filter((e) => e.type === 'completed')).toEqual([
      expect.objectContaining({ lang, level: 'no_signs' }),
    ]);

    // The first choice, by number or by its words, shows all the numbers and asks again; she stays at the result.
    const details = await h.say(PHONE_ID, by === 'number' ? '1' : t(lang, 'choice.details'));
    expect(details).toHaveLength(2);
    // No signs, so no rights to list: all the numbers, 999 first, the first ones among them, and more.
    expect(details[0]!.startsWith(`${t(lang, 'result.all_contacts_title')}\n`)).toBe(true);
    const all = section(details[0]!, t(lang, 'result.all_contacts_title'));
    expect(all).toBe(details[0]!.slice(t(lang, 'result.all_contacts_title').length + 1));
    expect(all.startsWith(h.core.renderer.contactLines(['police_emergency'], lang))).toBe(true);
    for (const line of summary.split(/\n(?=• )/)) expect(all).toContain(line);
    expect(all.split(/\n(?=• )/).length).toBeGreaterThan(summary.split(/\n(?=• )/).length);
    expect(details[1]).toBe(nextQuestion);
    expect((await currentStep(h, PHONE_ID))?.type).toBe('result');
    expect(h.events.filter((e) => e.type === 'completed')).toHaveLength(1);
    // Every message went to her chat and no text is longer than WhatsApp's comfortable size.
    expect(h.client.sent.every((s) => s.chatId === PHONE_ID && s.text.length <= 4000)).toBe(true);
  });

  it('starts in her language and counts the campaign when the first message is a leaflet link text', async () => {
    const h = await harness();
    const replies = await h.say(PHONE_ID, 'START id-mfmw2026');
    expect(replies[0]).toBe(t('id', 'privacy.promise'));
    expect(replies.at(-1)).toContain(t('id', 'q.passport.text'));
    expect(h.events[0]).toEqual({ type: 'started', lang: 'id', campaign: 'mfmw2026' });
  });

  it('knows the leaflet text with the start word of her language too ("MULAI id-…")', async () => {
    const h = await harness();
    const replies = await h.say(PHONE_ID, 'MULAI id-mfmw2026');
    expect(replies[0]).toBe(t('id', 'privacy.promise'));
    expect(h.events[0]).toEqual({ type: 'started', lang: 'id', campaign: 'mfmw2026' });
  });

  it('answers chats with a hidden-number (@lid) id like any other', async () => {
    const h = await harness();
    await openIn(h, LID_ID, 'en', 'number');
    expect((await currentStep(h, LID_ID))?.id).toBe('passport');
    const replies = await h.say(LID_ID, '1');
    expect(replies.at(-1)).toContain(t('en', 'q.job_promised.text'));
    expect(h.client.sent.every((s) => s.chatId === LID_ID)).toBe(true);
    expect(h.ref(LID_ID)).not.toBe(h.ref(PHONE_ID));
  });

  it('keeps two chats apart', async () => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'en', 'number');
    await openIn(h, LID_ID, 'id', 'number');
    expect(await h.say(PHONE_ID, '1')).toEqual([expect.stringContaining(t('en', 'q.job_promised.text'))]);
    expect(await h.say(LID_ID, '1')).toEqual([expect.stringContaining(t('id', 'q.job_promised.text'))]);
  });
});

describe('WhatsApp channel: which messages it answers', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, Partial<IncomingWhatsAppMessage> & Record<string, unknown>]>([
    ['a group', { from: '120363025555555555@g.us', author: PHONE_ID }],
    ['a status update', { from: 'status@broadcast', isStatus: true }],
    ['a status flag on a private id', { isStatus: true }],
    ['a broadcast list', { broadcast: true }],
    ['the bot number itself', { fromMe: true, from: BOT_ID }],
    ['an own message in her chat', { fromMe: true }],
    ['a message older than the start', { timestamp: now() - 3600 }],
    ['a newsletter (channel)', { from: '120363111111111111@newsletter' }],
    ['a security-code notice', { type: 'e2e_notification' }],
    ['a missed-call notice', { type: 'call_log' }],
  ])('ignores %s', async (_what, over) => {
    const h = await harness();
    const from = over.from ?? PHONE_ID;
    expect(await h.say(from, 'Hi', over)).toEqual([]);
    expect(await h.core.store.read(h.ref(from))).toBeNull();
  });

  // Every library MessageTypes value a person can send that is not text.
  const NON_TEXT = [
    'image',
    'video',
    'audio',
    'ptt',
    'sticker',
    'document',
    'location',
    'vcard',
    'multi_vcard',
    'revoked',
    'reaction',
    'poll_creation',
    'album',
    'order',
    'product',
    'payment',
    'groups_v4_invite',
    'list',
    'list_response',
    'buttons_response',
    'template_button_reply',
    'interactive',
    'native_flow',
    'hsm',
    'scheduled_event_creation',
    'oversized',
    'unknown',
  ];
  it.each(NON_TEXT)(
    'answers a %s message with the "please reply with a number" line and the question again',
    async (type) => {
      const h = await harness();
      await openIn(h, PHONE_ID, 'id', 'number');
      const replies = await h.say(PHONE_ID, '', {
        type,
        hasMedia: ['image', 'video', 'audio', 'ptt', 'sticker', 'document'].includes(type),
      });
      expect(replies[0]).toBe(t('id', 'input.non_text'));
      expect(replies[1]).toContain(t('id', 'q.passport.text'));
      expect((await currentStep(h, PHONE_ID))?.id).toBe('passport');
    },
  );

  // The library delivers reactions as `message_reaction` events, not as messages.
  it.each([PHONE_ID, LID_ID])(
    'answers an emoji reaction in %s with the "please reply with a number" line and the question again',
    async (chatId) => {
      const h = await harness();
      await openIn(h, chatId, 'id', 'number');
      const replies = await h.react(chatId, '👍');
      expect(replies).toEqual([
        t('id', 'input.non_text'),
        expect.stringContaining(t('id', 'q.passport.text')),
      ]);
      expect((await currentStep(h, chatId))?.id).toBe('passport');
    },
  );

  it.each<[string, Partial<IncomingWhatsAppReaction> & Record<string, unknown>, string?]>([
    ['its own reaction', { id: { fromMe: true, remote: PHONE_ID } }],
    ['a reaction taken back', {}, ''],
    ['a reaction in a group', { id: { fromMe: false, remote: '120363025555555555@g.us' } }],
    ['a reaction on a status', { id: { fromMe: false, remote: 'status@broadcast' } }],
    ['a reaction from before the start (replayed on sync)', { timestamp: Date.now() / 1000 - 3600 }],
  ])('ignores %s', async (_what, over, emoji = '❤️') => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'en', 'number');
    const record = await h.core.store.read(h.ref(PHONE_ID));
    expect(await h.react(PHONE_ID, emoji, over)).toEqual([]);
    expect(await h.core.store.read(h.ref(PHONE_ID))).toEqual(record);
  });

  it('takes the chat of a reaction from a library id object too', async () => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'en', 'number');
    const replies = await h.react(PHONE_ID, '🙏', {
      id: { fromMe: false, remote: { _serialized: PHONE_ID } },
    });
    expect(replies[0]).toBe(t('en', 'input.non_text'));
  });
});

describe('WhatsApp channel: quick exit', () => {
  // The first exit word of each language (the one its texts and the leaflet teach).
  it.each(LANGS.map((lang) => [lang, translator.words(lang, 'command.exit.words')[0]!]))(
    'in %s (%s): revokes the bot messages, sends the clear-chat line, removes the chat, wipes the session',
    async (lang, word) => {
      const h = await harness();
      await openIn(h, PHONE_ID, lang, 'number');
      await h.say(PHONE_ID, '1');
      await openIn(h, LID_ID, 'en', 'number'); // another woman's chat: untouched
      const before = h.client.sent.filter((s) => s.chatId === PHONE_ID);
      expect(before.length).toBeGreaterThan(3);

      const replies = await h.say(PHONE_ID, word);
      expect(replies).toEqual([`${t(lang, 'exit.done')}\n${t(lang, 'exit.clear_chat')}`]);
      expect(before.every((s) => s.deletedForEveryone)).toBe(true);
      expect(h.client.sent.at(-1)!.deletedForEveryone).toBe(false);
      expect(h.client.deletedChats).toEqual([PHONE_ID]);
      expect(await h.core.store.read(h.ref(PHONE_ID))).toBeNull();
      expect(h.client.sent.filter((s) => s.chatId === LID_ID).some((s) => s.deletedForEveryone)).toBe(false);
      expect(await h.core.store.read(h.ref(LID_ID))).not.toBeNull();

      // Writing again starts afresh.
      expect((await h.say(PHONE_ID, 'Hi'))[0]).toContain(t('en', 'language.choose'));
    },
  );

  it('the result\'s "Exit and delete" choice, typed as its number, is a quick exit too', async () => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'id', 'number');
    const end = await answerAll(h, PHONE_ID, 'id', 'number');
    const choices = end
      .at(-1)!
      .split('\n')
      .filter((l) => /^\d\) /.test(l));
    const exit = choices.find((l) => l.endsWith(`) ${t('id', 'choice.exit')}`));
    expect(exit, 'the exit choice on the result').toBeDefined();
    const before = h.client.sent.filter((s) => s.chatId === PHONE_ID);

    const replies = await h.say(PHONE_ID, exit!.slice(0, exit!.indexOf(')')));
    expect(replies).toEqual([`${t('id', 'exit.done')}\n${t('id', 'exit.clear_chat')}`]);
    expect(before.every((s) => s.deletedForEveryone)).toBe(true);
    expect(h.client.deletedChats).toEqual([PHONE_ID]);
    expect(await h.core.store.read(h.ref(PHONE_ID))).toBeNull();
  });

  it('works as the very first message too', async () => {
    const h = await harness();
    expect(await h.say(PHONE_ID, 'stop')).toEqual([`${t('en', 'exit.done')}\n${t('en', 'exit.clear_chat')}`]);
    expect(h.client.deletedChats).toEqual([PHONE_ID]);
  });

  it('still sends the line and removes the chat when revoking fails', async () => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'en', 'number');
    await h.say(PHONE_ID, '1');
    h.client.failRevokes = true;
    const replies = await h.say(PHONE_ID, 'exit');
    expect(replies).toEqual([`${t('en', 'exit.done')}\n${t('en', 'exit.clear_chat')}`]);
    expect(h.client.deletedChats).toEqual([PHONE_ID]);
    expect(h.client.sent.some((s) => s.deletedForEveryone)).toBe(false);
    expect(h.logLines.join('')).toContain('some bot messages could not be deleted for everyone');
    expect(await h.core.store.read(h.ref(PHONE_ID))).toBeNull();
  });

  it('sends the clear-chat line first, then revokes, then removes the chat', async () => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'en', 'number');
    const mark = h.account.actions.length;
    await h.say(PHONE_ID, 'exit');
    const actions = h.account.actions.slice(mark).map((a) => a.split(' ')[0]);
    const revokes = h.client.sent.filter((s) => s.deletedForEveryone).length;
    expect(revokes).toBeGreaterThan(1);
    expect(actions).toEqual(['send', ...Array<string>(revokes).fill('revoke'), 'delete-chat']);
  });

  it('revokes the messages sent before a reconnect, through the new browser', async () => {
    const h = await harness();
    await openIn(h, PHONE_ID, 'en', 'number');
    const before = h.client.sent.filter((s) => s.chatId === PHONE_ID);
    h.client.emit('disconnected', 'NAVIGATION');
    await wait(10);
    expect(h.clients).toHaveLength(2);
    h.clients[1]!.emit('ready');
    await h.channel.idle();
    await h.say(PHONE_ID, '1');
    await h.say(PHONE_ID, 'exit');
    expect(before.length).toBeGreaterThan(1);
    expect(before.every((s) => s.deletedForEveryone)).toBe(true);
    expect(h.logLines.join('')).not.toContain('could not be deleted');
  });

  it('after a restart, revokes the bot messages WhatsApp Web still has in the chat', async () => {
    const first = await harness();
    await openIn(first, PHONE_ID, 'en', 'number');
    const before = first.client.sent.filter((s) => s.chatId === PHONE_ID);
    await first.channel.stop();
    // A new process: nothing in memory, the same store and the same WhatsApp account.
    const second = await harness({ after: first });
    const replies = await second.say(PHONE_ID, 'EXIT');
    expect(replies).toEqual([`${t('en', 'exit.done')}\n${t('en', 'exit.clear_chat')}`]);
    expect(before.length).toBeGreaterThan(1);
    expect(before.every((s) => s.deletedForEveryone)).toBe(true);
    expect(second.client.sent.at(-1)!.deletedForEveryone).toBe(false);
    expect(second.client.deletedChats).toEqual([PHONE_ID]);
    expect(await second.core.store.read(second.ref(PHONE_ID))).toBeNull();
  });

  it('does not try to revoke messages older than WhatsApp allows (48 hours here)', async () => {
    const h = await harness();
    const old = { chatId: PHONE_ID, text: 'old', id: 'true_old', deletedForEveryone: false, inChat: true };
    h.account.sent.push({ ...old, timestamp: Math.floor(Date.now() / 1000) - 49 * 3600 });
    await openIn(h, PHONE_ID, 'en', 'number');
    await h.say(PHONE_ID, 'exit');
    expect(h.account.sent[0]!.deletedForEveryone).toBe(false);
    expect(h.account.actions).not.toContain('revoke true_old');
    expect(h.client.deletedChats).toEqual([PHONE_ID]); // the chat, old message included, still goes
  });
});

describe('WhatsApp channel: ending conversations removes the chat from the bot account', () => {
  it('after the result and a quiet while', async () => {
    const h = await harness({ timing: { resultIdleMs: 40 } });
    await openIn(h, PHONE_ID, 'en', 'number');
    await wait(60);
    expect(h.client.deletedChats).toEqual([]); // mid-assessment: waits for the session lifetime
    await answerAll(h, PHONE_ID, 'en', 'number');
    await wait(80);
    await h.channel.idle();
    expect(h.client.deletedChats).toEqual([PHONE_ID]);
    expect(h.client.sent.some((s) => s.deletedForEveryone)).toBe(false);
  });

  it('when the session has expired', async () => {
    const h = await harness({ timing: { sessionTtlMs: 40 } });
    await openIn(h, PHONE_ID, 'en', 'number');
    expect(h.client.deletedChats).toEqual([]);
    await wait(80);
    await h.channel.idle();
    expect(h.client.deletedChats).toEqual([PHONE_ID]);
  });

  it('at start-up: chats left by an earlier run, once their session lifetime is over', async () => {
    const h = await harness({ ready: false, timing: { sessionTtlMs: 60_000 } });
    const nowS = Math.floor(Date.now() / 1000);
    h.client.chats = [
      { id: '85290000001@c.us', isGroup: false, timestamp: nowS - 3600 },
      { id: '99999999999@lid', isGroup: false, timestamp: nowS - 7200 },
      { id: '85290000002@c.us', isGroup: false, timestamp: nowS - 5 },
      { id: '120363025555555555@g.us', isGroup: true, timestamp: nowS - 3600 },
    ];
    h.client.emit('ready');
    await h.channel.idle();
    expect(h.client.deletedChats.sort()).toEqual(['85290000001@c.us', '99999999999@lid']);
  });
});

describe('WhatsApp channel: failures', () => {
  it('logs a send that throws without identifiers and carries on', async () => {
    const h = await harness();
    h.client.failSends = 1;
    const replies = await h.say(PHONE_ID, 'Hi');
    expect(replies).toEqual([]);
    const failure = h.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'a message could not be sent');
    expect(failure).toMatchObject({ err: 'ProtocolError', channel: 'whatsapp' });
    expect(JSON.stringify(failure)).not.toMatch(/85291234567|@c\.us|Evaluation failed/);
    // The next message works.
    expect((await h.say(PHONE_ID, '1')).at(-1)).toContain(t('en', 'q.passport.text'));
  });

  it('goes on with the other messages of a turn when one send fails', async () => {
    const h = await harness();
    await h.say(PHONE_ID, 'Hi');
    h.client.failSends = 1; // the privacy promise fails, the question still goes out
    const replies = await h.say(PHONE_ID, '1');
    expect(replies).toEqual([expect.stringContaining(t('en', 'q.passport.text'))]);
  });

  it('tells her the emergency contacts when the store fails', async () => {
    const h = await harness();
    h.core.store.read = () => Promise.reject(new Error('down'));
    const replies = await h.say(PHONE_ID, 'Hi');
    expect(replies[0]).toContain(t('en', 'error.sorry'));
    expect(replies[0]).toContain('999');
  });
});

describe('WhatsApp channel: login and connection', () => {
  function logged(h: Harness): { level: number; msg: string }[] {
    return h.logLines.map((l) => JSON.parse(l) as { level: number; msg: string });
  }

  it('shows the pairing QR code and logs waiting, authenticated, ready', async () => {
    const h = await harness({ ready: false });
    expect(h.client.initialized).toBe(true);
    h.client.emit('qr', '2@pairing-ref,key,key,key');
    await wait(5);
    expect(h.qrCodes).toEqual(['2@pairing-ref,key,key,key']);
    h.client.emit('authenticated');
    h.client.emit('ready');
    await h.channel.idle();
    const msgs = logged(h).map((l) => l.msg);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^waiting for the QR code to be scanned/),
        expect.stringMatching(/^authenticated/),
        'ready: answering private chats',
      ]),
    );
    expect(h.logLines.join('')).not.toContain('pairing-ref');
  });

  it('reconnects with a fresh client after a disconnect and answers there', async () => {
    const h = await harness();
    h.client.emit('disconnected', 'NAVIGATION');
    await wait(10);
    expect(h.client.destroyed).toBe(true);
    expect(h.clients).toHaveLength(2);
    expect(h.clients[1]!.initialized).toBe(true);
    // The old client's events are ignored; the new one's are answered.
    h.client.emit('message', libraryMessage(PHONE_ID, 'Hi'));
    await h.channel.idle();
    expect(h.client.sent).toEqual([]);
    expect((await h.say(PHONE_ID, 'Hi'))[0]).toContain(t('en', 'language.choose'));
  });

  it('logs a disconnect with its reason, reconnects with a growing pause, and starts the pause over once ready', async () => {
    const h = await harness({ timing: { reconnectInitialMs: 10, reconnectMaxMs: 1000 } });
    h.clients[0]!.emit('disconnected', 'CONFLICT');
    await wait(30);
    h.clients[1]!.emit('disconnected', 'TIMEOUT'); // the new browser drops too, before it is ready
    await wait(50);
    h.clients[2]!.emit('ready');
    await h.channel.idle();
    h.clients[2]!.emit('disconnected', 'NAVIGATION'); // after a good connection: short pause again
    await wait(30);
    expect(h.clients).toHaveLength(4);
    const lines = logged(h) as { level: number; msg: string; reason?: string; inSeconds?: number }[];
    expect(
      lines.filter((l) => l.msg.startsWith('disconnected from WhatsApp Web')).map((l) => [l.level, l.reason]),
    ).toEqual([
      [40, 'CONFLICT'],
      [40, 'TIMEOUT'],
      [40, 'NAVIGATION'],
    ]);
    expect(lines.filter((l) => l.msg === 'reconnecting').map((l) => l.inSeconds)).toEqual([0.01, 0.02, 0.01]);
  });

  it('retries with a growing pause when WhatsApp Web cannot be opened', async () => {
    const h = await harness({
      ready: false,
      timing: { reconnectInitialMs: 10, reconnectMaxMs: 1000 },
      prepareClient: (c, index) => {
        if (index < 2)
          c.initializeError = new TypeError('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
      },
    });
    await wait(100);
    expect(h.clients).toHaveLength(3);
    expect(h.clients.slice(0, 2).every((c) => c.destroyed)).toBe(true);
    expect(h.clients[2]!.initialized).toBe(true);
    const lines = h.logLines.map(
      (l) => JSON.parse(l) as { msg: string; err?: string; net?: string; inSeconds?: number },
    );
    const failures = lines.filter((l) => l.msg.startsWith('could not open WhatsApp Web'));
    expect(failures.map((l) => [l.err, l.net])).toEqual([
      ['TypeError', 'ERR_NAME_NOT_RESOLVED'],
      ['TypeError', 'ERR_NAME_NOT_RESOLVED'],
    ]);
    expect(lines.filter((l) => l.msg === 'reconnecting').map((l) => l.inSeconds)).toEqual([0.01, 0.02]);
    expect(h.logLines.join('')).not.toContain('at https://'); // the error message itself is not logged
  });

  it('closes and reopens a browser whose WhatsApp Web never opens (no silent hang)', async () => {
    const h = await harness({
      ready: false,
      timing: { openTimeoutMs: 30, reconnectInitialMs: 10, reconnectMaxMs: 1000 },
      prepareClient: (c, index) => {
        if (index < 2) c.initializeGate = new Promise(() => {}); // the page load never ends
      },
    });
    await wait(150);
    expect(h.clients.length).toBeGreaterThanOrEqual(3);
    expect(h.clients.slice(0, 2).every((c) => c.destroyed)).toBe(true);
    expect(h.clients[2]!.initialized).toBe(true);
    const lines = logged(h) as { level: number; msg: string; inSeconds?: number }[];
    const stuck = lines.filter((l) => l.msg.startsWith('WhatsApp Web did not open in time'));
    expect(stuck).toHaveLength(2);
    expect(stuck.every((l) => l.level === 50 && l.inSeconds === 0.03)).toBe(true);
    expect(lines.filter((l) => l.msg === 'reconnecting').map((l) => l.inSeconds)).toEqual([0.01, 0.02]);
  });

  it('does not give up on a browser that shows the QR code and waits to be scanned', async () => {
    const h = await harness({
      ready: false,
      timing: { openTimeoutMs: 30 },
      prepareClient: (c) => {
        c.initializeGate = new Promise(() => {});
      },
    });
    h.client.emit('qr', '2@pairing-ref,key,key,key');
    await wait(80);
    expect(h.clients).toHaveLength(1);
    expect(h.client.destroyed).toBe(false);
    expect(h.logLines.join('')).not.toContain('did not open in time');
  });

  it.each([
    ['auth timeout', 'auth timeout'],
    ['ready timeout', 'ready timeout'],
    ['chat 85291234567@c.us gone', 'string'],
  ])("logs the library's thrown string %j as %j", async (thrown, logged) => {
    const h = await harness({
      ready: false,
      timing: { reconnectInitialMs: 1000 },
      prepareClient: (c, index) => {
        if (index === 0) c.initializeError = thrown;
      },
    });
    await wait(10);
    const line = h.logLines
      .map((l) => JSON.parse(l) as { msg: string; err?: string })
      .find((l) => l.msg.startsWith('could not open WhatsApp Web'));
    expect(line?.err).toBe(logged);
    expect(h.logLines.join('')).not.toContain('85291234567');
  });

  it.each(['LOGOUT', 'UNPAIRED'])(
    'on %s tells the admin how to pair again and does not reconnect',
    async (reason) => {
      const h = await harness();
      h.client.emit('disconnected', reason);
      await wait(10);
      expect(h.clients).toHaveLength(1);
      expect(h.client.destroyed).toBe(true);
      const error = logged(h).find((l) => l.level === 50)!;
      expect(error.msg).toMatch(/^logged out: .*delete the data folder.*scan the new QR code/);
    },
  );

  it('on auth_failure tells the admin to delete the data folder and pair again', async () => {
    const h = await harness({ ready: false });
    h.client.emit('auth_failure', 'restore failed');
    await wait(10);
    expect(h.clients).toHaveLength(1);
    expect(logged(h).find((l) => l.level === 50)!.msg).toMatch(
      /auth_failure.*delete the data folder.*scan the new QR code/,
    );
  });

  it('stop() closes the browser', async () => {
    const h = await harness();
    await h.channel.stop();
    expect(h.client.destroyed).toBe(true);
    expect(await h.say(PHONE_ID, 'Hi')).toEqual([]);
  });

  it.each([
    ['opens', undefined],
    ['fails to open WhatsApp Web', new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/')],
  ])('closes a browser that %s only after stop() (it would keep the process alive)', async (_what, error) => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await harness({
      ready: false,
      prepareClient: (c) => {
        c.initializeGate = gate;
        c.initializeError = error;
      },
    });
    await h.channel.stop();
    const before = h.client.destroyCount;
    release();
    await wait(5);
    expect(h.client.destroyCount).toBe(before + 1);
    expect(h.clients).toHaveLength(1); // and no reconnect after stop
  });
});

describe('WhatsApp channel: privacy', () => {
  it('logs no phone number, WhatsApp id, chat reference or message text', async () => {
    const h = await harness({ timing: { resultIdleMs: 10 } });
    const secretText = 'Madam Chan took my passport 91234567';
    await h.say(PHONE_ID, secretText);
    await h.say(PHONE_ID, '1');
    await answerAll(h, PHONE_ID, 'en', 'word');
    await openIn(h, LID_ID, 'id', 'word');
    await h.say(LID_ID, 'photo', { type: 'image', hasMedia: true });
    h.client.failSends = 1;
    await h.say(LID_ID, secretText);
    await h.say(LID_ID, translator.words('id', 'command.exit.words')[0]!);
    expect(await h.core.store.read(h.ref(LID_ID))).toBeNull(); // the exit did happen
    h.client.emit('disconnected', 'NAVIGATION');
    await wait(20);
    await h.channel.idle();

    const all = h.logLines.join('\n');
    expect(h.logLines.length).toBeGreaterThan(3);
    for (const forbidden of [
      '85291234567',
      '91234567',
      '204169385615532',
      '@c.us',
      '@lid',
      'Madam Chan',
      'passport',
      h.ref(PHONE_ID),
      h.ref(LID_ID),
    ]) {
      expect(all, forbidden).not.toContain(forbidden);
    }
  });
});

describe('WhatsApp channel: contact names and profiles are never read', () => {
  /** Wraps `target` so that every property the channel reads is recorded. */
  function recording<T extends object>(target: T, reads: Set<string>): T {
    return new Proxy(target, {
      get(obj, key, receiver) {
        if (typeof key === 'string') reads.add(key);
        return Reflect.get(obj, key, receiver) as unknown;
      },
    });
  }

  it('reads only the message fields it needs, never the push name, contact or chat', async () => {
    const h = await harness();
    const reads = new Set<string>();
    const profile = {
      notifyName: 'Siti Aminah',
      _data: { notifyName: 'Siti Aminah', from: PHONE_ID },
      getContact: () => Promise.reject(new Error('the contact was read')),
      getChat: () => Promise.reject(new Error('the chat was read')),
    };
    for (const body of ['Hi', '2', 'exit']) {
      h.client.emit('message', recording(libraryMessage(PHONE_ID, body, profile), reads));
      await h.channel.idle();
    }
    h.client.emit('message', recording(libraryMessage(PHONE_ID, '', { ...profile, type: 'image' }), reads));
    await h.channel.idle();
    expect(h.client.sent.length).toBeGreaterThan(2); // it did answer
    const allowed = [
      'id',
      'from',
      'body',
      'type',
      'fromMe',
      'isStatus',
      'broadcast',
      'timestamp',
      'hasMedia',
    ];
    expect([...reads].filter((k) => !allowed.includes(k))).toEqual([]);
    expect(reads.has('notifyName') || reads.has('_data') || reads.has('getContact')).toBe(false);
  });

  it('reads only id, type and time of the chats it sweeps at start-up', async () => {
    const h = await harness({ ready: false, timing: { sessionTtlMs: 1000 } });
    const reads = new Set<string>();
    const original = h.client.getChats.bind(h.client);
    h.client.getChats = async () =>
      (await original()).map((c) =>
        recording({ ...c, name: 'Siti Aminah', getContact: () => Promise.reject(new Error('read')) }, reads),
      );
    h.client.chats = [{ id: '85290000001@c.us', isGroup: false, timestamp: 1 }];
    h.client.emit('ready');
    await h.channel.idle();
    expect(h.client.deletedChats).toEqual(['85290000001@c.us']);
    expect(reads.has('name') || reads.has('getContact')).toBe(false);
  });
});

/** The lines under `title` in `text`, up to the next blank line. */
function section(text: string, title: string): string {
  const start = text.indexOf(`${title}\n`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const body = text.slice(start + title.length + 1);
  const end = body.indexOf('\n\n');
  return end < 0 ? body : body.slice(0, end);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
