import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/app.js';
import { createLogger, readableDestination } from '../src/log.js';
import { bundle } from '../scripts/build.js';

/** A real entry point (`npm start` by default), with only these settings and what she types. */
function start(env: Record<string, string>, input: string, entry = 'src/main.ts', args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm start without settings: the terminal chat', () => {
  it('shows the questions with no log lines among them', () => {
    const r = start({ ENV_FILE: '' }, '1\nexit\n');
    const all = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Choose your language.');
    expect(r.stdout).toContain('Who keeps your passport?');
    expect(all).not.toContain('{"level"');
    expect(all).not.toContain('SESSION_SECRET');
  });

  it('npm run chat is as clean', () => {
    const r = start({}, 'exit\n', 'bots/console/main.ts', ['--lang', 'tl']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Sino ang may hawak ng pasaporte mo?');
    expect(`${r.stdout}${r.stderr}`).not.toContain('{"level"');
  });

  it('LOG_LEVEL brings the log lines back when asked', () => {
    const r = start({ LOG_LEVEL: 'info' }, 'exit\n');
    expect(r.stderr).toContain('SESSION_SECRET is not set');
  });
});

describe('the bundle the container runs (npm run build)', () => {
  it('starts the same terminal chat, with flows and texts found from dist/', async () => {
    await bundle('src/main.ts', 'dist/test-main.mjs');
    const r = spawnSync(process.execPath, ['--enable-source-maps', 'dist/test-main.mjs'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ENV_FILE: '' },
      input: '1\nexit\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Choose your language.');
    expect(r.stdout).toContain('Who keeps your passport?');
    expect(`${r.stdout}${r.stderr}`).not.toContain('{"level"');
  });

  it('refuses an output that would not find the project folder', async () => {
    await expect(bundle('src/main.ts', 'dist/deeper/main.mjs')).rejects.toThrow('one folder below the project');
  });
});

describe('log lines for a person at a terminal', () => {
  it('read as "level: message (fields)", never JSON', () => {
    const lines: string[] = [];
    const logger = createLogger('info', readableDestination((l) => void lines.push(l)));
    logger.warn({ port: 8080, channel: 'telegram' }, 'telegram: webhook server listening');
    logger.debug('hidden');
    expect(lines).toEqual(['warning: telegram: webhook server listening (port=8080 channel=telegram)\n']);
  });
});
