import { setImmediate as tick } from 'node:timers/promises';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore, loadCheckedBundle } from '../../src/app.js';
import type { Input } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { isoWeek } from '../../src/stats/iso-week.js';
import { MemoryStatsCounter } from '../../src/stats/memory-counter.js';
import { formatReportCsv, formatReportText } from '../../src/stats/report-format.js';
import { readStatsReport, type StatsReport } from '../../src/stats/report.js';
import { Translator } from '../../src/i18n.js';
import { parseCsv } from './csv.js';
import { bundleReportOptions, runStatsCommand, StatsCommandError } from '../../src/stats/stats-command.js';
import { harmlessAnswers } from '../helpers/bundle.js';

/*
 * The NGO report from real conversations: scripted assessments go through the real core, whose
 * events feed the counter exactly as in src/main.ts; the report must never print a count under 10.
 */

const bundle = loadCheckedBundle();
const NOW = Date.UTC(2026, 11, 2, 4); // a Wednesday: the whole run falls in one ISO week
const WEEK = isoWeek(NOW);
const silent = createLogger('silent');

/** A core whose events are counted, as the main job wires it. */
function countedCore() {
  const counter = new MemoryStatsCounter(undefined, () => NOW);
  const core = createCore({
    bundle,
    config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
    logger: silent,
    onEvent: (event, channel) => counter.recordEvent(event, channel, NOW),
    now: () => NOW,
  });
  return { core, counter };
}

let chatNo = 0;
/** One whole assessment: harmless answers unless `answers` says otherwise; `exitAt` quits at that step. */
async function assessment(
  core: ReturnType<typeof countedCore>['core'],
  o: { lang: string; campaign?: string; channel?: string; answers?: Record<string, string>; exitAt?: string },
): Promise<void> {
  const ref = `test-chat-${chatNo++}`;
  const answers = harmlessAnswers(bundle, o.answers);
  const send = (input: Input) => core.conversations.handle(ref, input, { channel: o.channel ?? 'telegram' });
  let out = await send({ kind: 'start', lang: o.lang, ...(o.campaign ? { campaign: o.campaign } : {}) });
  for (let turns = 0; turns < 60; turns++) {
    const q = out.messages.filter((m) => m.type === 'question').at(-1);
    if (!q || q.type !== 'question') throw new Error('no question on screen');
    if (q.id === 'result') break;
    if (q.id === o.exitAt) {
      out = await send({ kind: 'command', command: 'exit' });
      break;
    }
    // An urgent answer's follow-up ("go on with the questions?") is not a flow step: continue.
    const id = answers[q.id] ?? q.choices.find((c) => c.id === 'continue')?.id ?? q.choices[0]!.id;
    // A scripted answer the question does not have would only repeat the question until the turns run out.
    if (!q.choices.some((c) => c.id === id)) {
      throw new Error(`${q.id} has no answer "${id}" (it has ${q.choices.map((c) => c.id).join(', ')})`);
    }
    out = await send({ kind: 'choice', id, step: q.id });
  }
  // Every scripted conversation ends: at the result, or with the exit it asked for.
  const last = out.messages.filter((m) => m.type === 'question').at(-1);
  if (!out.exit && (last?.type !== 'question' || last.id !== 'result'))
    throw new Error(`${ref} did not reach the result`);
  await tick(); // events are counted after the turn, off the user's path
}

