import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadBundle } from '../../src/bundle.js';
import { runCheck } from '../../src/check/run-check.js';
import { fixtureRoot } from '../helpers/fixture-root.js';
import { fixtureProject } from './fixture-project.js';

const BROKEN = join(PROJECT_ROOT, 'test', 'fixtures', 'broken');
const CHECK = join(PROJECT_ROOT, 'test', 'fixtures', 'check');
const TODAY = new Date('2025-06-01T12:00:00Z');

/**
 * The broken-flow fixtures, in either form: `<defect>.yaml` + `<defect>.expected.txt` (a flow put into
 * a project with the shipped indicators, contacts and English texts), or a folder `<defect>/` that is
 * a whole project root with `expected.txt`.
 */
function brokenFixtures(): { name: string; root: () => string; expected: string[] }[] {
  if (!existsSync(BROKEN)) return [];
  const read = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
  return readdirSync(BROKEN)
    .sort()
    .flatMap((entry) => {
      const abs = join(BROKEN, entry);
      if (statSync(abs).isDirectory()) {
        const expected = join(abs, 'expected.txt');
        return existsSync(expected) ? [{ name: entry, root: () => abs, expected: read(expected) }] : [];
      }
      const m = /^(.+)\.yaml$/.exec(entry);
      const expected = m ? join(BROKEN, `${m[1]}.expected.txt`) : '';
      if (!m || !existsSync(expected)) return [];
      return [{ name: m[1]!, root: () => fixtureRoot(readFileSync(abs, 'utf8')), expected: read(expected) }];
    });
}

const errorLines = (lines: string[]) => lines.filter((l) => l.includes(': error: '));

describe('npm run check: broken flows', () => {
  const fixtures = brokenFixtures();

  it('finds the broken-flow fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s: prints the exact message lines and fails', (_name, f) => {
    const report = runCheck({ root: f.root(), today: TODAY });
    expect(errorLines(report.lines)).toEqual(errorLines(f.expected));
    // Every expected line (warnings too) is printed, in the same order.
    const printed = report.lines.filter((l) => f.expected.includes(l));
    expect(printed).toEqual(f.expected);
    expect(report.exitCode).toBe(1);
    expect(report.lines.at(-1)).toBe(
      `${report.errors} error${report.errors === 1 ? '' : 's'} and ${report.warnings} warning${report.warnings === 1 ? '' : 's'}. Fix the errors: the bot will not start until they are fixed.`,
    );
    expect(report.lines).toContain(
      'More checks (untranslated and long texts, unused indicators, old contact dates) run once the errors are fixed.',
    );
  });

  it('prints every problem at once: two defects in one flow give two errors', () => {
    const text = readFileSync(join(BROKEN, 'base.yaml'), 'utf8')
      .replace('label: q.passport.self', 'label: q.passport.self\n        next: reslt')
      .replace('signals: [retention_of_documents]', 'signals: [retention_of_document]');
    const report = runCheck({ root: fixtureRoot(text), today: TODAY });
    expect(errorLines(report.lines)).toEqual([
      'flows/self-assessment.yaml:18:15: error: step "passport" choice "self" points to "reslt", which does not exist. Did you mean "result"?',
      'flows/self-assessment.yaml:21:18: error: step "passport" choice "employer" names the indicator "retention_of_document", which is not in flows/indicators.yaml. Did you mean "retention_of_documents"?',
    ]);
    expect(report.exitCode).toBe(1);
  });

  it('a misspelt step name is one error, not one more for every step it cuts off', () => {
    const text = readFileSync(join(BROKEN, 'base.yaml'), 'utf8').replace('next: passport', 'next: pasport');
    const root = fixtureRoot(text);
    // Start-up also finds the steps cut off by it (passport and result unreachable, no way on from language).
    const startUp = loadBundle({ root }).problems.filter((p) => p.severity === 'error');
    expect(startUp).toHaveLength(4);
    const report = runCheck({ root, today: TODAY });
    expect(report.lines.slice(0, 2)).toEqual([
      'flows/self-assessment.yaml:10:11: error: step "language" points to "pasport", which does not exist. Did you mean "passport"?',
      'flows/self-assessment.yaml: 3 more errors are not shown: steps that cannot be reached, or from which no path leads to a result, because of the missing step named above. Fix that name first; any of these that remain are shown then.',
    ]);
    expect(errorLines(report.lines)).toHaveLength(1);
    expect(report.errors).toBe(4);
    expect(report.exitCode).toBe(1);
  });

  it('a broken English file gives its own error, not "the English locale is missing" as well', () => {
    const root = fixtureRoot(readFileSync(join(BROKEN, 'base.yaml'), 'utf8'));
    // The usual slip: the new question's texts pasted under a second "q:" at the end of the file.
    appendFileSync(join(root, 'locales', 'en', 'messages.yaml'), 'q:\n  contract:\n    text: "Did you get a copy of your contract?"\n');
    const report = runCheck({ root, today: TODAY });
    expect(errorLines(report.lines)).toEqual([
      expect.stringMatching(
        /^locales\/en\/messages\.yaml:\d+:1: error: "q" is written twice at the same level \(first on line \d+\), each time with lines under it\. If both are meant as one, move the lines of the second into the first and remove the second "q:" line; if they are two different things, give one of them another name$/,
      ),
    ]);
    expect(report.lines).toContain(
      'locales/en/messages.yaml: the English texts cannot be used until the error above is fixed (every other language is checked against them).',
    );
    expect(report.exitCode).toBe(1);
  });

  it('an unreachable step with no misspelt name is still shown', () => {
    const text = readFileSync(join(BROKEN, 'unreachable-step.yaml'), 'utf8');
    const report = runCheck({ root: fixtureRoot(text), today: TODAY });
    expect(errorLines(report.lines)).toEqual(readFileSync(join(BROKEN, 'unreachable-step.expected.txt'), 'utf8').trim().split('\n'));
    expect(report.lines.some((l) => l.includes('not shown'))).toBe(false);
  });
});

