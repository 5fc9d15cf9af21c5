import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../bots/telegram/bot-commands.js';
import { PROJECT_ROOT } from '../../src/app.js';
import { chatRef } from '../../src/privacy.js';
import { harmlessAnswers } from '../helpers/bundle.js';
import type { FakeUser } from './fake-telegram.js';
import { newUser, TelegramHarness, TEST_SECRET } from './harness.js';

/** Every language the bot ships (a folder under locales/), English first. */
const SHIPPED = readdirSync(join(PROJECT_ROOT, 'locales'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
  .map((d) => d.name)
  .sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));

/** The two-letter code Telegram's clients report, which the command menus are keyed by. */
const MENU_CODE: Record<string, string> = {
  'zh-HK': 'zh',
  id: 'id',
  tl: 'tl',
  th: 'th',
  ne: 'ne',
  si: 'si',
  hi: 'hi',
};

it('the bot ships the eight languages this suite expects', () => {
  expect([...SHIPPED].sort()).toEqual(['en', 'hi', 'id', 'ne', 'si', 'th', 'tl', 'zh-HK']);
});

/** Nothing of the conversation is left: only the neutral line, and no session. */
async function expectErased(h: TelegramHarness, user: FakeUser, lang: string): Promise<void> {
  const left = h.fake.visible(user.id);
  expect(left.map((m) => m.text)).toEqual([h.t(lang, 'exit.done')]);
  const asked = new Set([
    ...h.fake
      .callsOf('deleteMessages')
      .flatMap((c) => (Number(c.payload.chat_id) === user.id ? (c.payload.message_ids as number[]) : [])),
  ]);
  for (let id = 1; id < left[0]!.id; id++) expect(asked.has(id), `message ${id} was not deleted`).toBe(true);
  expect(await h.store.read(chatRef(TEST_SECRET, 'telegram', user.id))).toBeNull();
}

describe('deep links from leaflets, in every language', () => {
  for (const lang of SHIPPED) {
    it(`/start ${lang}-mfmw2026: no language question, the privacy note and first question in ${lang}; the campaign is dropped once counted`, async () => {
      const events: { type: string; campaign?: string }[] = [];
      const h = new TelegramHarness({ locales: SHIPPED, onEvent: (e) => void events.push(e) });
      const user = newUser({ language_code: 'en' });
      await h.say(user, `/start ${lang}-mfmw2026`);
      expect(h.sentTexts(user.id)).toEqual([h.t(lang, 'privacy.promise'), h.t(lang, 'q.passport.text')]);
      const ref = chatRef(TEST_SECRET, 'telegram', user.id);
      expect((await h.store.read(ref))?.value.s).toMatchObject({ lang, campaign: 'mfmw2026' });

      // Through to the result by taps: the campaign goes into the anonymous count and out of the session.
      const answers = harmlessAnswers(h.core.bundle);
      for (let guard = 0; guard < 40 && h.currentStep(user) !== 'result'; guard++) {
        const step = h.currentStep(user)!;
        if (h.core.bundle.flows.get(h.core.bundle.defaultFlowId)!.steps.get(step)?.type === 'result') break;
        await h.tap(user, answers[step]!);
      }
      expect(events.find((e) => e.type === 'completed')?.campaign).toBe('mfmw2026');
      expect((await h.store.read(ref))?.value.s.campaign).toBeUndefined();
      expect(h.store.written.at(-1)).not.toContain('mfmw2026');
    });
  }

  it('the language code in any letter case; an unknown language or a bad payload is ignored', async () => {
    const h = new TelegramHarness({ locales: SHIPPED });
    for (const [payload, lang] of [
      ['ZH-hk-central', 'zh-HK'],
      ['NE', 'ne'],
      ['si-x', 'si'],
    ] as const) {
      const user = newUser();
      await h.say(user, `/start ${payload}`);
      expect(h.sentTexts(user.id)[0]).toBe(h.t(lang, 'privacy.promise'));
    }
    for (const payload of ['bn-mfmw', 'zh', 'zh-TW-x', 'hi_mfmw', '👋']) {
      const user = newUser();
      await h.say(user, `/start ${payload}`);
      expect(h.sentTexts(user.id), payload).toEqual([h.t('en', 'language.choose')]);
    }
  });
});

describe('the command menu in every language', () => {
  it('one setMyCommands per language, each in its own words and within Telegram limits', async () => {
    const h = new TelegramHarness({ locales: SHIPPED });
    await registerCommands(h.bot.api, h.core.translator, h.core.bundle.localeCodes, h.logger);
    const calls = h.fake.callsOf('setMyCommands');
    expect(calls.map((c) => c.payload.language_code ?? 'default').sort()).toEqual(
      ['default', ...Object.values(MENU_CODE)].sort(),
    );
    const english = calls.find((c) => c.payload.language_code === undefined)!;
    for (const lang of SHIPPED) {
      const call = lang === 'en' ? english : calls.find((c) => c.payload.language_code === MENU_CODE[lang])!;
      const commands = call.payload.commands as { command: string; description: string }[];
      expect(commands.map((c) => c.command)).toEqual([
        'start',
        'help',
        'contacts',
        'language',
        'restart',
        'exit',
      ]);
      for (const c of commands) {
        expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(c.description.length).toBeGreaterThanOrEqual(1);
        expect(c.description.length).toBeLessThanOrEqual(256);
        expect(c.description).toBe(h.t(lang, `command.${c.command}.description`));
      }
      if (lang !== 'en') {
        const exit = commands.find((c) => c.command === 'exit')!.description;
        expect(exit, `the ${lang} menu is in English`).not.toBe(h.t('en', 'command.exit.description'));
      }
    }
  });
});

