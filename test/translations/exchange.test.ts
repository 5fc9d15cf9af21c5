import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { runCheck } from '../../src/check/run-check.js';
import { exportLanguage, importFile } from '../../src/translations/exchange.js';
import { readSourceRecord, sourceHash } from '../../src/translations/record.js';
import { projectCopy, replaceIn } from './project-copy.js';

const TODAY = new Date('2026-12-03T12:00:00Z');
const FOOD_EN = 'Do you have enough to eat every day (food, or a food allowance)?';
const FOOD_EN_NEW = 'Do you get enough food every day (meals, or a food allowance)?';

type Row = Record<'key' | 'language' | 'where' | 'limit' | 'status' | 'english' | 'translation', string>;

const files = (root: string, code: string) =>
  [`locales/${code}/messages.yaml`, `locales/${code}/sources.yaml`, 'locales/STATUS.md'].map((f) =>
    readFileSync(join(root, f), 'utf8'),
  );

/** The lines that differ between two texts. */
function changedLines(a: string, b: string): [string, string][] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]!] as [string, string]]));
}

describe('export and import for translators', () => {
  it('CSV round trip: a broken file is refused with every reason and changes nothing; the fixed file updates exactly that text and its status', () => {
    const root = projectCopy();
    // The English of the food question changes: its translations are now out of date.
    replaceIn(root, 'locales/en/messages.yaml', FOOD_EN, FOOD_EN_NEW);
    const out = join(root, 'zh.csv');
    exportLanguage(root, { lang: 'zh-HK', format: 'csv', out });
    const raw = readFileSync(out, 'utf8');
    expect(raw.charCodeAt(0)).toBe(0xfeff); // Excel reads the file as UTF-8 only with a BOM
    const rows = parse(raw, { bom: true, columns: true }) as Row[];
    const row = (key: string) => rows.find((r) => r.key === key)!;
    expect(row('q.food.text')).toMatchObject({
      language: 'zh-HK',
      status: 'out of date',
      english: FOOD_EN_NEW,
      where: 'question "food"',
    });
    expect(row('q.food.yes').where).toBe('answer button of the question "food"');
    expect(row('q.food.yes').limit).toContain(
      'WhatsApp: reply button title 20, list row title 24, row description 72',
    );
    expect(row('q.wage_amount.text').status).toBe('translated');
    // Chinese has one plural form, so the file asks for that one only.
    expect(rows.filter((r) => r.key.startsWith('result.signs_count_')).map((r) => r.key)).toEqual([
      'result.signs_count_other',
    ]);

    const newFood = '你每天有沒有足夠的食物（三餐，或者膳食津貼）？';
    const write = (edit: (r: Row) => void) => {
      const copy = rows.map((r) => ({ ...r }));
      copy.forEach(edit);
      writeFileSync(
        out,
        stringify(copy, { header: true, bom: true, columns: Object.keys(rows[0]!) }),
        'utf8',
      );
    };
    write((r) => {
      if (r.key === 'q.food.text') r.translation = newFood;
      if (r.key === 'q.wage_amount.text') r.translation = r.translation.replace('{{maw}}', '五千一百');
      if (r.key === 'q.food.no') r.translation = '沒有，不夠，我每天都吃不飽，有時候整天都沒有東西吃';
    });
    const rowOf = (key: string) => rows.findIndex((r) => r.key === key) + 2; // the spreadsheet's row, after the header
    const before = files(root, 'zh-HK');
    const refused = importFile(root, out);
    expect(refused.ok).toBe(false);
    expect(refused.lines.slice(1)).toEqual([
      `  row ${rowOf('q.wage_amount.text')}: q.wage_amount.text: the placeholder {{maw}} is missing; keep it exactly as in the English (the bot puts in the figure there)`,
      `  row ${rowOf('q.food.no')}: q.food.no: this answer button is 53 characters wide with the "2." before it; a phone shows about 40 (a Chinese character counts as 2) and cuts the rest. Shorten it`,
    ]);
    expect(refused.lines[0]).toContain('nothing was imported (2 problems)');
    expect(files(root, 'zh-HK')).toEqual(before);

    write((r) => {
      if (r.key === 'q.food.text') r.translation = newFood;
    });
    const done = importFile(root, out);
    expect(done).toMatchObject({ ok: true, changed: ['q.food.text'] });
    const after = files(root, 'zh-HK');
    expect(changedLines(before[0]!, after[0]!)).toEqual([
      ['    text: "你每天有沒有足夠的食物（或者膳食津貼）？"', `    text: "${newFood}"`],
    ]);
    expect(readSourceRecord(root, 'zh-HK').get('q.food.text')).toEqual({
      en: sourceHash(FOOD_EN_NEW),
      status: 'translated',
    });
    expect(changedLines(before[1]!, after[1]!)).toHaveLength(1);
    expect(after[2]).toMatch(
      /\| zh-HK \| 繁體中文（香港） \| translated, not yet reviewed by a native speaker \| 0 \| \d+ \| 0 \| 0 \| 0 \|/,
    );
    // The check no longer lists it for zh-HK, and still does for the languages not yet updated.
    const lines = runCheck({ root, today: TODAY }).lines;
    expect(lines.some((l) => l.startsWith('locales/zh-HK/messages.yaml') && l.includes('out of date'))).toBe(
      false,
    );
    expect(lines.some((l) => l.startsWith('locales/id/messages.yaml') && l.includes('q.food.text'))).toBe(
      true,
    );
  });

  it('XLIFF 1.2 round trip: a typed-word collision and a lost placeholder are refused, the fixed file is imported', () => {
    const root = projectCopy();
    const out = join(root, 'id.xlf');
    exportLanguage(root, { lang: 'id', format: 'xliff', out });
    const xlf = readFileSync(out, 'utf8');
    expect(xlf).toContain('version="1.2"');
    expect(xlf).toContain('target-language="id"');
    expect(xlf).toMatch(/<trans-unit id="q.food.yes" maxwidth="40" size-unit="char">/);
    const target = (text: string, key: string, to: (t: string) => string) =>
      text.replace(
        new RegExp(
          `(<trans-unit id="${key.replace(/\./g, '\\.')}"[^>]*>[\\s\\S]*?<target>)([\\s\\S]*?)(</target>)`,
        ),
        (_m, a: string, t: string, b: string) => a + to(t) + b,
      );
    let broken = target(xlf, 'words.answer.no', (t) => `${t}, hapus`); // HAPUS is the exit word
    broken = target(broken, 'urgent.text', (t) => t.replace('{{emergency_number}}', '999'));
    broken = target(
      broken,
      'q.food.text',
      () => 'Apakah Anda cukup makan setiap hari (makanan, atau uang makan)?',
    );
    writeFileSync(out, broken, 'utf8');
    const before = files(root, 'id');
    const refused = importFile(root, out);
    expect(refused.ok).toBe(false);
    expect(refused.lines.join('\n')).toContain(
      'words.answer.no: "hapus" in "words.answer.no" is also the exit word "hapus" (id), and command words are read first in every chat: typing it would erase her chat instead of answering',
    );
    expect(refused.lines.join('\n')).toContain(
      'urgent.text: the placeholder {{emergency_number}} is missing',
    );
    expect(refused.lines.every((l, i) => i === 0 || /^ {2}line \d+: /.test(l))).toBe(true);
    expect(files(root, 'id')).toEqual(before);

    writeFileSync(
      out,
      target(xlf, 'q.food.text', () => 'Apakah Anda cukup makan setiap hari (makanan, atau uang makan)?'),
      'utf8',
    );
    expect(importFile(root, out)).toMatchObject({ ok: true, changed: ['q.food.text'] });
    expect(changedLines(before[0]!, files(root, 'id')[0]!)).toHaveLength(1);
  });

  it('XLIFF 2.0 and CSV exported and imported unchanged change nothing', () => {
    const root = projectCopy();
    for (const [lang, format] of [
      ['tl', 'xliff2'],
      ['th', 'csv'],
      ['hi', 'xliff'],
    ] as const) {
      const out = join(root, `${lang}.${format}`);
      exportLanguage(root, { lang, format, out });
      if (format === 'xliff2') {
        expect(readFileSync(out, 'utf8')).toContain('version="2.0"');
        expect(readFileSync(out, 'utf8')).toContain('<unit id="q.food.yes" slr:sizeRestriction="40">');
      }
      const before = files(root, lang);
      expect(importFile(root, out)).toMatchObject({ ok: true, changed: [] });
      expect(files(root, lang)).toEqual(before);
    }
  });

  it('refuses a file for an unknown text, a plural form the language does not have, or English', () => {
    const root = projectCopy();
    const out = join(root, 'x.csv');
    const header = {
      key: '',
      language: 'zh-HK',
      where: '',
      limit: '',
      status: '',
      english: 'x',
      translation: '是',
    };
    writeFileSync(
      out,
      stringify(
        [
          { ...header, key: 'q.fod.text' },
          { ...header, key: 'result.signs_count_one' },
        ],
        { header: true, bom: true },
      ),
      'utf8',
    );
    const r = importFile(root, out);
    expect(r.lines.slice(1)).toEqual([
      '  row 2: q.fod.text: there is no such text in the bot. Did you mean "q.food.text"? Do not change the key column',
      '  row 3: result.signs_count_one: zh-HK has no "one" plural form; its forms are other. Remove this row',
    ]);
    writeFileSync(
      out,
      stringify([{ ...header, language: 'en', key: 'q.food.text' }], { header: true, bom: true }),
      'utf8',
    );
    expect(importFile(root, out).lines[1]).toContain('the file is for English');
    // Saved by Excel in another encoding: the letters are lost, so nothing is read.
    writeFileSync(out, Buffer.from([0x6b, 0x65, 0x79, 0x0a, 0xe0, 0x0a]));
    expect(() => importFile(root, out)).toThrow('the file is not in UTF-8');
  });

  it('reads a spreadsheet saved with ";" between columns (Excel in some countries)', () => {
    const root = projectCopy();
    const out = join(root, 'th.csv');
    exportLanguage(root, { lang: 'th', format: 'csv', out });
    const rows = (parse(readFileSync(out, 'utf8'), { bom: true, columns: true }) as Row[]).map((r) =>
      r.key === 'q.phone.yes' ? { ...r, translation: 'ได้ค่ะ' } : r,
    );
    writeFileSync(out, stringify(rows, { header: true, bom: true, delimiter: ';' }), 'utf8');
    expect(importFile(root, out)).toMatchObject({ ok: true, changed: ['q.phone.yes'] });
  });
});

describe('npm run translations (the command)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/translations.ts', ...args], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });

  it('exports, refuses a broken import with exit code 1 and a reason per row, and says what it needs', () => {
    const root = projectCopy();
    const out = join(root, 'ne.csv');
    const exported = run('export', '--root', root, '--lang', 'ne', '--format', 'csv', '--out', out);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/^\d+ texts written to .*ne\.csv\n$/);
    const rows = (parse(readFileSync(out, 'utf8'), { bom: true, columns: true }) as Row[]).map((r) =>
      r.key === 'urgent.text' ? { ...r, translation: r.translation.replace('{{emergency_number}}', '') } : r,
    );
    writeFileSync(out, stringify(rows, { header: true, bom: true }), 'utf8');
    const refused = run('import', '--root', root, out);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(': urgent.text: the placeholder {{emergency_number}} is missing');
    const noLang = run('export', '--root', root);
    expect([noLang.status, noLang.stderr]).toEqual([
      1,
      'say which language: --lang <code> (e.g. --lang id), or --lang all\n',
    ]);
  });
});
