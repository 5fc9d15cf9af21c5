import { describe, expect, it, vi } from 'vitest';
import { registerCommands } from '../../bots/telegram/bot-commands.js';
import { chatRef } from '../../src/privacy.js';
import { harmlessAnswers } from '../helpers/bundle.js';
import { buttons, type FakeUser } from './fake-telegram.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';

const LANGS = ['en', 'id', 'tl'] as const;

function flowOf(h: TelegramHarness) {
  const bundle = h.core.bundle;
  return bundle.flows.get(bundle.defaultFlowId)!;
}

/** Passport kept by the agency and not allowed to quit: serious signs of forced labour. */
function forcedLabourAnswers(h: TelegramHarness): Record<string, string> {
  return harmlessAnswers(h.core.bundle, { passport: 'agency', can_quit: 'not_allowed' });
}

/** Taps through the whole assessment; stops at the result screen. Returns the number of taps. */
async function completeByTaps(
  h: TelegramHarness,
  user: FakeUser,
  lang: string,
  answers: Record<string, string>,
): Promise<number> {
  let taps = 0;
  for (let guard = 0; guard < 80; guard++) {
    const step = h.currentStep(user);
    if (step === undefined) throw new Error('no question on screen');
    if (flowOf(h).steps.get(step)?.type === 'result') return taps;
    const choice = step === 'language' ? lang : step.includes('!urgent!') ? 'continue' : answers[step];
    if (!choice) throw new Error(`no answer planned for ${step}`);
    await h.tap(user, choice);
    taps++;
  }
  throw new Error('the assessment did not end');
}

/** Types the whole assessment: "yes"/"no" in her language where the answer takes the shared yes/no words, else its number. */
async function completeByTyping(
  h: TelegramHarness,
  user: FakeUser,
  lang: string,
  answers: Record<string, string>,
): Promise<{ typed: number; words: number }> {
  let typed = 0;
  let yesNo = 0;
  for (let guard = 0; guard < 80; guard++) {
    const step = h.currentStep(user);
    if (step === undefined) throw new Error('no question on screen');
    const flowStep = flowOf(h).steps.get(step);
    if (flowStep?.type === 'result') return { typed, words: yesNo };
    const choice = step.includes('!urgent!') ? 'continue' : answers[step];
    if (!choice) throw new Error(`no answer planned for ${step}`);
    const words =
      flowStep?.type === 'question' ? flowStep.choices.find((c) => c.id === choice)?.words : undefined;
    const q = h.fake.lastQuestion(user.id)!;
    const number =
      buttons(q)
        .filter((b) => b.callback_data.startsWith('c|'))
        .findIndex((b) => b.callback_data.endsWith(`|${choice}`)) + 1;
    if (number === 0) throw new Error(`no answer ${choice} on ${step}`);
    const word =
      words === 'words.answer.yes' || words === 'words.answer.no'
        ? h.core.translator.words(lang, words)[0]
        : undefined;
    if (word) yesNo++;
    await h.say(user, word ?? String(number));
    typed++;
  }
  throw new Error('the assessment did not end');
}

