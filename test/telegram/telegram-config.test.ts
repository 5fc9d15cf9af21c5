import { describe, expect, it } from 'vitest';
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