/** A morning of outreach: Indonesian and Tagalog assessments at every level, and one early exit. */
async function batch(core: ReturnType<typeof countedCore>['core']): Promise<void> {
  // Indonesian: 14 with no signs, and 4 each at the other three levels (12 in the small cells,
  // so the row total gives away nothing: "12 somewhere in three cells under 10").
  for (let i = 0; i < 14; i++) await assessment(core, { lang: 'id', campaign: 'mfmw2026' });
  for (let i = 0; i < 4; i++) {
    await assessment(core, { lang: 'id', campaign: 'mfmw2026', answers: { rest_day: 'no' } });
    await assessment(core, {
      lang: 'id',
      campaign: 'mfmw2026',
      answers: { passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' },
    });
    await assessment(core, { lang: 'id', campaign: 'mfmw2026', answers: { go_out: 'locked_in' } });
  }
  // Tagalog: 11 with no signs and 2 with serious signs; the total would give the 2 away.
  for (let i = 0; i < 11; i++) await assessment(core, { lang: 'tl', channel: 'whatsapp' });
  for (let i = 0; i < 2; i++) {
    await assessment(core, {
      lang: 'tl',
      answers: { passport: 'employer', can_quit: 'not_allowed', leave_now: 'no' },
    });
  }
  await assessment(core, { lang: 'en', exitAt: 'wages' });
}

/** Every cell of the CSV: [value, suppressed]. */
function printedValues(csv: string): [string, string][] {
  return parseCsv(csv)
    .slice(1)
    .map((l) => [l[6]!, l[7]!]);
}

/** A printed count is empty with a reason, or at least 10; a percentage is any number. */
function expectSafe(csv: string): void {
  for (const [value, suppressed] of printedValues(csv)) {
    if (value === '') expect(suppressed).toMatch(/^(<10|complementary)$/);
    else expect(suppressed).toBe('');
  }
  for (const l of parseCsv(csv).slice(1))
    if (l[5] === 'count' && l[6] !== '') expect(Number(l[6])).toBeGreaterThanOrEqual(10);
}

const reportOptions = () => bundleReportOptions(bundle, [WEEK]);
const cellOf = (report: StatsReport, table: string, row: string, column: string) => {
  const t = report.tables.find((x) => x.id === table)!;
  return t.rows.find((r) => r.id === row)!.cells[t.columns.findIndex((c) => c.id === column)]!;
};

describe('NGO report from scripted conversations', () => {
  it('a single conversation never appears as a count of 1 (nor any count under 10) anywhere', async () => {
    const { core, counter } = countedCore();
    await assessment(core, {
      lang: 'id',
      campaign: 'mfmw2026',
      answers: { passport: 'agency', can_quit: 'not_allowed', leave_now: 'no' },
    });
    const raw = await counter.readWeeks([WEEK]);
    // The counter did count her (so the test is about the report, not an empty counter) ...
    expect(raw[0]!.counts['c|id|mfmw2026|telegram|forced_labour_signs']).toBe(1);
    expect(raw[0]!.counts['i|id|retention_of_documents']).toBe(1);
    expect(raw[0]!.counts['s|id']).toBe(1);
    expect(raw[0]!.counts['q|id|passport']).toBe(1);
    // ... and the report shows no number under 10, nor her campaign code.
    const report = await readStatsReport(counter, reportOptions());
    const csv = formatReportCsv(report);
    const text = formatReportText(report);
    expectSafe(csv);
    expect(printedValues(csv).map(([v]) => v)).not.toContain('1');
    expect(csv).not.toContain('mfmw2026');
    expect(text).not.toContain('mfmw2026');
    // In the text tables, no cell is a lone small number either.
    for (const line of text.split('\n').filter((l) => / {2}/.test(l))) {
      for (const cell of line.split(/\s{2,}/).slice(1)) expect(cell.trim()).not.toMatch(/^\d$/);
    }
  });

  it('a batch shows the counts of 10 or more, hides the small ones, and the hidden ones cannot be subtracted out', async () => {
    const { core, counter } = countedCore();
    await batch(core);
    // Each scripted conversation reached the result at the level it was written for (the early exit did not).
    const counts = (await counter.readWeeks([WEEK]))[0]!.counts;
    // Where workers stop: everyone reached the first question; the early exit reached "wages" and no further.
    expect(counts['q|id|passport']).toBe(26);
    expect(counts['q|tl|passport']).toBe(13);
    expect(counts['q|en|wages']).toBe(1);
    expect(counts['q|en|rest_day']).toBeUndefined();
    expect(Object.fromEntries(Object.entries(counts).filter(([f]) => !f.startsWith('q|')))).toEqual({
      's|id': 26,
      'c|id|mfmw2026|telegram|no_signs': 14,
      'c|id|mfmw2026|telegram|rights_violations': 4,
      'c|id|mfmw2026|telegram|forced_labour_signs': 4,
      'c|id|mfmw2026|telegram|urgent': 4,
      'i|id|rest_day_denied': 4,
      'i|id|retention_of_documents': 4,
      'i|id|cannot_leave': 4,
      'i|id|restriction_of_movement': 4,
      's|tl': 13,
      'c|tl|-|whatsapp|no_signs': 11,
      'c|tl|-|telegram|forced_labour_signs': 2,
      'i|tl|retention_of_documents': 2,
      'i|tl|cannot_leave': 2,
      's|en': 1,
      'x|en': 1,
    });

    const report = await readStatsReport(counter, reportOptions());
    // The whole period: 39 of the 40 who started finished; the early exit is one of the "<10".
    expect(cellOf(report, 'summary_by_language', 'id', 'completed')).toEqual({ value: 26 });
    expect(cellOf(report, 'summary_by_language', 'en', 'exited')).toEqual({
      value: null,
      suppressed: 'small',
    });
    expect(cellOf(report, 'summary_by_campaign', 'mfmw2026', 'completed')).toEqual({ value: 26 });
    expect(cellOf(report, 'summary_by_level', 'no_signs', 'completed')).toEqual({ value: 25 });
    expect(cellOf(report, 'summary_by_level', 'urgent', 'completed')).toEqual({
      value: null,
      suppressed: 'small',
    });
    // tl: 13 completions, 2 of them by Telegram; whatever shows, the 2 cannot be worked out.
    expect(cellOf(report, 'summary_by_sign', 'retention_of_documents', 'share').suppressed).toBe('small');
    expect(cellOf(report, 'funnel_by_question', 'passport', 'id')).toEqual({ value: 26 });

    const csv = formatReportCsv(report);
    expectSafe(csv);
    // No row or column with a printed total has exactly one hidden count (it could be subtracted out).
    for (const t of report.tables) {
      const allColumn = t.columns.findIndex((c) => c.id === 'all');
      if (allColumn < 0) continue;
      for (const r of t.rows) {
        if (r.cells[allColumn]!.value === null) continue;
        const hidden = r.cells.slice(0, allColumn).filter((c) => c.value === null);
        expect(hidden.length, `${t.id} ${r.id}`).not.toBe(1);
      }
    }
  });
});

describe('npm run stats (runStatsCommand)', () => {
  it('prints the tables and writes the same values as CSV', async () => {
    const { core, counter } = countedCore();
    await batch(core);
    const dir = mkdtempSync(join(tmpdir(), 'stats-'));
    let printed = '';
    const done = await runStatsCommand({
      argv: ['--weeks', '3', '--csv', join(dir, 'out.csv')],
      bundle,
      openCounter: async () => counter,
      write: (t) => (printed += t),
      now: NOW,
    });
    expect(done?.csvPath).toBe(join(dir, 'out.csv'));
    const csv = readFileSync(join(dir, 'out.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('table,row_id,row_name,column_id,column_name,unit,value,suppressed');
    expect(csv).toContain('summary_by_language,id,Indonesian,completed,Completed,count,26,\n');
    expect(csv).toContain(
      'summary_by_level,urgent,Urgent: may be in danger now,completed,Completed,count,,<10\n',
    );
    expect(printed.indexOf('=== Whole period')).toBeLessThan(printed.indexOf('=== Week by week'));
    expect(printed).toMatch(/\nIndonesian +26 +26 +<10\n/);
    // The text rows and the CSV lines say the same.
    const csvRow = parseCsv(csv)
      .filter((l) => l[0] === 'summary_by_language' && l[1] === 'tl')
      .map((l) => (l[6] === '' ? (l[7] === '<10' ? '<10' : 'x') : l[5] === 'percent' ? `${l[6]}%` : l[6]));
    const textRow = printed
      .split('\n')
      .find((l) => l.startsWith('Filipino '))!
      .trim()
      .split(/\s+/)
      .slice(1);
    expect(textRow).toEqual(csvRow);
    expect(printed).toContain(`CSV written to ${join(dir, 'out.csv')}`);
    // Three weeks were asked for: the two before have rows too (all "<10"), never a missing row.
    expect(parseCsv(csv).filter((l) => l[0] === 'weekly_totals' && l[3] === 'completed')).toHaveLength(4);
  });

  it('--lang names signs, results, channels and languages in that language; ids stay', async () => {
    const { core, counter } = countedCore();
    await batch(core);
    const dir = mkdtempSync(join(tmpdir(), 'stats-'));
    let printed = '';
    await runStatsCommand({
      argv: ['--lang', 'id', '--csv', join(dir, 'id.csv')],
      bundle,
      openCounter: async () => counter,
      write: (t) => (printed += t),
      now: NOW,
    });
    const csv = readFileSync(join(dir, 'id.csv'), 'utf8');
    const t = new Translator(bundle);
    expect(csv).toContain(
      `summary_by_sign,retention_of_documents,${t.t('id', 'indicator.retention_of_documents.name')},`,
    );
    expect(csv).toContain(`summary_by_level,urgent,${t.t('id', 'stats.level.urgent')},`);
    expect(csv).toContain('summary_by_language,id,Indonesia,');
    expect(printed).toContain(t.t('id', 'stats.no_campaign'));
    await expect(
      runStatsCommand({ argv: ['--lang', 'xx'], bundle, openCounter: async () => counter, write: () => {} }),
    ).rejects.toThrow(
      new StatsCommandError(
        `--lang must be one of the bot's languages: ${bundle.localeCodes.join(', ')} (got "xx").`,
      ),
    );
  });

  it.each([['0'], ['105'], ['two'], ['2.5']])(
    'refuses --weeks %s with a plain message, before reading anything',
    async (weeks) => {
      let opened = false;
      await expect(
        runStatsCommand({
          argv: ['--weeks', weeks],
          bundle,
          openCounter: async () => ((opened = true), new MemoryStatsCounter()),
          write: () => {},
        }),
      ).rejects.toThrow(
        new StatsCommandError(`--weeks must be a whole number from 1 to 104 (got "${weeks}").`),
      );
      expect(opened).toBe(false);
    },
  );

  it('refuses an unknown option and shows how to use it', async () => {
    await expect(
      runStatsCommand({
        argv: ['--k', '2'],
        bundle,
        openCounter: async () => new MemoryStatsCounter(),
        write: () => {},
      }),
    ).rejects.toThrow(/Unknown option '--k'[\s\S]*npm run stats -- \[--weeks 8\]/);
  });
});
