import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { containsWord } from '../../src/check/content-rules.js';
import { runCheck } from '../../src/check/run-check.js';
import { normaliseText } from '../../src/input.js';
import { fixtureProject } from './fixture-project.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'content');
const TODAY = new Date('2025-06-01T12:00:00Z');

/**
 * Each folder under test/fixtures/content is the small valid project `base` with one defect, and
 * `expected.txt`: exactly what `npm run check` prints for it. A folder with a file `launch` is
 * checked as `npm run check -- --launch`.
 */
const defects = readdirSync(DIR)
  .filter((d) => d !== 'base')
  .sort();

describe('npm run check: content rules', () => {
  it('the base project passes every rule, also the launch check', () => {
    const root = fixtureProject(join(DIR, 'base'));
    for (const launch of [false, true]) {
      const report = runCheck({ root, today: TODAY, launch });
      expect(report.lines).toEqual(['Checked 1 flow (self-assessment) in 1 language (en).', 'No errors and no warnings. The bot can start.']);
      expect(report.exitCode).toBe(0);
    }
  });

  it('has a fixture for every rule', () => {
    expect(defects).toEqual(
      expect.arrayContaining([
        'unconfirmed-contact-on-urgent-screen',
        'stale-contact-on-urgent-screen',
        'launch-unconfirmed-contact',
        'command-word-is-an-answer',
        'command-word-in-question',
        'flip-word-in-shared-list',
        'word-means-yes-and-no',
        'word-for-two-answers',
        'stale-figure-and-fee',
      ]),
    );
  });

  it.each(defects)('%s: prints the exact lines and fails', (name) => {
    const dir = join(DIR, name);
    const launch = existsSync(join(dir, 'launch'));
    const report = runCheck({ root: fixtureProject(dir), today: TODAY, launch });
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trimEnd().split('\n');
    expect(report.lines).toEqual(expected);
    expect(report.errors).toBeGreaterThan(0);
    expect(report.exitCode).toBe(1);
  });

  it('the launch fixture passes the everyday check: unconfirmed contacts only fail before launch', () => {
    const report = runCheck({ root: fixtureProject(join(DIR, 'launch-unconfirmed-contact')), today: TODAY });
    expect(report.exitCode).toBe(0);
    expect(report.lines[0]).toMatch(/warning: the contact "shelter" is not confirmed \(its status is "check"\); it is shown in results but never on an urgent screen/);
  });
});

describe('a command word inside a text', () => {
  const has = (text: string, word: string) => containsWord(normaliseText(text), normaliseText(word));
  it('is found as a whole word in spaced scripts, not inside another word', () => {
    expect(has('Apakah Anda ingin keluar dari rumah ini?', 'keluar')).toBe(true);
    expect(has('Do you want to quit?', 'quit')).toBe(true);
    expect(has('Are you quite sure?', 'quit')).toBe(false);
    expect(has('Do you want to start again?', 'start again')).toBe(true);
  });
  it('is found inside the text in scripts written without spaces', () => {
    expect(has('你想今天離開，但是走不了嗎？退出', '退出')).toBe(true);
    expect(has('วันนี้คุณอยากจบไหม', 'จบ')).toBe(true);
  });
});

describe('the shipped content', () => {
  it('breaks no content rule: no collision of words, nothing unconfirmed on an urgent screen', () => {
    const report = runCheck({ root: PROJECT_ROOT });
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });

  it('fails the launch check while a contact workers can see is unconfirmed (the honest state until they are confirmed)', () => {
    const report = runCheck({ root: PROJECT_ROOT, launch: true });
    const launchErrors = report.problems.filter((p) => p.severity === 'error' && p.message.startsWith('launch check:'));
    // Each of these is shown in results and is not confirmed on a primary source yet (see flows/contacts.yaml).
    expect(launchErrors.map((p) => /"([^"]+)"/.exec(p.message)?.[1]).sort()).toEqual(
      expect.arrayContaining(['help_dw', 'id_consulate', 'ph_consulate']),
    );
  });
});
