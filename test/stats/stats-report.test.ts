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
import { readStatsReport } from '../../src/stats/report.js';
import { runStatsCommand, StatsCommandError } from '../../src/stats/stats-command.js';
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

/** Every value the report prints, from its CSV. */
function printedValues(csv: string): string[] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').at(-1)!);
}

/** A printed value is "<10", "x", a count of at least 10, or a rate of two counts of at least 10. */
const SAFE = /^(<10|x|[1-9]\d+|\d+%)$/;

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
    // ... and the report shows no number under 10, nor her campaign code.
    const report = await readStatsReport(counter, {
      weeks: [WEEK],
      languages: bundle.localeCodes,
      indicators: [...bundle.indicators.keys()],
    });
    const csv = formatReportCsv(report);
    const text = formatReportText(report);
    for (const v of printedValues(csv)) expect(v).toMatch(SAFE);
    expect(printedValues(csv)).not.toContain('1');
    expect(csv).not.toContain('mfmw2026');
    expect(text).not.toContain('mfmw2026');
    // In the text tables, no cell is a lone small number either.
    for (const line of text
      .split('\n')
      .filter((l) => l.startsWith(WEEK) || l.startsWith('-') || l.startsWith('('))) {
      for (const cell of line.split(/\s{2,}/).slice(1))
        expect(cell.trim()).toMatch(/^(<10|x|[1-9]\d+|\d+%|[a-z_-]+|[a-zA-Z-]+)$/);
    }
  });

  it('a batch shows the counts of 10 or more, hides the small ones, and the hidden ones cannot be subtracted out', async () => {
    const { core, counter } = countedCore();
    await batch(core);
    // Each scripted conversation reached the result at the level it was written for (the early exit did not).
    expect((await counter.readWeeks([WEEK]))[0]!.counts).toEqual({
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

    const report = await readStatsReport(counter, {
      weeks: [WEEK],
      languages: bundle.localeCodes,
      indicators: [...bundle.indicators.keys()],
    });
    const byLevel = report.tables.find((t) => t.id === 'completions_by_level')!;
    const row = (lang: string) =>
      Object.fromEntries(
        byLevel.columns.map((c, i) => [c, byLevel.rows.find((r) => r.labels[1] === lang)!.cells[i]]),
      );
    expect(row('id')).toEqual({
      urgent: '<10',
      forced_labour_signs: '<10',
      rights_violations: '<10',
      no_signs: '14',
      all: '26',
    });
    // tl: 11 + 2 = 13; printing 11 or 13 would give the 2 away, so one of them is hidden too.
    expect(row('tl').forced_labour_signs).toBe('<10');
    expect([row('tl').no_signs, row('tl').all]).toContain('x');
    expect(row('en').all).toBe('<10');

    const campaigns = report.tables.find((t) => t.id === 'completions_by_campaign')!;
    expect(campaigns.rows.find((r) => r.labels[0] === 'mfmw2026')!.cells.at(-1)).toBe('26');

    const csv = formatReportCsv(report);
    for (const v of printedValues(csv)) expect(v).toMatch(SAFE);
    // No row with a printed total has exactly one hidden cell (it could be subtracted out).
    for (const t of report.tables.filter((t) => t.columns.at(-1) === 'all')) {
      for (const r of t.rows) {
        if (!/^\d+$/.test(r.cells.at(-1)!)) continue;
        const hidden = r.cells.slice(0, -1).filter((c) => !/^\d+$/.test(c));
        expect(hidden.length, `${t.id} ${r.labels.join(' ')}`).not.toBe(1);
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
    expect(csv.split('\n')[0]).toBe('table,week,language,campaign,indicator,measure,value');
    expect(csv).toContain(`completions_by_level,${WEEK},id,,,no_signs,14`);
    expect(csv).toContain(`completions_by_level,${WEEK},id,,,all,26`);
    expect(printed).toContain('Completed assessments by week, language and result');
    expect(printed).toMatch(new RegExp(`${WEEK}\\s+id\\s+<10\\s+<10\\s+<10\\s+14\\s+26\\n`));
    // The text row and the CSV lines say the same.
    const csvRow = csv
      .split('\n')
      .filter((l) => l.startsWith(`completions_by_level,${WEEK},tl,`))
      .map((l) => l.split(',').at(-1));
    const textRow = printed
      .split('\n')
      .find((l) => new RegExp(`^${WEEK}\\s+tl\\s`).test(l))!
      .trim()
      .split(/\s+/)
      .slice(2);
    expect(textRow).toEqual(csvRow);
    expect(printed).toContain(`CSV written to ${join(dir, 'out.csv')}`);
    // Three weeks were asked for: the two before have rows too (all "<10"), never a missing row.
    expect(
      new Set(
        csv
          .split('\n')
          .slice(1, -1)
          .map((l) => l.split(',')[1])
          .filter(Boolean),
      ).size,
    ).toBe(3);
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