describe('a full assessment on Telegram', () => {
  it('by taps, in English: language button, answers, result; every tapped question loses its buttons', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.say(user, '/start');
    const first = h.fake.visible(user.id).at(-1)!;
    expect(first.text).toBe(h.t('en', 'language.choose'));
    // One button per language (in the menu order the flow sets), then "help numbers" and "exit".
    const data = buttons(first).map((b) => b.callback_data);
    expect(data.slice(0, -2).sort()).toEqual(['c|language|en', 'c|language|id', 'c|language|tl']);
    expect(data.slice(-2)).toEqual(['n|contacts', 'n|exit']);

    const taps = await completeByTaps(h, user, 'en', forcedLabourAnswers(h));

    const texts = h.sentTexts(user.id);
    expect(texts).toContain(h.t('en', 'privacy.promise'));
    // The follow-ups of her answers were asked: who keeps her bank card, may she leave now.
    expect(texts).toContain(h.t('en', 'q.bank_card.text'));
    expect(texts).toContain(h.t('en', 'q.leave_now.text'));
    // The short result, then "what now?" with its choices.
    const result = texts.at(-2)!;
    expect(result).toContain(h.t('en', 'result.level.forced_labour_signs.title'));
    expect(result).toContain(h.t('en', 'result.more_hint'));
    expect(result).toContain('999');
    expect(texts.at(-1)).toBe(h.t('en', 'result.next'));
    expect(h.fake.callsOf('answerCallbackQuery')).toHaveLength(taps);
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.step).toBe('result');
    expect(record?.value.s.answers).toMatchObject({
      passport: 'agency',
      bank_card: 'no',
      can_quit: 'not_allowed',
      leave_now: 'no',
    });
    // Only the last screen ("what now?") still has buttons: nothing answered can be tapped again.
    const withButtons = h.fake.visible(user.id).filter((m) => buttons(m).length > 0);
    expect(withButtons).toHaveLength(1);
    expect(buttons(withButtons[0]!).map((b) => b.callback_data.split('|').at(-1))).toEqual([
      'details',
      'contacts',
      'restart',
      'exit',
    ]);
    // Inline keyboards are removed by editing the markup (remove_keyboard does not work for them).
    const edits = h.fake.callsOf('editMessageReplyMarkup');
    expect(edits.length).toBeGreaterThanOrEqual(taps);
    expect(edits.every((c) => JSON.stringify(c.payload.reply_markup) === '{"inline_keyboard":[]}')).toBe(
      true,
    );

    // "Details": her rights for each sign and every help number, then "what now?" again.
    const whatNow = withButtons[0]!;
    const before = h.sentTexts(user.id).length;
    await h.tap(user, 'details');
    const [details, again, ...more] = h.sentTexts(user.id).slice(before);
    expect(more).toEqual([]);
    expect(details).toContain(h.t('en', 'result.signs_title'));
    expect(details).toContain(h.t('en', 'indicator.retention_of_documents.right'));
    expect(details).toContain(h.t('en', 'result.all_contacts_title'));
    // Every way to reach a contact, each number kept on one line (no-break spaces).
    const helpDw = h.core.bundle.contacts.contacts.help_dw!;
    const oneLine = (n: string) => n.replace(/ /g, '\u00a0');
    expect(details).toContain(
      `${h.t('en', 'contacts.way.call', { number: oneLine(helpDw.phone!) })}, ${h.t('en', 'contacts.way.whatsapp', { number: oneLine(helpDw.whatsapp!) })}`,
    );
    expect(details).not.toContain(helpDw.phone!);
    expect(again).toBe(h.t('en', 'result.next'));
    expect(buttons(h.fake.visible(user.id).find((m) => m.id === whatNow.id)!)).toEqual([]);
    expect(h.fake.visible(user.id).filter((m) => buttons(m).length > 0)).toHaveLength(1);
    const after = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(after?.value.s.step).toBe('result');
    expect(after?.value.s.answers).toEqual(record?.value.s.answers);
  });

  for (const lang of ['id', 'tl'] as const) {
    it(`by taps from a leaflet link, in ${lang}: no language question, everything in ${lang}`, async () => {
      const h = new TelegramHarness({ locales: [...LANGS] });
      const user = newUser({ language_code: 'en' });
      await h.say(user, `/start ${lang}-mfmw2026`);
      const texts = () => h.sentTexts(user.id);
      expect(texts()[0]).toBe(h.t(lang, 'privacy.promise'));
      expect(texts()[1]).toBe(h.t(lang, 'q.passport.text'));
      const q = h.fake.lastQuestion(user.id)!;
      expect(buttons(q).map((b) => b.text)).toContain(`1. ${h.t(lang, 'q.passport.self')}`);
      expect(
        buttons(q)
          .slice(-2)
          .map((b) => b.text),
      ).toEqual([h.t(lang, 'nav.contacts'), h.t(lang, 'nav.exit')]);

      await completeByTaps(h, user, lang, forcedLabourAnswers(h));
      expect(texts().some((t) => t.includes(h.t(lang, 'result.level.forced_labour_signs.title')))).toBe(true);
      expect(texts()).not.toContain(h.t('en', 'q.passport.text'));
    });
  }

  for (const lang of LANGS) {
    it(`by typing (numbers and yes/no words) in ${lang}; the buttons of a question answered by typing go too`, async () => {
      const h = new TelegramHarness({ locales: [...LANGS] });
      const user = newUser();
      await h.say(user, `/start ${lang}`);
      const { typed, words } = await completeByTyping(h, user, lang, forcedLabourAnswers(h));
      expect(typed).toBeGreaterThan(10);
      // Yes/no words, not only numbers, were understood.
      expect(words).toBeGreaterThan(5);
      const texts = h.sentTexts(user.id);
      expect(texts.some((t) => t.includes(h.t(lang, 'result.level.forced_labour_signs.title')))).toBe(true);
      expect(texts).not.toContain(h.t(lang, 'input.tap_a_choice'));
      expect(h.fake.visible(user.id).filter((m) => buttons(m).length > 0)).toHaveLength(1);
    });
  }

  it('an urgent answer shows emergency help at once, then the questions go on by tapping "continue"', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    await completeByTaps(h, user, 'en', harmlessAnswers(h.core.bundle, { go_out: 'locked_in' }));
    const texts = h.sentTexts(user.id);
    const urgentAt = texts.findIndex((t) => t.startsWith(h.t('en', 'urgent.text').slice(0, 20)));
    expect(urgentAt).toBeGreaterThan(0);
    expect(texts[urgentAt]).toContain('999');
    expect(texts.some((t) => t.includes(h.t('en', 'result.level.urgent.title')))).toBe(true);
  });
});

