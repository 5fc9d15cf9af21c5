import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { TEST_TOKEN } from './harness.js';

const SECRET = 'wh_secret_0123456789ABCDEFabcdef';

describe('Telegram settings', () => {
  it('polling with a token is enough', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: TEST_TOKEN });
    expect(c.TELEGRAM_MODE).toBe('polling');
  });

  it('webhook mode with its address and secret', () => {
    const c = loadConfig({
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    expect(c.TELEGRAM_WEBHOOK_URL).toBe('https://bot.example.org/tg');
  });

  const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
    [
      'webhook mode without a token',
      { TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_URL: 'https://x.org/tg', TELEGRAM_WEBHOOK_SECRET: SECRET },
      /TELEGRAM_BOT_TOKEN is required/,
    ],
    [
      'a token that is not one',
      { TELEGRAM_BOT_TOKEN: 'my-bot-token' },
      /TELEGRAM_BOT_TOKEN does not look like a bot token/,
    ],
    [
      'a token with a space pasted in',
      { TELEGRAM_BOT_TOKEN: `${TEST_TOKEN} ` },
      /TELEGRAM_BOT_TOKEN does not look like a bot token/,
    ],
    [
      'a webhook address that is not https',
      {
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_URL: 'http://x.org/tg',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
      },
      /must be the public https/,
    ],
    [
      'a webhook without its secret',
      { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_URL: 'https://x.org/tg' },
      /TELEGRAM_WEBHOOK_SECRET is required/,
    ],
  ];
  for (const [what, env, message] of bad) {
    it(`${what} stops start-up with a message naming the setting`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  }
});

describe('.env.example', () => {
  const lines = readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8').split('\n');
  for (const name of [
    'TELEGRAM_BOT_TOKEN',
    'TELEGRAM_MODE',
    'TELEGRAM_WEBHOOK_URL',
    'TELEGRAM_WEBHOOK_SECRET',
    'PORT',
  ]) {
    it(`lists ${name}, with a comment above it`, () => {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect(at, `${name} is not in .env.example`).toBeGreaterThan(0);
      expect(lines[at - 1]).toMatch(/^# \S/);
    });
  }

  it('as it is (copied to .env unchanged) is a valid configuration', () => {
    const env = Object.fromEntries(
      lines
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});
