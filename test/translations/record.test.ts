import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { LOCALE_STATUS_FILE, localeSummaries } from '../../src/check/locale-status.js';
import { runCheck } from '../../src/check/run-check.js';
import { readLocales } from '../../src/locales.js';
import {
  markTranslations,
  statusFile,
  TranslationsError,
  writeFilesTogether,
} from '../../src/translations/mark.js';
import { readSourceRecord, sourceHash } from '../../src/translations/record.js';
import { projectCopy, replaceIn } from './project-copy.js';

const OTHERS = ['hi', 'id', 'ne', 'si', 'th', 'tl', 'zh-HK'];
const TODAY = new Date('2026-12-03T12:00:00Z');
const FOOD_EN = 'text: "Do you have enough to eat every day (food, or a food allowance)?"';
const FOOD_EN_NEW = 'text: "Do you get enough food every day (meals, or a food allowance)?"';

/** The check's line about the out-of-date texts of one language. */
const outOfDateLine = (lines: string[], code: string) =>
  lines.find(
    (l) => l.startsWith(`locales/${code}/messages.yaml:`) && l.includes('out of date (the English changed'),
  );

describe('the translation record', () => {
  it('changing an English text makes npm run check list it as out of date in the seven other languages', () => {
    const root = projectCopy();
    const before = runCheck({ root, today: TODAY });
    for (const code of OTHERS) expect(outOfDateLine(before.lines, code), code).toBeUndefined();

    replaceIn(root, 'locales/en/messages.yaml', FOOD_EN, FOOD_EN_NEW);
    const after = runCheck({ root, today: TODAY });
    for (const code of OTHERS) {
      const line = outOfDateLine(after.lines, code);
      expect(line, code).toContain(': warning: 1 text of');
      expect(line, code).toContain(': q.food.text.');
      expect(line, code).toContain(`npm run translations -- mark --lang ${code} --keys q.food.text`);
    }
    expect(after.exitCode).toBe(0);
    // The table is now out of step with the record, and says so until it is written again.
    expect(after.lines).toContain(
      `${LOCALE_STATUS_FILE}:1:1: warning: the translation status table is not up to date with the record in locales/<code>/sources.yaml. Write it again: npm run translations -- status`,
    );
    writeFilesTogether([statusFile(root)]);
    const table = readFileSync(join(root, LOCALE_STATUS_FILE), 'utf8');
    expect(table).toMatch(/\| id \| Bahasa Indonesia \| partly out of date \| 0 \| \d+ \| 1 \| 0 \| 0 \|/);
    expect(runCheck({ root, today: TODAY }).lines.filter((l) => l.startsWith(LOCALE_STATUS_FILE))).toEqual(
      [],
    );

    // Before leaflets are printed, an out-of-date text is an error: she would read what the English no longer says.
    const launch = runCheck({ root, today: TODAY, launch: true });
    for (const code of OTHERS)
      expect(outOfDateLine(launch.lines, code), code).toContain(': error: 1 text of');
    expect(launch.exitCode).toBe(1);
  });

  it('mark with no --keys records only texts added since, so an out-of-date text stays out of date', () => {
    const root = projectCopy();
    replaceIn(root, 'locales/en/messages.yaml', FOOD_EN, FOOD_EN_NEW);
    // A key added to every language after the last mark (as a merge of another change does).
    for (const code of ['en', ...OTHERS]) {
      const file = `locales/${code}/messages.yaml`;
      replaceIn(root, file, '\nnav:\n', '\nnav:\n  later: "Added later"\n');
    }
    const lines = runCheck({ root, today: TODAY }).lines;
    expect(
      lines.find(
        (l) => l.startsWith('locales/tl/messages.yaml:') && l.includes('no recorded English source'),
      ),
    ).toContain(
      '1 text of tl has no recorded English source (added since the last "mark"): nav.later. Once they are checked against the English, record them: npm run translations -- mark --lang tl',
    );

    const report = markTranslations(root, { lang: 'all' });
    expect(report).toContain('tl: 1 text recorded as translated from the current English');
    const tl = readSourceRecord(root, 'tl');
    expect(tl.get('nav.later')).toEqual({ en: sourceHash('Added later'), status: 'translated' });
    const after = runCheck({ root, today: TODAY }).lines;
    expect(after.some((l) => l.includes('no recorded English source'))).toBe(false);
    expect(outOfDateLine(after, 'tl')).toContain('q.food.text');

    // Once the translation is updated, marking that key clears it.
    markTranslations(root, { lang: 'tl', keys: ['q.food.text'] });
    expect(outOfDateLine(runCheck({ root, today: TODAY }).lines, 'tl')).toBeUndefined();
    expect(outOfDateLine(runCheck({ root, today: TODAY }).lines, 'id')).toContain('q.food.text');
  });

  it('a review by a native speaker is recorded with who and when, and shows in the table', () => {
    const root = projectCopy();
    expect(() => markTranslations(root, { lang: 'ne', reviewed: true })).toThrow(TranslationsError);
    expect(() => markTranslations(root, { lang: 'xx' })).toThrow('there is no language "xx"');
    markTranslations(root, { lang: 'ne', reviewed: true, by: 'Nepali volunteers', on: '2026-12-01' });
    const table = readFileSync(join(root, LOCALE_STATUS_FILE), 'utf8');
    expect(table).toMatch(
      /\| ne \| नेपाली \| reviewed \| \d+ \| 0 \| 0 \| 0 \| 0 \| Nepali volunteers, 2026-12-01 \|/,
    );
    expect(table).toContain('Why Hindi and not Bengali'); // the maintainers' notes are kept
    // A reviewed text whose English changes is out of date again, not reviewed.
    replaceIn(root, 'locales/en/messages.yaml', FOOD_EN, FOOD_EN_NEW);
    const ne = localeSummaries(root, readLocales(root).locales).find((s) => s.code === 'ne')!;
    expect(ne.keys['out of date']).toEqual(['q.food.text']);
  });

  it('the shipped table is the one the record gives, every shipped text is recorded, and none is reviewed yet', () => {
    const { locales } = readLocales(PROJECT_ROOT);
    for (const s of localeSummaries(PROJECT_ROOT, locales)) {
      expect([
        s.code,
        s.counts['not recorded'],
        s.counts['out of date'],
        s.counts.missing,
        s.counts.reviewed,
      ]).toEqual([s.code, 0, 0, 0, 0]);
    }
    expect(readFileSync(join(PROJECT_ROOT, LOCALE_STATUS_FILE), 'utf8')).toBe(statusFile(PROJECT_ROOT).text);
  });
});