describe('deep links from leaflets', () => {
  const cases: [string, string, string | undefined][] = [
    ['id-mfmw2026', 'id', 'mfmw2026'],
    ['ID-Sunday_Central', 'id', 'Sunday_Central'],
    ['tl', 'tl', undefined],
    ['en-', 'en', undefined],
    ['id-this_campaign_code_is_longer_than_thirty_two', 'id', undefined],
  ];
  for (const [payload, lang, campaign] of cases) {
    it(`"/start ${payload}" starts in ${lang}${campaign ? ` for campaign ${campaign}` : ''}`, async () => {
      const h = new TelegramHarness({ locales: [...LANGS] });
      const user = newUser();
      await h.say(user, `/start ${payload}`);
      expect(h.sentTexts(user.id)[0]).toBe(h.t(lang, 'privacy.promise'));
      const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
      expect(record?.value.s.lang).toBe(lang);
      expect(record?.value.s.campaign).toBe(campaign);
    });
  }

  it('an invalid payload in the middle of a conversation starts again, without the campaign', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.say(user, '/start id');
    await h.tap(user, 'self');
    await h.say(user, `/start id-${'x'.repeat(70)}`);
    expect(h.sentTexts(user.id).at(-1)).toBe(h.t('id', 'q.passport.text'));
    expect(h.sentTexts(user.id)).not.toContain(h.t('id', 'input.unknown_command'));
  });

  for (const payload of ['xx-mfmw2026', 'fr', 'id.mfmw', '%F0%9F%98%80', 'a'.repeat(65)]) {
    it(`an invalid payload ("${payload.slice(0, 20)}") is ignored: the language question, as without a link`, async () => {
      const h = new TelegramHarness({ locales: [...LANGS] });
      const user = newUser();
      await h.say(user, `/start ${payload}`);
      expect(h.sentTexts(user.id)).toEqual([h.t('en', 'language.choose')]);
      const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
      expect(record?.value.s.campaign).toBeUndefined();
    });
  }
});