describe('the exit word of every language, typed at any point, erases the conversation', () => {
  let clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  const h = new TelegramHarness({ locales: SHIPPED, now: () => clock });
  const urgentPath = harmlessAnswers(h.core.bundle, { go_out: 'locked_in' });
  const flow = h.core.bundle.flows.get(h.core.bundle.defaultFlowId)!;

  /** Taps on through the questions until `stop` says she is there. */
  async function tapUntil(user: FakeUser, stop: (step: string) => boolean): Promise<void> {
    for (let guard = 0; guard < 40; guard++) {
      const step = h.currentStep(user)!;
      if (stop(step)) return;
      await h.tap(user, step.includes('!urgent!') ? 'continue' : urgentPath[step]!);
    }
    throw new Error('did not get there');
  }

  /** Where she may be when she types the exit word, and the language the neutral line is in. */
  const POINTS: [string, (user: FakeUser, lang: string) => Promise<string>][] = [
    ['as her very first message', async () => 'en'],
    [
      'on the language question',
      async (user) => {
        await h.say(user, '/start');
        return 'en';
      },
    ],
    [
      'in the middle, chatting in her language',
      async (user, lang) => {
        await h.say(user, `/start ${lang}`);
        await h.tap(user, 'self');
        await h.say(user, '1');
        return lang;
      },
    ],
    [
      'in the middle of a chat in another language',
      async (user, lang) => {
        const other = lang === 'en' ? 'id' : 'en';
        await h.say(user, `/start ${other}`);
        await h.tap(user, 'self');
        return other;
      },
    ],
    [
      'while changing the language',
      async (user, lang) => {
        await h.say(user, `/start ${lang}`);
        await h.say(user, '/language');
        return lang;
      },
    ],
    [
      'on the urgent-help screen',
      async (user, lang) => {
        await h.say(user, `/start ${lang}`);
        await tapUntil(user, (s) => s.includes('!urgent!'));
        return lang;
      },
    ],
    [
      'on the result screen',
      async (user, lang) => {
        await h.say(user, `/start ${lang}`);
        await tapUntil(user, (s) => flow.steps.get(s)?.type === 'result');
        return lang;
      },
    ],
    [
      'when asked "continue where you left off?" after a pause',
      async (user, lang) => {
        await h.say(user, `/start ${lang}`);
        await h.tap(user, 'self');
        clock += 45 * 60_000;
        await h.say(user, 'hello');
        expect(h.sentTexts(user.id).at(-1)).toBe(h.t(lang, 'session.resume_question'));
        return lang;
      },
    ],
  ];

  for (const lang of SHIPPED) {
    const words = h.core.translator.words(lang, 'command.exit.words');
    it(`${lang}: has exit words`, () => expect(words.length).toBeGreaterThan(0));
    for (const [where, goThere] of POINTS) {
      it(`${lang}: each of ${words.length} exit words ${where}`, async () => {
        for (const word of words) {
          const user = newUser();
          const shownIn = await goThere(user, lang);
          await h.say(user, word);
          await expectErased(h, user, shownIn);
        }
      });
    }
    it(`${lang}: typed with capitals and punctuation ("${words[0]!.toUpperCase()}!")`, async () => {
      const user = newUser();
      await h.say(user, `/start ${lang}`);
      await h.say(user, ` ${words[0]!.toUpperCase()}! `);
      await expectErased(h, user, lang);
    });
  }
});

describe('discretion on the lock screen', () => {
  /**
   * Words that would give the purpose away in a notification preview, in the bot's languages.
   * Not every way to say it, but the ones a translator is most likely to reach for.
   */
  const GIVEAWAYS = [
    /traffick/i,
    /forced labou?r/i,
    /\babuse/i,
    /exploit/i,
    /victim/i,
    /slave/i,
    /\brescue/i,
    /\bpolice\b/i,
    /perdagangan orang/i,
    /kerja paksa/i,
    /korban/i,
    /biktima/i,
    /sapilitan/i,
    /販賣|販運|強迫勞動|受害|虐待/,
    /ค้ามนุษย์|แรงงานบังคับ|เหยื่อ/,
    /तस्करी|बंधुआ|बँधुवा|शोषण|पीड़ित|पीडित/,
    /ජාවාරම|වහල්|ගොදුර/,
  ];
  const check = (what: string, text: string | undefined) => {
    expect(text, what).toBeDefined();
    for (const w of GIVEAWAYS) expect(text, `${what} contains ${w}`).not.toMatch(w);
  };

  for (const lang of SHIPPED) {
    it(`${lang}: the first messages and the line left after an exit say nothing about the subject`, async () => {
      const h = new TelegramHarness({ locales: SHIPPED });
      const first = newUser({ language_code: lang });
      await h.say(first, '/start');
      check('the first message', h.sentTexts(first.id)[0]);
      const fromLeaflet = newUser();
      await h.say(fromLeaflet, `/start ${lang}-mfmw2026`);
      const [promise, question] = h.sentTexts(fromLeaflet.id);
      check('the privacy note', promise);
      check('the first question', question);
      await h.say(fromLeaflet, 'exit');
      check('the line left after an exit', h.sentTexts(fromLeaflet.id).at(-1));
      for (const c of ['start', 'help', 'contacts', 'language', 'restart', 'exit'])
        check(`the menu entry /${c}`, h.t(lang, `command.${c}.description`));
    });
  }
});
