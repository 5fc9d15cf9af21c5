import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { loadEnvFile } from '../src/env-file.js';

function folderWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
  writeFileSync(join(dir, '.env'), text);
  return dir;
}

describe('the settings file (.env)', () => {
  it('is read from the folder the command runs in; the environment wins; comments, export and quotes are understood', () => {
    const dir = folderWith('# comment\nexport REDIS_URL=redis://127.0.0.1:6379\nTELEGRAM_MODE="webhook"\nLOG_LEVEL=debug\n\nNOTE=\'two\nlines\'\n');
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
    expect(loadEnvFile(env, dir).sort()).toEqual(['NOTE', 'REDIS_URL', 'TELEGRAM_MODE']);
    expect(env).toEqual({ LOG_LEVEL: 'warn', REDIS_URL: 'redis://127.0.0.1:6379', TELEGRAM_MODE: 'webhook', NOTE: 'two\nlines' });
  });

  it('no file: nothing happens; ENV_FILE naming a missing file stops the start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    expect(loadEnvFile({}, dir)).toEqual([]);
    expect(() => loadEnvFile({ ENV_FILE: 'settings.env' }, dir)).toThrow('ENV_FILE names settings.env, but there is no such file.');
  });

  it('a line that is not NAME=value names its number, never its content', () => {
    const dir = folderWith('PORT=8080\nTELEGRAM_BOT_TOKEN 123:abc\n');
    expect(() => loadEnvFile({}, dir)).toThrow(ConfigError);
    expect(() => loadEnvFile({}, dir)).toThrow(/^\.env line 2 cannot be read: each line must be NAME=value \(or a # comment\)\. Fix that line, or remove it\.$/);
  });

  it('a quoted value never closed is named', () => {
    const dir = folderWith('TELEGRAM_WEBHOOK_URL="https://x.org\nPORT=1\n');
    expect(() => loadEnvFile({}, dir)).toThrow('.env: a quoted value is never closed (a " is missing).');
  });
});
