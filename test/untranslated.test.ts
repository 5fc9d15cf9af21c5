import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsoleChat } from '../bots/console/console-chat.js';
import { createCore, loadCheckedBundle } from '../src/app.js';
import { loadBundle, type Flow } from '../src/bundle.js';
import { runCheck } from '../src/check/run-check.js';
import { createLogger } from '../src/log.js';
import { FlowProblemsError, formatProblem } from '../src/problems.js';
import { previewRoot } from './preview/preview-root.js';
import { removeText } from './helpers/untranslated.js';

const config = { SESSION_TTL_HOURS: 1, RESUME_PROMPT_MINUTES: 30 };

/** A copy of the shipped project where Tagalog lacks the label of the first question's first answer. */
function projectWithUntranslatedAnswer() {
  const { root } = previewRoot();
  const flow: Flow = loadBundle({ root }).bundle!.flows.get('self-assessment')!;
  const question = [...flow.steps.values()].find((s) => s.type === 'question');
  if (question?.type !== 'question') throw new Error('no question in the flow');
  const key = question.choices[0]!.label;
  const english = removeText(root, 'tl', key);
  return { root, key, english, question };
}

describe('a text not translated yet', () => {
  it('production refuses it, and npm run check lists it as an error', () => {
    const { root, key } = projectWithUntranslatedAnswer();
    const { bundle, problems } = loadBundle({ root });
    expect(bundle).toBeUndefined();
    expect(problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^flows/self-assessment\\.yaml:\\d+:\\d+: error: the text "${key.replace(/\./g, '\\.')}" is missing in locales/tl/messages\\.yaml$`)),
    ]);
    // What npm start does with NODE_ENV=production: it does not start.
    expect(() => loadCheckedBundle(root, { englishFallback: false })).toThrow(FlowProblemsError);
    const report = runCheck({ root });
    expect(report.exitCode).toBe(1);
    expect(report.lines.filter((l) => l.includes(`the text "${key}" is missing`))).toHaveLength(1);
  });

  it('in development it is shown in English, marked [EN], in the terminal chat, and the bot still starts', async () => {
    const { root, key, english, question } = projectWithUntranslatedAnswer();
    const { bundle, problems } = loadBundle({ root, englishFallback: true });
    expect(bundle).toBeDefined();
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.map(formatProblem)).toContain(
      `locales/tl/messages.yaml:1:1: warning: the text "${key}" is missing: shown in English, marked "[EN]", while you try it (never in production; npm run check lists it as an error)`,
    );

    const core = createCore({ bundle: bundle!, config, logger: createLogger('silent') });
    // The rendered question: the untranslated answer in English with the mark, the others in Tagalog.
    let out = await core.conversations.handle('dev', { kind: 'start', lang: 'tl' }, { channel: 'console' });
    const q = out.messages.find((m) => m.type === 'question');
    expect(q?.type === 'question' && q.id).toBe(question.id);
    if (q?.type !== 'question') return;
    expect(q.choices[0]!.label).toBe(`[EN] ${english}`);
    for (const c of q.choices.slice(1)) expect(c.label.startsWith('[EN]')).toBe(false);
    // English itself is never marked.
    out = await core.conversations.handle('dev-en', { kind: 'start', lang: 'en' }, { channel: 'console' });
    const qEn = out.messages.find((m) => m.type === 'question');
    expect(qEn?.type === 'question' && qEn.choices[0]!.label).toBe(english);

    // The terminal chat (npm run chat) shows it so.
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString('utf8')));
    const done = runConsoleChat({ conversations: core.conversations, chatRef: 'terminal', lang: 'tl', json: false, input, output });
    input.end('1\n');
    await done;
    expect(printed).toContain(`  1) [EN] ${english}\n`);
  });
});
