import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCheckedBundle } from '../src/app.js';
import type { Input } from '../src/engine.js';
import type { RenderedMessage } from '../src/render.js';
import { EngineDriver, makeEngine } from './helpers/engine.js';

/**
 * Golden conversations: each file in test/golden/ lists what the user sends and what the bot answers.
 * The session goes through JSON between every turn, exactly as the store keeps it.
 * `UPDATE_GOLDEN=1 npm test` rewrites the answers; read the diff before committing.
 */
interface GoldenTurn {
  send: string;
  expect?: RenderedMessage[];
}
interface GoldenFile {
  description: string;
  turns: GoldenTurn[];
}

const dir = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const bundle = loadCheckedBundle();

/** "/start" and "/start <payload>" open the chat as a deep link does; anything else is typed text. */
function toInput(send: string): Input {
  const m = /^\/start(?:\s+([a-zA-Z-]+?)(?:-([A-Za-z0-9_]+))?)?$/.exec(send);
  if (m) return { kind: 'start', ...(m[1] ? { lang: m[1] } : {}), ...(m[2] ? { campaign: m[2] } : {}) };
  return { kind: 'text', text: send };
}

describe('golden conversations', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it('cover every result level in every language', () => {
    for (const lang of bundle.localeCodes.filter((l) => ['en', 'zh-HK', 'id', 'tl'].includes(l))) {
      for (const level of ['no_signs', 'rights_violations', 'forced_labour_signs', 'urgent']) {
        expect(files, `${level}.${lang}.yaml`).toContain(`${level}.${lang}.yaml`);
      }
    }
  });

  it.each(files)('%s', (file) => {
    const path = join(dir, file);
    const golden = parse(readFileSync(path, 'utf8')) as GoldenFile;
    const { engine, renderer } = makeEngine(bundle);
    const driver = new EngineDriver(engine, renderer);
    const actual = golden.turns.map((t) => ({ send: t.send, expect: driver.send(toInput(t.send)) }));
    if (update) {
      writeFileSync(path, stringify({ description: golden.description, turns: actual }, { lineWidth: 0 }));
      return;
    }
    actual.forEach((turn, i) => {
      expect(turn.expect, `${file}, turn ${i + 1} (send "${turn.send}")`).toEqual(golden.turns[i]!.expect);
    });
  });
});
