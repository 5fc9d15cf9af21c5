import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { loadBundle } from '../../src/bundle.js';
import { Translator } from '../../src/i18n.js';
import { formatProblem } from '../../src/problems.js';
import { Renderer } from '../../src/render.js';
import { makeEngine } from '../helpers/engine.js';
import { fixtureRoot } from '../helpers/fixture-root.js';

/* The language menu's order is data: `languages:` on the language step. */

const base = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'broken', 'base.yaml'), 'utf8');
const withOrder = (list: string) => base.replace('    text: language.choose\n', `    text: language.choose\n    languages: ${list}\n`);

function menu(flowText: string, locales: string[]) {
  const { bundle, problems } = loadBundle({ root: fixtureRoot(flowText, locales) });
  if (!bundle) throw new Error(problems.map(formatProblem).join('\n'));
  const { engine } = makeEngine(bundle);
  const r = engine.turn(null, { kind: 'start' }, Date.UTC(2026, 0, 1));
  const rendered = new Renderer(bundle, new Translator(bundle)).render(r.intents, null);
  const q = rendered.find((m) => m.type === 'question');
  if (q?.type !== 'question') throw new Error('no language question');
  return { ids: q.choices.map((c) => c.id), labels: q.choices.map((c) => c.label), problems: problems.filter((p) => p.file.endsWith('self-assessment.yaml')).map(formatProblem) };
}

describe('the order of the language menu', () => {
  it('follows the list; languages not listed come after it, in code order', () => {
    const m = menu(withOrder('[tl, id]'), ['en', 'id', 'tl', 'zh-HK']);
    expect(m.ids).toEqual(['tl', 'id', 'en', 'zh-HK']);
    expect(m.labels).toEqual(['Tagalog', 'Bahasa Indonesia', 'English', '繁體中文（香港）']);
    expect(m.problems).toEqual([]);
  });

  it('without a list, is the code order', () => {
    expect(menu(base, ['tl', 'en', 'id']).ids).toEqual(['en', 'id', 'tl']);
  });

  it('a language without a folder is left out with a warning that says so; a language listed twice is an error', () => {
    const m = menu(withOrder('[tl, xx, en]'), ['en', 'tl']);
    expect(m.ids).toEqual(['tl', 'en']);
    expect(m.problems).toEqual([
      'flows/self-assessment.yaml:10:21: warning: step "language" lists the language "xx", which has no folder in locales/, so the menu leaves it out. Did you mean "en"?',
    ]);
    const { problems } = loadBundle({ root: fixtureRoot(withOrder('[tl, en, tl]'), ['en', 'tl']) });
    expect(problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([
      'flows/self-assessment.yaml:10:25: error: step "language" lists the language "tl" twice; list each language once',
    ]);
  });
});
