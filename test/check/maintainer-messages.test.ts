import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { runCheck } from '../../src/check/run-check.js';
import { YamlFile } from '../../src/yaml-file.js';
import { fixtureProject } from './fixture-project.js';

const MESSAGES = join(PROJECT_ROOT, 'test', 'fixtures', 'messages');
const TODAY = new Date('2025-06-01T12:00:00Z');

describe('npm run check: messages a maintainer can act on (whole-project fixtures)', () => {
  const fixtures = readdirSync(MESSAGES).filter((n) => existsSync(join(MESSAGES, n, 'expected.txt')));

  it('finds the fixtures', () => {
    expect(fixtures).toEqual(expect.arrayContaining(['locale-typo', 'locale-misspelt-key']));
  });

  it.each(fixtures)('%s: prints exactly the expected lines', (name) => {
    const expected = readFileSync(join(MESSAGES, name, 'expected.txt'), 'utf8')
      .trimEnd()
      .split('\n');
    const report = runCheck({ root: fixtureProject(join(MESSAGES, name)), today: TODAY });
    expect(report.lines).toEqual(expected);
    expect(report.exitCode).toBe(1);
  });

  it('a typo in one language file is one error there, not also "no folder" for that language', () => {
    const report = runCheck({ root: fixtureProject(join(MESSAGES, 'locale-typo')), today: TODAY });
    expect(report.lines.filter((l) => /folder/.test(l))).toEqual([]);
    expect(report.errors).toBe(1);
    expect(report.warnings).toBe(0);
  });
});

describe("YAML syntax errors are said in plain words, never in the YAML library's", () => {
  // Each mistake a maintainer makes, what the library says about it, and what the maintainer sees.
  const cases: [what: string, text: string, line: number, message: string][] = [
    [
      'a list item indented less than the one above',
      'a:\n  choices:\n    - id: x\n      label: y\n   - id: z\n',
      5,
      'this list item ("- ") is not indented like the items above it: start every "- " of one list in the same column',
    ],
    [
      'a name indented less than the one above',
      'a:\n   b: 1\n  c: 2\n',
      3,
      'this line is not indented like the lines around it. Indent with spaces only: every name of one level starts in the same column, and what belongs to a name is indented two spaces more than it',
    ],
    [
      'a tab',
      'a:\n\tb: 1\n',
      2,
      'this line is indented with a tab. YAML needs spaces: replace the tab with spaces',
    ],
    [
      'a quote left open',
      'a: "hello\nb: 2\n',
      3,
      'a quoted text is not closed: end it with the same quote mark it starts with (" or \')',
    ],
    [
      'a text with ": " not in quotes',
      'a: hello: world\n',
      1,
      'this line has a second ": " after the name, or the next line is indented too far and reads as part of it. Put a text that contains ": " in double quotes ("..."); start each name on its own line, in the same column as the names beside it',
    ],
    [
      'a text starting with @',
      'a: @name\n',
      1,
      'a text cannot start with @, `, %, | or > unless it is in quotes: put the whole text in double quotes ("...")',
    ],
    [
      'an apostrophe inside single quotes',
      "a: 'it's'\n",
      1,
      'there is more after a quoted text, or after "{...}" or "[...]". Put the whole text in double quotes ("..."); inside single quotes write an apostrophe twice (\'it\'\'s\')',
    ],
    [
      'a second document',
      'a: 1\n---\nb: 2\n',
      2,
      'a line "---" or "..." starts a second document. A flow or locale file is one document: remove that line',
    ],
    [
      'the same name twice',
      'a: 1\na: 2\n',
      2,
      '"a" is written twice at the same level (first on line 1); every name at one level must be unique. Rename or remove one of them',
    ],
    [
      'a section pasted twice (a second "q:" at the end of a language file)',
      'q:\n  a: "A"\nanswer:\n  b: "B"\nq:\n  c: "C"\n',
      5,
      '"q" is written twice at the same level (first on line 1), each time with lines under it. If both are meant as one, move the lines of the second into the first and remove the second "q:" line; if they are two different things, give one of them another name',
    ],
  ];

  it.each(cases)('%s', (_what, text, line, message) => {
    const { yaml, problems } = YamlFile.parse(text, 'locales/xx/messages.yaml');
    expect(yaml).toBeUndefined();
    expect(problems).toEqual([
      { severity: 'error', file: 'locales/xx/messages.yaml', line, column: expect.any(Number), message },
    ]);
    // Nothing of the library's own sentence reaches the maintainer.
    const raw = parseDocument(text, { uniqueKeys: true, prettyErrors: false }).errors[0]!.message.split(
      '\n',
    )[0]!;
    expect(message).not.toContain(raw);
  });
});

describe('a file that cannot be read', () => {
  it('says why in plain words, not the system\'s error text', () => {
    expect(YamlFile.read(join(MESSAGES, 'no-such-file.yaml'), 'flows/contacts.yaml').problems).toEqual([
      { severity: 'error', file: 'flows/contacts.yaml', line: 1, column: 1, message: 'cannot read the file (it is missing: restore it, e.g. from git)' },
    ]);
    expect(YamlFile.read(MESSAGES, 'flows/contacts.yaml').problems[0]!.message).toBe('cannot read the file (it is a folder, not a file)');
  });
});