describe('what she may send besides answers', () => {
  const NON_TEXT: Record<string, Record<string, unknown>> = {
    sticker: {
      sticker: {
        file_id: 'CAACAgI',
        file_unique_id: 'AgAD',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    },
    photo: {
      photo: [{ file_id: 'AgACAgU', file_unique_id: 'AQAD', width: 90, height: 67 }],
      caption: 'look',
    },
    voice: { voice: { file_id: 'AwACAgU', file_unique_id: 'AgAD', duration: 4, mime_type: 'audio/ogg' } },
    video: { video: { file_id: 'BAACAgU', file_unique_id: 'AgAD', width: 640, height: 360, duration: 5 } },
    video_note: { video_note: { file_id: 'DQACAgU', file_unique_id: 'AgAD', length: 240, duration: 3 } },
    audio: { audio: { file_id: 'CQACAgU', file_unique_id: 'AgAD', duration: 120 } },
    document: { document: { file_id: 'BQACAgU', file_unique_id: 'AgAD', file_name: 'contract.pdf' } },
    location: { location: { latitude: 22.2819, longitude: 114.1589 } },
    venue: {
      location: { latitude: 22.28, longitude: 114.15 },
      venue: { location: { latitude: 22.28, longitude: 114.15 }, title: 'Park', address: 'Central' },
    },
    contact: { contact: { phone_number: '+85291234567', first_name: 'Ana' } },
    animation: {
      animation: { file_id: 'CgACAgQ', file_unique_id: 'AgAD', width: 320, height: 240, duration: 2 },
      document: { file_id: 'CgACAgQ', file_unique_id: 'AgAD' },
    },
    poll: {
      poll: {
        id: '5',
        question: 'q',
        options: [],
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: true,
        type: 'regular',
        allows_multiple_answers: false,
      },
    },
    dice: { dice: { emoji: '🎲', value: 3 } },
    story: { story: { chat: { id: 1, type: 'private', first_name: 'x' }, id: 1 } },
  };

  for (const [kind, fields] of Object.entries(NON_TEXT)) {
    it(`a ${kind} gets "please use the buttons" in her language and the question again`, async () => {
      const h = new TelegramHarness({ locales: [...LANGS] });
      const user = newUser();
      await h.say(user, '/start id');
      const before = h.sentTexts(user.id).length;
      await h.send(h.fake.userMessage(user, kind, fields));
      const replies = h.sentTexts(user.id).slice(before);
      expect(replies).toEqual([h.t('id', 'input.non_text'), h.t('id', 'q.passport.text')]);
      expect(h.fake.visible(user.id).filter((m) => buttons(m).length > 0)).toHaveLength(1);
    });
  }

  it('a sticker as the very first message starts the conversation', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.send(h.fake.userMessage(user, 'sticker', NON_TEXT.sticker!));
    expect(h.sentTexts(user.id)).toContain(h.t('en', 'language.choose'));
  });

  it("Telegram's own notices in the chat (auto-delete timer) are not answered", async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    const calls = h.fake.calls.length;
    await h.send(
      h.fake.userMessage(user, 'service', {
        message_auto_delete_timer_changed: { message_auto_delete_time: 86400 },
      }),
    );
    expect(h.fake.calls.length).toBe(calls);
  });

  it('commands: /help, /contacts, /language (then a tap changes the language), /restart, and an unknown one', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser();
    await h.say(user, '/start en');
    await h.tap(user, 'self');
    const sent = () => h.sentTexts(user.id);

    let n = sent().length;
    await h.say(user, '/help');
    expect(sent()[n]).toContain(h.t('en', 'help.text'));
    expect(sent()[n + 1]).toBe(h.t('en', 'q.job_promised.text'));

    n = sent().length;
    await h.say(user, '/contacts');
    expect(sent()[n]).toContain(h.t('en', 'contacts.title'));

    n = sent().length;
    await h.say(user, '/language');
    expect(sent()[n]).toBe(h.t('en', 'language.choose'));
    await h.tap(user, 'tl');
    expect(sent().at(-1)).toBe(h.t('tl', 'q.job_promised.text'));

    n = sent().length;
    await h.say(user, '/restart');
    expect(sent().slice(n)).toContain(h.t('tl', 'q.passport.text'));

    n = sent().length;
    await h.say(user, '/weather');
    expect(sent()[n]).toBe(h.t('tl', 'input.unknown_command'));
  });

  it('the "help numbers" button shows the contacts and the question again, and loses its buttons', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    const question = h.fake.lastQuestion(user.id)!;
    await h.tapNav(user, 'contacts');
    const after = h.sentTexts(user.id).slice(-2);
    expect(after[0]).toContain(h.t('en', 'contacts.title'));
    expect(after[0]).toContain('999');
    expect(after[1]).toBe(h.t('en', 'q.passport.text'));
    expect(buttons(h.fake.visible(user.id).find((m) => m.id === question.id)!)).toEqual([]);
  });

  it('a stale button (from a question already answered) says so and shows the current question; the answer stands', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    const passport = h.fake.lastQuestion(user.id)!;
    await h.tap(user, 'self');
    // An old client still shows the passport buttons and she taps one.
    await h.send(h.fake.tap(user, passport.id, 'c|passport|lender', { force: true }));
    expect(h.sentTexts(user.id).slice(-2)).toEqual([
      h.t('en', 'input.old_button'),
      h.t('en', 'q.job_promised.text'),
    ]);
    const record = await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id));
    expect(record?.value.s.answers).toEqual({ passport: 'self' });
  });

  it('an unknown callback payload just shows the current question', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    const q = h.fake.lastQuestion(user.id)!;
    await h.send(h.fake.tap(user, q.id, 'v0:something-old', { force: true }));
    expect(h.sentTexts(user.id).at(-1)).toBe(h.t('en', 'q.passport.text'));
    expect(h.fake.callsOf('answerCallbackQuery')).toHaveLength(1);
  });
});