describe('npm run check: warnings', () => {
  it('warns about untranslated, long and unused texts, unused indicators and unchecked contacts, and passes', () => {
    const dir = join(CHECK, 'warnings');
    const report = runCheck({ root: fixtureProject(dir), today: TODAY });
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trimEnd().split('\n');
    expect(report.lines).toEqual(expected);
    expect(report.errors).toBe(0);
    expect(report.exitCode).toBe(0);
  });

  it('says so when there is nothing to fix', () => {
    const report = runCheck({ root: fixtureProject(join(CHECK, 'clean')), today: TODAY });
    expect(report.lines).toEqual([
      'Checked 1 flow (self-assessment) in 1 language (en).',
      'No errors and no warnings. The bot can start.',
    ]);
    expect(report.exitCode).toBe(0);
  });

  it('a contact checked less than a year ago is fine; a day over a year is not', () => {
    const root = fixtureProject(join(CHECK, 'clean'));
    expect(runCheck({ root, today: new Date('2026-05-01T00:00:00Z') }).warnings).toBe(0);
    const late = runCheck({ root, today: new Date('2026-05-02T00:00:00Z') });
    expect(late.lines[0]).toBe(
      'flows/contacts.yaml:9:15: warning: the contact "police_emergency" is not confirmed (it was last confirmed on 2025-05-01, more than 365 days ago); it is still shown first everywhere. Confirm it on the organisation\'s or the government\'s own page, then set "status: confirmed" and "verified" to that date',
    );
  });
});

describe('npm run check: the shipped project', () => {
  it('finds exactly the errors start-up finds, and the exit code follows them', () => {
    const report = runCheck({ root: PROJECT_ROOT });
    const startUp = loadBundle({ root: PROJECT_ROOT }).problems.filter((p) => p.severity === 'error');
    expect(report.errors).toBe(startUp.length);
    expect(report.exitCode).toBe(startUp.length > 0 ? 1 : 0);
    for (const line of report.problems.map((p) => `${p.file}:${p.line}:${p.column}`)) {
      expect(line).toMatch(/^(flows|locales)\/[^:]+:\d+:\d+$/);
    }
  });
});

describe('scripts/check.ts', () => {
  const run = (root: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check.ts', '--root', root], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });

  it('exits 0 with warnings only, and prints the summary last', () => {
    const result = run(fixtureProject(join(CHECK, 'warnings')));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^No errors and \d+ warnings\. The bot can start; please read the warnings\.$/);
  });

  it('exits 1 on an error', () => {
    const text = readFileSync(join(BROKEN, 'base.yaml'), 'utf8').replace('next: passport', 'next: pasport');
    const result = run(fixtureRoot(text));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'flows/self-assessment.yaml:10:11: error: step "language" points to "pasport", which does not exist. Did you mean "passport"?\n',
    );
  });
});

describe('CI', () => {
  it('.ci/run runs the checker (so a broken flow fails CI) and installs the chromium the preview test needs', () => {
    const ci = readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8');
    const commands = ci.split('\n').filter((l) => !l.trimStart().startsWith('#'));
    expect(commands).toContain('npm run check');
    expect(commands.some((l) => /leaflet_pkgs\+=\(chromium\)/.test(l))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.check).toBe('tsx scripts/check.ts');
  });
});
