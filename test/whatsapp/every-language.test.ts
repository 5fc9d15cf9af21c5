import { afterEach, describe, expect, it } from 'vitest';
import { loadCheckedBundle } from '../../src/app.js';
import type { Step } from '../../src/bundle.js';
import { Translator } from '../../src/i18n.js';
import { whatsappLink } from '../../src/leaflet/links.js';
import { harmlessAnswers } from '../helpers/bundle.js';
import { startHarness, type Harness } from './harness.js';

/*
 * The WhatsApp channel with the languages as shipped (no English filled in): every language's
 * leaflet text starts the questions in that language, every exit word of every language ends the
 * chat with that language's clear-chat line, and the assessment can be answered by number and by
 * typing the answer in every language.
 */

const bundle = loadCheckedBundle();
const translator = new Translator(bundle);
const t = (lang: string, key: string) => translator.t(lang, key);
const flow = bundle.flows.get(bundle.defaultFlowId)!;
const harmless = harmlessAnswers(bundle);
const LANGS = [...bundle.localeCodes];

let running: Harness[] = [];
async function harness(): Promise<Harness> {
  const h = await startHarness(bundle);
  running.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(running.map((h) => h.channel.stop()));
  running = [];
});

/** The text the leaflet's wa.me link fills in for `lang` (as `npm run leaflet` makes it). */
function leafletText(lang: string, campaign: string): string {
  const link = whatsappLink('85212345678', lang, campaign, translator.words(lang, 'command.start.words')[0]);
  return new URL(link).searchParams.get('text')!;
}

async function currentStep(h: Harness, chatId: string): Promise<Step | undefined> {
  const record = await h.core.store.read(h.ref(chatId));
  return record ? flow.steps.get(record.value.s.step) : undefined;
}

it('ships the eight languages these tests walk through', () => {
  expect(LANGS).toEqual(expect.arrayContaining(['en', 'zh-HK', 'id', 'tl', 'th', 'ne', 'si', 'hi']));
});

describe.each(LANGS)('WhatsApp in %s', (lang) => {
  it('the leaflet text (start word in capitals, language, campaign) starts the questions in it', async () => {
    const text = leafletText(lang, 'mfmw2026');
    const word = translator.words(lang, 'command.start.words')[0]!;
    expect(text).toBe(`${word.toLocaleUpperCase()} ${lang}-mfmw2026`);
    const h = await harness();
    const replies = await h.say('85291234567@c.us', text);
    expect(replies[0]).toBe(t(lang, 'privacy.promise'));
    expect(replies.at(-1)).toContain(t(lang, 'q.passport.text'));
    expect(h.events[0]).toEqual({ type: 'started', lang, campaign: 'mfmw2026' });
  });

  it('every exit word ends the chat: clear-chat line in her language, messages revoked, chat removed, session wiped', async () => {
    const h = await harness();
    const words = translator.words(lang, 'command.exit.words');
    expect(words.length).toBeGreaterThan(0);
    for (const [i, word] of words.entries()) {
      const chatId = `8529${String(1000000 + i)}@c.us`;
      await h.say(chatId, leafletText(lang, 'x'));
      await h.say(chatId, '1');
      const before = h.client.sent.filter((s) => s.chatId === chatId);
      const replies = await h.say(chatId, word);
      expect(replies, `${lang} "${word}"`).toEqual([
        `${t(lang, 'exit.done')}\n${t(lang, 'exit.clear_chat')}`,
      ]);
      expect(
        before.every((s) => s.deletedForEveryone),
        `${lang} "${word}" revoked`,
      ).toBe(true);
      expect(h.client.deletedChats.at(-1)).toBe(chatId);
      expect(await h.core.store.read(h.ref(chatId))).toBeNull();
    }
    // The English word works in her language too, and answers in her language.
    await h.say('85298888888@c.us', leafletText(lang, 'x'));
    expect(await h.say('85298888888@c.us', 'EXIT')).toEqual([
      `${t(lang, 'exit.done')}\n${t(lang, 'exit.clear_chat')}`,
    ]);
  });

  it('a voice note gets the "please reply with a number" line in her language', async () => {
    const h = await harness();
    await h.say('85291234567@c.us', leafletText(lang, 'x'));
    const replies = await h.say('85291234567@c.us', '', { type: 'ptt', hasMedia: true });
    expect(replies[0]).toBe(t(lang, 'input.non_text'));
    expect(replies[1]).toContain(t(lang, 'q.passport.text'));
  });

  it.each(['number', 'word'] as const)('the whole assessment can be answered by %s', async (by) => {
    const h = await harness();
    const chatId = '204169385615532@lid';
    await h.say(chatId, leafletText(lang, 'x'));
    let last: string[] = [];
    for (let i = 0; i < 40; i++) {
      const step = await currentStep(h, chatId);
      if (step?.type !== 'question') break;
      const index = step.choices.findIndex((c) => c.id === harmless[step.id]);
      const typed = by === 'number' ? String(index + 1) : t(lang, step.choices[index]!.label);
      last = await h.say(chatId, typed);
      expect((await currentStep(h, chatId))?.id, `${lang}: "${typed}" answers ${step.id}`).not.toBe(step.id);
    }
    expect((await currentStep(h, chatId))?.type).toBe('result');
    expect(last.join('\n')).toContain(t(lang, 'result.level.no_signs.title'));
    expect(h.events.find((e) => e.type === 'completed')).toMatchObject({ lang, level: 'no_signs' });
  });
});