describe('private chats only', () => {
  it('messages in groups and channels get no answer at all; a button tap there is only acknowledged', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    const group = { id: -1001234567890, type: 'supergroup' as const, title: 'Sunday friends' };
    await h.send(h.fake.userMessage(user, 'text', { text: '/start en' }, group));
    await h.send(
      h.fake.userMessage(user, 'text', { text: 'hello' }, { id: -100777, type: 'group', title: 'x' }),
    );
    await h.send({
      update_id: 1,
      channel_post: {
        message_id: 1,
        date: 0,
        chat: { id: -100555, type: 'channel', title: 'news' },
        text: '/start',
      },
    });
    expect(h.fake.calls).toEqual([]);
    await h.send({
      update_id: 2,
      callback_query: {
        id: '77',
        from: { id: user.id, is_bot: false, first_name: user.first_name },
        chat_instance: '1',
        data: 'n|exit',
        message: { message_id: 3, date: 0, chat: group, text: 'x' } as never,
      },
    });
    expect(h.fake.calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
    expect(h.store.keys.size).toBe(0);
  });
});

describe('when Telegram or the core fails', () => {
  it('a 429 (flood limit) is waited out and the message is sent again (auto-retry)', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    h.fake.failOnce('sendMessage', {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const started = Date.now();
    await h.say(user, '/start');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(h.fake.callsOf('sendMessage')).toHaveLength(2);
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'language.choose'));
  });

  it('a send that fails (she blocked the bot) is logged with the error class only, and nothing crashes', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser({ first_name: 'Lorna' });
    h.fake.failOnce('sendMessage', {
      ok: false,
      error_code: 403,
      description: `Forbidden: bot was blocked by the user ${user.id}`,
    });
    await h.say(user, '/start en');
    const log = h.logLines.join('');
    expect(log).toContain('"err":"GrammyError"');
    expect(log).toContain('"code":403');
    expect(log).not.toContain(String(user.id));
    expect(log).not.toContain('blocked');
    // The next message went out anyway.
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'q.passport.text'));
  });

  it('when the session store is down she still gets the emergency contacts', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    vi.spyOn(h.store, 'read').mockRejectedValue(new Error('connection refused'));
    await h.say(user, '/start en');
    const sent = h.sentTexts(user.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(h.t('en', 'error.sorry'));
    expect(sent[0]).toContain('999');
  });

  it('an unexpected error inside the bot is caught (bot.catch): logged without identifiers, and she gets "sorry" with the contacts', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    const user = newUser({ language_code: 'id' });
    vi.spyOn(h.core.conversations, 'handleExclusive').mockRejectedValueOnce(new TypeError(`bad ${user.id}`));
    await h.say(user, 'halo');
    const sent = h.sentTexts(user.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(h.t('id', 'error.sorry'));
    const log = h.logLines.join('');
    expect(log).toContain('"err":"TypeError"');
    expect(log).not.toContain(String(user.id));
  });
  it('an unexpected error on a button tap: the tap is answered, she gets "sorry" with the contacts, and the next tap goes on', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const user = newUser();
    await h.say(user, '/start en');
    const before = h.sentTexts(user.id).length;
    vi.spyOn(h.core.conversations, 'handleExclusive').mockRejectedValueOnce(new TypeError(`bad ${user.id}`));
    await h.tap(user, 'self');
    const sent = h.sentTexts(user.id).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(h.t('en', 'error.sorry'));
    expect(sent[0]).toContain('999');
    expect(h.fake.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(h.logLines.join('')).not.toContain(String(user.id));
    // Nothing was written: the same question still takes her answer.
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'q.passport.text'));
    await h.tap(user, 'self');
    expect(h.fake.lastQuestion(user.id)?.text).toBe(h.t('en', 'q.job_promised.text'));
  });
});

describe('the command menu', () => {
  it('is registered in English by default and in each language under its two-letter code', async () => {
    const h = new TelegramHarness({ locales: [...LANGS] });
    await registerCommands(h.bot.api, h.core.translator, h.core.bundle.localeCodes, h.logger);
    const calls = h.fake.callsOf('setMyCommands');
    expect(calls.map((c) => c.payload.language_code)).toEqual([undefined, 'id', 'tl']);
    for (const [i, lang] of ['en', 'id', 'tl'].entries()) {
      const commands = calls[i]!.payload.commands as { command: string; description: string }[];
      expect(commands.map((c) => c.command)).toEqual([
        'start',
        'help',
        'contacts',
        'language',
        'restart',
        'exit',
      ]);
      expect(commands.find((c) => c.command === 'exit')?.description).toBe(
        h.t(lang, 'command.exit.description'),
      );
    }
  });

  it('is not fatal when Telegram refuses it', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    h.fake.failOnce('setMyCommands', {
      ok: false,
      error_code: 400,
      description: 'Bad Request: BOT_COMMAND_INVALID',
    });
    await expect(registerCommands(h.bot.api, h.core.translator, ['en'], h.logger)).resolves.toBeUndefined();
    expect(h.logLines.join('')).toContain('could not set the command menu');
  });
});
